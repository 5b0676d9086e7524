"""``retour import-returns --format json FILE``: a store's past returns, from another returns tool."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour.catalog.services import StoreNotFound, find_store
from retour.core.management.base import BaseCommand
from retour.insights.importers import past_returns
from retour.insights.services.importing import ReturnsImportReport, import_past_returns

READERS = {"json": past_returns.read}


class Command(BaseCommand):
    help = gettext_lazy("Import past returns (from another returns tool) for orders already in Retour.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The file to import ('-' reads standard input)."))
        parser.add_argument("--format", required=True, choices=sorted(READERS), help=_("The file's format."))
        parser.add_argument("--store", help=_("The store's code (needed when there are several stores)."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store = find_store(options["store"])
        except StoreNotFound as error:
            raise CommandError(error.message) from None
        path = options["file"]
        if path == "-":
            report = self._import(store, sys.stdin.buffer, options["format"])
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
            with file.open("rb") as raw:
                report = self._import(store, raw, options["format"])
        self._report(report)

    def _import(self, store: Any, raw: Any, fmt: str) -> ReturnsImportReport:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            return import_past_returns(store, READERS[fmt](text))
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 text.")) from None

    def _report(self, report: ReturnsImportReport) -> None:
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            if report.errors_truncated:
                self.stderr.write(_("(more errors were not listed)"))
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(count)d error; nothing was imported.", "%(count)d errors; nothing was imported.", count
                )
                % {"count": count}
            )
        lines = ngettext("%(count)d line written", "%(count)d lines written", report.lines) % {
            "count": report.lines
        }
        self.stdout.write(
            ngettext(
                "Imported %(returns)d return (%(lines)s): %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged.",
                "Imported %(returns)d returns (%(lines)s): %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged.",
                report.returns,
            )
            % {
                "returns": report.returns,
                "lines": lines,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
