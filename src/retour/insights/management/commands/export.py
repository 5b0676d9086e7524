"""``retour export returns|refunds|claims --from D --to D``: a store's rows of a period, CSV or JSON Lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import StoreNotFound, find_store
from retour.core.management.base import BaseCommand
from retour.insights import exports


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": text}) from None


class Command(BaseCommand):
    help = gettext_lazy(
        "Export a store's returns (one row per returned line), refunds or guarantee claims of a period, as "
        "CSV or JSON Lines, streamed (constant memory)."
    )
    reads_analytics = True  # reads only: the replica answers when there is one

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=sorted(exports.DATASETS), help=_("What to export."))
        parser.add_argument(
            "--from", dest="start", required=True, help=_("The period's first day (YYYY-MM-DD).")
        )
        parser.add_argument(
            "--to", dest="end", required=True, help=_("The day after the period (YYYY-MM-DD).")
        )
        parser.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
        parser.add_argument("--format", default="csv", choices=exports.FORMATS, help=_("The file's format."))
        parser.add_argument(
            "--output", default="-", help=_("The file to write ('-' writes standard output).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"]), _day(options["end"])
        if end <= start:
            raise CommandError(_("The period must end after it starts (“to” after “from”)."))
        try:
            store = find_store(options["store"])
        except StoreNotFound as error:
            raise CommandError(error.message) from None
        chunks = exports.stream(exports.DATASETS[options["dataset"]], store, start, end, options["format"])
        if options["output"] == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
            return
        path = Path(options["output"])
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            partial.replace(path)  # a file that is there is whole
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
