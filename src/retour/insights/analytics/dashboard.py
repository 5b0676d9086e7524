"""The analytics home (issue 11, item 6): the six numbers that matter, each against the same length of
time just before (its trend), each linking to the page that explains it.

Return rate, refunds paid and retained revenue come from the rollup (orders placed in the period, as on
their pages). What is owed, the next four weeks' forecast and the net cost per return are computed by
their own pages' code, which offers them with ``base.provide_figure``; until one does, its card says "not
available yet".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from retour.insights.analytics.base import (
    FIGURE_SOURCES,
    Figure,
    Filters,
    Kind,
    Page,
    Report,
    money,
    ratio,
    register,
    total,
)
from retour.insights.analytics.outcomes import retention

NAME = "dashboard"
DAYS = 28

# card key, label, kind, the page it links to.
CARDS: tuple[tuple[str, Any, Kind, str], ...] = (
    ("return_rate", _("Return rate (orders)"), Kind.RATIO, "return-rates"),
    ("refunds_paid", _("Refunds paid"), Kind.MONEY, "outcomes"),
    ("owed", _("Refunds owed now"), Kind.MONEY, "liability"),
    ("forecast_4_weeks", _("Refunds forecast, next 4 weeks"), Kind.MONEY, "forecast"),
    ("net_cost_per_return", _("Net cost per return"), Kind.MONEY, "cost"),
    ("retained_revenue", _("Retained revenue"), Kind.RATIO, "outcomes"),
)


def own_figures(filters: Filters) -> dict[str, Any]:
    overall = total(filters)
    return {
        "return_rate": ratio(overall.returned_orders, overall.orders),
        "refunds_paid": money(overall.refunds_paid, filters.currency),
        "retained_revenue": retention(filters)["retained_revenue_ratio"],
    }


def value_of(key: str, filters: Filters, own: dict[str, Any]) -> Any:
    if key in own:
        return own[key]
    source = FIGURE_SOURCES.get(key)
    return source(filters) if source is not None else None


def build(filters: Filters) -> Report:
    days = (filters.end - filters.start).days
    before = filters.shifted(days)
    now, then = own_figures(filters), own_figures(before)
    report = Report(NAME, PAGE.title, filters)
    for key, label, kind, page in CARDS:
        value = value_of(key, filters, now)
        report.figures.append(
            Figure(
                key,
                label,
                kind,
                value,
                previous=value_of(key, before, then) if value is not None else None,
                page=page,
            )
        )
    return report


PAGE = register(
    Page(
        NAME,
        _("Returns at a glance"),
        build,
        _("The six numbers that matter, against the same number of days before."),
        default_days=DAYS,
    )
)
