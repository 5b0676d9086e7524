"""Refund liability and the cash-flow forecast (issue 11, item 4), as an analytics page: what the store
owes in refunds now, each return with its expected payment dates, and the cash refunds expected in each
of the next 12 weeks against the expected sales, with a 90 % band.

The figures are the stored refund outlook (``services.outlook``, computed by the worker from
``insights.cashflow``): the latest one when the period ends today (with when it was computed), else the
one as of the period's last day. They are the store's: the seller and category filters do not apply.
``retour report forecast`` and ``GET /api/v1/analytics/forecast`` compute the same forecast afresh for any
day (``--today``); this page, its CSV files, ``GET /api/v1/analytics/liability`` and ``retour report
liability`` read the stored one, the same for all four.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from retour.insights import cashflow
from retour.insights.analytics.base import (
    Column,
    Figure,
    FilterError,
    Filters,
    Kind,
    Page,
    Report,
    Table,
    ratio,
    register,
    today,
)
from retour.insights.charts import HEIGHT, PALETTE, WIDTH, Axis, Chart
from retour.insights.services import outlook as outlooks
from retour.returns.models import Return

NAME = "liability"
WEEK_AMOUNTS = ("owed_due", "pipeline", "coming", "new_orders", "expected", "low", "high", "sales")


@dataclass(frozen=True)
class BandChart(Chart):
    """The expected cash refunds a week as a line inside its band (``low``-``high``), and the expected
    sales as a dashed line on their own scale (right axis): refunds are a small share of sales."""

    sales_title: str = ""

    def spec(self) -> dict[str, Any]:
        plain = {"tooltip": False}
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "width": WIDTH,
            "height": HEIGHT,
            "encoding": {"x": {"field": self.x.field, "type": "ordinal", "title": str(self.x.title)}},
            "layer": [
                {
                    "layer": [
                        {
                            "mark": {"type": "area", "color": PALETTE[0], "opacity": 0.3, **plain},
                            "encoding": {
                                "y": {"field": "low", "type": "quantitative", "title": str(self.y.title)},
                                "y2": {"field": "high"},
                            },
                        },
                        {
                            "mark": {"type": "line", "point": True, "color": PALETTE[0], **plain},
                            "encoding": {"y": {"field": self.y.field, "type": "quantitative"}},
                        },
                    ]
                },
                {
                    "mark": {"type": "line", "strokeDash": [6, 4], "color": PALETTE[1], **plain},
                    "encoding": {
                        "y": {
                            "field": "sales",
                            "type": "quantitative",
                            "title": self.sales_title,
                            "axis": {"orient": "right"},
                        }
                    },
                },
            ],
            "resolve": {"scale": {"y": "independent"}},
            "config": {"aria": False, "font": "sans-serif", "view": {"stroke": None}},
        }


def as_of_day(filters: Filters) -> date:
    """The day the page is as of: the period's last day, today at the latest."""
    day = min(filters.end - timedelta(days=1), today(filters.store))
    if not cashflow.EARLIEST <= day <= cashflow.LATEST:
        raise FilterError(
            _("The day must be between %(first)s and %(last)s.")
            % {"first": cashflow.EARLIEST.isoformat(), "last": cashflow.LATEST.isoformat()},
            field="to",
        )
    return day


def build(filters: Filters) -> Report:
    stored = outlooks.as_of(filters.store, as_of_day(filters))
    data: dict[str, Any] = stored.data
    owed = data["owed_now"]
    report = Report(NAME, PAGE.title, filters)
    computed = _("Computed on %(when)s in %(seconds)s s.") % {
        "when": formats.date_format(timezone.localtime(stored.computed_at), "SHORT_DATETIME_FORMAT"),
        "seconds": formats.number_format(round(stored.seconds, 1), 1),
    }
    report.figures = [
        Figure("as_of", _("As of"), Kind.DATE, data["as_of"], note=computed),
        Figure("owed_now", _("Refunds owed now"), Kind.MONEY, owed["total"]),
        Figure("owed_returns", _("Returns owed a refund"), Kind.COUNT, len(owed["returns"])),
        Figure(
            "next_4_weeks", _("Refunds forecast, next 4 weeks"), Kind.MONEY, data["next_4_weeks"]["expected"]
        ),
        Figure("next_4_weeks_low", _("Low end (90 % band)"), Kind.MONEY, data["next_4_weeks"]["low"]),
        Figure("next_4_weeks_high", _("High end (90 % band)"), Kind.MONEY, data["next_4_weeks"]["high"]),
        Figure("computed_at", _("Computed at"), Kind.TEXT, stored.computed_at.isoformat(timespec="seconds")),
    ]
    report.tables = [_weeks(data), _owed(owed["returns"]), _rates(data["return_rates"])]
    return report


def _weeks(data: dict[str, Any]) -> Table:
    rows = [
        {**week, "share_of_sales": ratio(Decimal(week["expected"]), Decimal(week["sales"]))}
        for week in data["weeks"]
    ]
    return Table(
        "weeks",
        _("Cash refunds expected by week, against sales"),
        (
            Column("week", _("Week from"), Kind.DATE),
            Column("owed_due", _("Owed now, due"), Kind.MONEY),
            Column("pipeline", _("Returns under way"), Kind.MONEY),
            Column("coming", _("Returns still to come"), Kind.MONEY),
            Column("new_orders", _("Returns from new orders"), Kind.MONEY),
            Column("expected", _("Expected"), Kind.MONEY),
            Column("low", _("Low (90 %)"), Kind.MONEY),
            Column("high", _("High (90 %)"), Kind.MONEY),
            Column("sales", _("Expected sales"), Kind.MONEY),
            Column("share_of_sales", _("Refunds as a share of sales"), Kind.RATIO),
        ),
        rows,
        chart=BandChart(
            _("Cash refunds expected by week (line, within its 90 % band) against expected sales (dashed)"),
            Axis("week", str(_("Week from"))),
            Axis("expected", str(_("Cash refunds expected")), "quantitative"),
            sales_title=str(_("Expected sales")),
        ),
        note=_(
            "The returns under way, the returns still to come from delivered orders, and those from orders "
            "not delivered or not placed yet. Store credit is not cash and is left out. The store's whole "
            "figures: the seller and category filters do not apply."
        ),
    )


def _owed(returns: list[dict[str, Any]]) -> Table:
    rows = [
        {
            "number": owed["number"],
            "state": owed["state"],
            "where": str(Return.State(owed["state"]).label),
            "amount": owed["amount"],
            "expected_from": owed["expected_from"],
            "expected_by": owed["expected_by"],
        }
        for owed in returns
    ]
    by_day: dict[str, Decimal] = defaultdict(Decimal)
    for owed in returns:
        by_day[owed["expected_by"]] += Decimal(owed["amount"])
    return Table(
        "owed",
        _("Owed now, by return"),
        (
            Column("number", _("Return number")),
            Column("where", _("Where it is")),
            Column("amount", _("Amount"), Kind.MONEY),
            Column("expected_from", _("Expected from"), Kind.DATE),
            Column("expected_by", _("Expected by"), Kind.DATE),
        ),
        rows,
        chart=Chart(
            _("Refunds owed now, by the day they are expected to be paid by"),
            Axis("expected_by", str(_("Expected by")), "ordinal"),
            Axis("amount", str(_("Amount")), "quantitative"),
        ),
        chart_rows=[{"expected_by": day, "amount": str(by_day[day])} for day in sorted(by_day)],
    )


def _rates(rates: dict[str, float]) -> Table:
    return Table(
        "return_rates",
        _("Return rates learnt from history, by category"),
        (Column("category", _("Category")), Column("rate", _("Return rate"), Kind.RATIO)),
        [{"category": key, "rate": f"{rate:.4f}"} for key, rate in sorted(rates.items())],
    )


PAGE = register(
    Page(
        NAME,
        _("Refunds owed and forecast"),
        build,
        _("What is owed in refunds now, and the cash refunds expected in the next 12 weeks."),
        default_days=7,
    )
)
