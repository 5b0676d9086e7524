"""The analytics home (issue 11, item 6): the six numbers that matter, each against the same length of
time just before (its trend), each linking to the page that explains it.

Return rate, refunds paid and retained revenue come from the rollup (orders placed in the period, as on
their pages). What is owed and the next four weeks' refunds come from the refund outlook the worker
computed and stored (``services.outlook``): the latest one when the period ends today, with when it was
computed; else the one as of the period's last day (its trend: as of the day before the period). The net
cost per return comes from the cost of returns of the period's orders, read from the rollup
(``analytics.cost``). A card no code computes yet (``base.provide_figure`` adds one) says "not available
yet".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import formats, timezone
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
    today,
    total,
)
from retour.insights.analytics.cost import net_cost_per_return
from retour.insights.analytics.outcomes import retention
from retour.insights.models import StoredOutlook
from retour.insights.services import outlook as outlooks

NAME = "dashboard"
DAYS = 28

# card key, label, kind, the page it links to.
CARDS: tuple[tuple[str, Any, Kind, str], ...] = (
    ("return_rate", _("Return rate (orders)"), Kind.RATIO, "return-rates"),
    ("refunds_paid", _("Refunds paid"), Kind.MONEY, "outcomes"),
    ("owed", _("Refunds owed now"), Kind.MONEY, "liability"),
    ("forecast_4_weeks", _("Refunds forecast, next 4 weeks"), Kind.MONEY, "liability"),
    ("net_cost_per_return", _("Net cost per return"), Kind.MONEY, "cost"),
    ("retained_revenue", _("Retained revenue"), Kind.RATIO, "outcomes"),
)


OUTLOOK_CARDS = ("owed", "forecast_4_weeks")


def own_figures(filters: Filters) -> dict[str, Any]:
    overall = total(filters)
    as_of = min(filters.end - timedelta(days=1), today(filters.store))
    outlook = outlooks.as_of(filters.store, as_of, brief=True)
    cost = net_cost_per_return(filters)
    return {
        "return_rate": ratio(overall.returned_orders, overall.orders),
        "refunds_paid": money(overall.refunds_paid, filters.currency),
        "owed": money(outlook.owed, filters.currency),
        "forecast_4_weeks": money(outlook.next_4_weeks, filters.currency),
        "net_cost_per_return": money(cost, filters.currency),
        "retained_revenue": retention(filters)["retained_revenue_ratio"],
        "outlook_note": computed_note(outlook),
    }


def computed_note(outlook: StoredOutlook) -> str:
    """When the stored outlook was computed, and as of which day, in the reader's language."""
    return _("As of %(day)s; computed on %(when)s.") % {
        "day": formats.date_format(outlook.as_of, "SHORT_DATE_FORMAT"),
        "when": formats.date_format(timezone.localtime(outlook.computed_at), "SHORT_DATETIME_FORMAT"),
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
                note=now["outlook_note"] if key in OUTLOOK_CARDS else "",
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
