"""``retour report metrics``: the return metrics of a store's orders placed in a period."""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.models import Store
from retour.catalog.services import StoreNotFound, find_store
from retour.core.management.base import BaseCommand
from retour.insights import cashflow, forecast_report, text_report
from retour.insights.analytics.command import add_page_parsers, run_page_report
from retour.insights.queries import store_metrics


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": raw}) from None


def _cost(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(_("%(value)s is not an amount of zero or more") % {"value": raw})
    return value


class Command(BaseCommand):
    help = gettext_lazy("Reports on a store's returns.")
    reads_analytics = True  # reads only: the replica answers when there is one

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True, parser_class=type(parser))
        metrics = sub.add_parser(
            "metrics",
            help=_("Return rates, outcomes and costs of the orders placed in a period."),
            called_from_command_line=parser.called_from_command_line,
        )
        metrics.add_argument(
            "--from", dest="start", required=True, type=_day, help=_("The period's first day (YYYY-MM-DD).")
        )
        metrics.add_argument(
            "--to", dest="end", required=True, type=_day, help=_("The day after the period (YYYY-MM-DD).")
        )
        metrics.add_argument("--json", action="store_true", help=_("Print the figures as one JSON object."))
        metrics.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
        metrics.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("The language of the text report (default: the active language)."),
        )
        metrics.add_argument(
            "--handling-cost-per-unit",
            dest="handling",
            type=_cost,
            help=_("What handling one received unit costs, for this report (default: the store's setting)."),
        )
        add_page_parsers(sub, parser, _day)

        for name, text in (
            (
                "forecast",
                _("What is owed in refunds now, and the cash refunds expected in the next 12 weeks."),
            ),
            (
                "forecast-backtest",
                _("The refund forecast made each week of the last 6 months against what was then paid."),
            ),
        ):
            cash = sub.add_parser(name, help=text, called_from_command_line=parser.called_from_command_line)
            cash.add_argument("--json", action="store_true", help=_("Print the figures as one JSON object."))
            cash.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
            cash.add_argument(
                "--today",
                type=_day,
                help=_("The day to forecast from (YYYY-MM-DD; default: the store's today)."),
            )
            cash.add_argument(
                "--language",
                choices=[code for code, _name in settings.LANGUAGES],
                help=_("The language of the text report (default: the active language)."),
            )

    def handle(self, *args: Any, **options: Any) -> None:
        if run_page_report(options, self.stdout.write):
            return
        try:
            store = find_store(options["store"])
        except StoreNotFound as error:
            raise CommandError(error.message) from None
        if options["report"] in ("forecast", "forecast-backtest"):
            self._cash(store, options)
            return
        start, end = options["start"], options["end"]
        if end <= start:
            raise CommandError(_("--to must be a day after --from."))
        figures = store_metrics(store, start, end, handling_cost=options["handling"])
        if options["json"]:
            self.stdout.write(json.dumps(figures.as_dict(), indent=2, ensure_ascii=False))
            return
        with translation.override(options["language"] or translation.get_language()):
            self.stdout.write(text_report.render(figures))

    def _cash(self, store: Store, options: dict[str, Any]) -> None:
        today = options["today"] or cashflow.today_of(store)
        if not cashflow.EARLIEST <= today <= cashflow.LATEST:
            raise CommandError(
                _("--today must be between %(first)s and %(last)s.")
                % {"first": cashflow.EARLIEST.isoformat(), "last": cashflow.LATEST.isoformat()}
            )
        if options["report"] == "forecast-backtest":
            result = cashflow.backtest(store, today)
            if options["json"]:
                self.stdout.write(json.dumps(forecast_report.backtest_data(result)))
                return
            with translation.override(options["language"] or translation.get_language()):
                self.stdout.write(forecast_report.render_backtest(store, result))
            return
        made, liability = cashflow.forecast(store, today), cashflow.owed_now(store, today)
        if options["json"]:
            data = forecast_report.forecast_data(store, made, liability)
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        with translation.override(options["language"] or translation.get_language()):
            self.stdout.write(forecast_report.render_forecast(store, made, liability))
