from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import CommandError, CommandParser
from django.db import OperationalError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from retour.catalog.services import StoreNotFound, find_store
from retour.core.management.base import BaseCommand
from retour.orders.importers import json_orders, shopify_csv, shopify_json, woocommerce_json
from retour.orders.importers.records import ImportedOrder, RowError
from retour.orders.services.importing import ImportReport, import_orders

READERS = {
    "shopify-csv": shopify_csv.read,
    "shopify-json": shopify_json.read,
    "woocommerce-json": woocommerce_json.read,
    "json": json_orders.read,
}


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a file, so a progress bar can show how far the import is."""

    def __init__(self, raw: BinaryIO, bar: tqdm[Any] | None) -> None:
        self.raw = raw
        self.bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        if self.bar is not None and count:
            self.bar.update(count)
        return int(count or 0)


class Command(BaseCommand):
    help = gettext_lazy("Import orders from a shop platform's export or from Retour's JSON format.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The file to import ('-' reads standard input)."))
        parser.add_argument("--format", required=True, choices=sorted(READERS), help=_("The file's format."))
        parser.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
        parser.add_argument(
            "--progress",
            choices=["auto", "on", "off"],
            default="auto",
            help=_("Show a progress bar (auto: only on a terminal)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store = find_store(options["store"])
        except StoreNotFound as error:
            raise CommandError(error.message) from None
        path = options["file"]
        show = options["progress"] == "on" or (options["progress"] == "auto" and sys.stderr.isatty())
        if path == "-":
            report = self._import(store, sys.stdin.buffer, None, options["format"])
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
            bar = tqdm(
                total=os.path.getsize(file),
                unit="B",
                unit_scale=True,
                desc=_("Importing"),
                disable=not show,
                file=sys.stderr,
            )
            with bar, file.open("rb") as raw:
                report = self._import(store, _CountingReader(raw, bar), bar, options["format"])
        self._report(report)

    def _import(self, store: Any, raw: Any, bar: tqdm[Any] | None, fmt: str) -> ImportReport:
        text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding="utf-8-sig", newline="")
        records: Iterator[ImportedOrder | list[RowError]] = READERS[fmt](text)
        try:
            return import_orders(store, records)
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 text.")) from None
        except OperationalError as error:
            # SQLite: another import held the database's write lock longer than the busy timeout.
            if "locked" not in str(error):
                raise
            raise CommandError(
                _(
                    "The database is busy with another import: nothing was imported; try again "
                    "when it is done."
                )
            ) from None

    def _report(self, report: ImportReport) -> None:
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
                "Imported %(orders)d order (%(lines)s): %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged.",
                "Imported %(orders)d orders (%(lines)s): %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged.",
                report.orders,
            )
            % {
                "orders": report.orders,
                "lines": lines,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
