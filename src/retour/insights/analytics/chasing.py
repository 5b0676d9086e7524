"""Chasing and refund speed (issue 11, item 5): time from approval to sending, what each reminder
brought, approvals that expired unsent and their value, time from request to refund against the legal 14
days, and the late-refund surcharges owed.

Over the returns made in Retour and *asked for* in the period (the store's days; imported past returns
have no approval, reminder or refund request), read from the chasing rollup (``ChasingCell``, kept by the
rollup's job: ``services.chasing_rollup``). With a seller or a category, the returns with a line of them.
The days to ship: the mean is exact, the median and 90th percentile (nearest rank) are of whole hours.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from retour.core.aggregates import AmountSum
from retour.insights.analytics.base import (
    Column,
    Figure,
    Filters,
    Kind,
    Page,
    Report,
    Table,
    register,
)
from retour.insights.charts import Axis, Chart
from retour.insights.domain import chasing
from retour.insights.models import ChasingCell

NAME = "chasing"


def summed(filters: Filters) -> dict[tuple[str, str], chasing.Tally]:
    """The chasing cells of the filters' request days and scope, summed per figure and key."""
    scope = filters.scope
    rows = (
        ChasingCell.objects.filter(
            store=filters.store,
            level=scope.level,
            category=scope.category,
            seller=scope.seller,
            day__gte=filters.start,
            day__lt=filters.end,
        )
        .values("dimension", "key")
        .annotate(count_sum=Sum("count"), value_sum=AmountSum("value"), seconds_sum=Sum("seconds"))
        .order_by("dimension", "key")
    )
    return {
        (row["dimension"], row["key"]): chasing.Tally(
            row["count_sum"] or 0, row["value_sum"] or Decimal(0), row["seconds_sum"] or 0
        )
        for row in rows
    }


def figures(filters: Filters) -> dict[str, Any]:
    """The chasing figures of the filters (the JSON ``domain.chasing.report`` gives)."""
    return chasing.report(chasing.summarize(summed(filters)), filters.currency)


def _histogram(counts: list[int]) -> list[dict[str, Any]]:
    last = len(counts) - 1
    return [
        {"days": str(day) if day < last else f"{day}+", "returns": count} for day, count in enumerate(counts)
    ]


def build(filters: Filters) -> Report:
    data = figures(filters)
    days, refunds = data["days_to_ship"], data["refunds"]
    report = Report(NAME, PAGE.title, filters, period_kind="requests")
    report.figures = [
        Figure("requested", _("Returns asked for"), Kind.COUNT, data["requested"]),
        Figure("to_ship", _("Approved with something to send"), Kind.COUNT, data["to_ship"]),
        Figure("shipped", _("Sent back"), Kind.COUNT, data["shipped"]),
        Figure("shipped_share", _("Share sent back"), Kind.RATIO, data["shipped_share"]),
        Figure("days_to_ship_mean", _("Days from approval to sending (mean)"), Kind.SCORE, days["mean"]),
        Figure(
            "days_to_ship_median", _("Days from approval to sending (median)"), Kind.SCORE, days["median"]
        ),
        Figure(
            "days_to_ship_p90", _("Days from approval to sending (90th percentile)"), Kind.SCORE, days["p90"]
        ),
        Figure(
            "shipped_before_reminders",
            _("Sent before any reminder"),
            Kind.COUNT,
            data["shipped_before_reminders"],
        ),
        Figure("expired", _("Expired approvals"), Kind.COUNT, data["expired"]),
        Figure("expired_value", _("Value of the expired approvals"), Kind.MONEY, data["expired_value"]),
        Figure("refunds_paid", _("Refunds paid in full"), Kind.COUNT, refunds["paid"]),
        Figure("refund_days_mean", _("Days from request to refund (mean)"), Kind.SCORE, refunds["days_mean"]),
        Figure(
            "refund_days_median",
            _("Days from request to refund (median)"),
            Kind.SCORE,
            refunds["days_median"],
        ),
        Figure(
            "refund_days_p90",
            _("Days from request to refund (90th percentile)"),
            Kind.COUNT,
            refunds["days_p90"],
        ),
        Figure(
            "within_14_days", _("Refunded within the legal 14 days"), Kind.COUNT, refunds["within_14_days"]
        ),
        Figure("after_14_days", _("Refunded after 14 days"), Kind.COUNT, refunds["after_14_days"]),
        Figure(
            "within_14_days_share",
            _("Share refunded within 14 days"),
            Kind.RATIO,
            refunds["within_14_days_share"],
        ),
        Figure("paid_late", _("Paid after their legal deadline"), Kind.COUNT, refunds["paid_late"]),
        Figure("surcharges_owed", _("Late-refund surcharges owed"), Kind.MONEY, refunds["surcharges_owed"]),
        Figure(
            "surcharged_refunds", _("Refunds with a surcharge"), Kind.COUNT, refunds["surcharged_refunds"]
        ),
    ]
    reminders = [{"reminder": str(day), **counts} for day, counts in data["reminders"].items()]
    report.tables.append(
        Table(
            "reminders",
            _("What each reminder brought"),
            (
                Column("reminder", _("Reminder (day after approval)")),
                Column("reminded", _("Returns reminded"), Kind.COUNT),
                Column("shipped_after", _("Sent after it, before the next"), Kind.COUNT),
                Column("share", _("Share sent after it"), Kind.RATIO),
            ),
            reminders,
            chart=Chart(
                _("What each reminder brought"),
                Axis("reminder", str(_("Reminder (day after approval)")), "ordinal"),
                Axis("share", str(_("Share sent after it")), "quantitative", ".0%"),
            ),
        )
    )
    report.tables.append(
        Table(
            "days_to_ship",
            _("Days from approval to sending"),
            (Column("days", _("Days")), Column("returns", _("Returns"), Kind.COUNT)),
            _histogram(days["histogram"]),
            chart=Chart(
                _("Days from approval to sending"),
                Axis("days", str(_("Days")), "ordinal"),
                Axis("returns", str(_("Returns")), "quantitative"),
            ),
        )
    )
    report.tables.append(
        Table(
            "refund_days",
            _("Days from request to refund"),
            (Column("days", _("Days")), Column("returns", _("Returns"), Kind.COUNT)),
            _histogram(refunds["histogram"]),
            chart=Chart(
                _("Days from request to refund"),
                Axis("days", str(_("Days")), "ordinal"),
                Axis("returns", str(_("Returns")), "quantitative"),
            ),
            note=_("The law asks for the refund within 14 days of the withdrawal."),
        )
    )
    return report


PAGE = register(
    Page(
        NAME,
        _("Chasing and refund speed"),
        build,
        _("How fast approved returns are sent back and refunds paid, for returns asked in a period."),
    )
)
