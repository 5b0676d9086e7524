"""Outcomes and retention (issue 11, item 2): what became of the returned value (refunded, store
credit, exchanged, kept, repaired, replaced), the revenue the store kept (store credit and exchanges over
the value resolved, the spec's ``retained_revenue_ratio``), and how much of the store credit it gave was
spent since.

Store credit spent: for each shopper's store-credit account, the credit these returns put on it times
the share of all the credit it ever received that was used (at most all of it); imported past returns
say nothing of it (none counted).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from retour.insights.analytics.base import (
    Column,
    Figure,
    Filters,
    Kind,
    Page,
    Report,
    Table,
    bar_table,
    breakdown,
    grouped,
    money,
    ratio,
    register,
    total,
)
from retour.insights.analytics.rates import month_of
from retour.insights.charts import Axis, Chart
from retour.insights.domain import metrics, rollup

NAME = "outcomes"
OUTCOME_WORDS = {
    "refund": _("refund"),
    "store_credit": _("store credit"),
    "exchange": _("exchange"),
    "keep": _("kept"),
    "repair": _("repair"),
    "replacement": _("replacement"),
}


def retention(filters: Filters) -> dict[str, Any]:
    """The retention figures of the filters' period (also the dashboard's retained revenue)."""
    outcomes = grouped(filters, rollup.OUTCOME)
    resolved = sum((cell.returned_value for cell in outcomes.values()), metrics.ZERO)
    retained = sum(
        (cell.returned_value for key, cell in outcomes.items() if key in metrics.RETAINED), metrics.ZERO
    )
    overall = total(filters)
    return {
        "resolved_value": money(resolved, filters.currency),
        "retained_value": money(retained, filters.currency),
        "retained_revenue_ratio": ratio(retained, resolved),
        "refunds_paid": money(overall.refunds_paid, filters.currency),
        "store_credit_issued": money(overall.store_credit_issued, filters.currency),
        "store_credit_spent": money(overall.store_credit_spent, filters.currency),
        "store_credit_spent_share": ratio(overall.store_credit_spent, overall.store_credit_issued),
    }


def build(filters: Filters) -> Report:
    currency = filters.currency
    figures = retention(filters)
    report = Report(NAME, PAGE.title, filters)
    report.figures = [
        Figure("resolved_value", _("Returned value resolved"), Kind.MONEY, figures["resolved_value"]),
        Figure(
            "retained_revenue_ratio", _("Retained revenue"), Kind.RATIO, figures["retained_revenue_ratio"]
        ),
        Figure("refunds_paid", _("Refunds paid"), Kind.MONEY, figures["refunds_paid"]),
        Figure("store_credit_issued", _("Store credit issued"), Kind.MONEY, figures["store_credit_issued"]),
        Figure(
            "store_credit_spent", _("Store credit spent since"), Kind.MONEY, figures["store_credit_spent"]
        ),
        Figure(
            "store_credit_spent_share",
            _("Share of store credit spent"),
            Kind.RATIO,
            figures["store_credit_spent_share"],
        ),
    ]
    outcomes = grouped(filters, rollup.OUTCOME)
    resolved = sum((cell.returned_value for cell in outcomes.values()), metrics.ZERO)
    rows = [
        {
            "outcome": key,
            "name": str(OUTCOME_WORDS[key]),
            "returned_units": outcomes[key].returned_units if key in outcomes else 0,
            "returned_value": money(outcomes[key].returned_value if key in outcomes else 0, currency),
            "share": ratio(outcomes[key].returned_value if key in outcomes else 0, resolved),
        }
        for key in metrics.RESOLUTIONS
    ]
    report.tables.append(
        bar_table(
            "outcomes",
            _("What became of the returned value"),
            (
                Column("name", _("Outcome")),
                Column("returned_units", _("Returned units"), Kind.COUNT),
                Column("returned_value", _("Returned value"), Kind.MONEY),
                Column("share", _("Share of the value resolved"), Kind.RATIO),
            ),
            rows,
            value="returned_value",
            label="name",
        )
    )
    report.tables.append(_by_month(filters))
    return report


def _by_month(filters: Filters) -> Table:
    currency = filters.currency
    values: dict[date, dict[str, Any]] = {}
    for (day, key), cell in breakdown(filters, rollup.OUTCOME, ("day", "key")).items():
        sums = values.setdefault(month_of(day), {})
        sums[key] = sums.get(key, metrics.ZERO) + cell.returned_value
    money_by_month: dict[date, rollup.Cell] = {}
    for day, cell in grouped(filters, rollup.TOTAL, "day").items():
        money_by_month.setdefault(month_of(day), rollup.Cell()).add(cell)
    months = sorted(set(values) | set(money_by_month))
    rows: list[dict[str, Any]] = []
    for month in months:
        resolved: dict[str, Any] = values.get(month, {})
        all_value = sum(resolved.values(), metrics.ZERO)
        retained = sum((v for k, v in resolved.items() if k in metrics.RETAINED), metrics.ZERO)
        cell = money_by_month.get(month, rollup.Cell())
        rows.append(
            {
                "month": month.strftime("%Y-%m"),
                **{key: money(resolved.get(key, 0), currency) for key in metrics.RESOLUTIONS},
                "retained_revenue_ratio": ratio(retained, all_value),
                "store_credit_issued": money(cell.store_credit_issued, currency),
                "store_credit_spent": money(cell.store_credit_spent, currency),
            }
        )
    chart_rows = [
        {"month": row["month"], "outcome": str(OUTCOME_WORDS[key]), "value": row[key]}
        for row in rows
        for key in metrics.RESOLUTIONS
    ]
    return Table(
        "by_month",
        _("Outcomes by month of order"),
        (
            Column("month", _("Month")),
            *(Column(key, OUTCOME_WORDS[key], Kind.MONEY) for key in metrics.RESOLUTIONS),
            Column("retained_revenue_ratio", _("Retained revenue"), Kind.RATIO),
            Column("store_credit_issued", _("Store credit issued"), Kind.MONEY),
            Column("store_credit_spent", _("Store credit spent since"), Kind.MONEY),
        ),
        rows,
        chart=Chart(
            _("Outcomes by month of order"),
            Axis("month", str(_("Month")), "ordinal"),
            Axis("value", str(_("Returned value")), "quantitative"),
            color=Axis("outcome", str(_("Outcome"))),
        ),
        chart_rows=chart_rows,
    )


PAGE = register(
    Page(
        NAME,
        _("Outcomes and retention"),
        build,
        _("Refunds, store credit, exchanges and kept items; the revenue kept; store credit spent."),
    )
)
