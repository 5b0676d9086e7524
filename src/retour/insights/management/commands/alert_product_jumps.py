"""``retour alert-product-jumps``: the periodic job's check, now (safe to run at any time, and twice)."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.insights import health_alerts


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": raw}) from None


class Command(BaseCommand):
    help = gettext_lazy(
        "Email the staff who see the analytics about each product whose return rate jumped in the last 30 "
        "days against its 90 days before (once per jump; a jump that is over closes its alert)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=_day,
            help=_("Check as on this day (YYYY-MM-DD; default: today), to look at a past period again."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["as_of"]
        done = health_alerts.follow_all(datetime.combine(day, time(12), UTC) if day else None)
        self.stdout.write(
            _("Product alerts: %(opened)d opened, %(closed)d closed, %(emailed)d emailed.")
            % {"opened": done.opened, "closed": done.closed, "emailed": done.emailed}
        )
