"""The cost of returns (issue 11, item 3): per return, per unit and in total, by category, seller and
reason, read from the analytics rollup.

Over the non-void returns of the orders placed in the period (as the metrics count them): return labels,
handling (received units x the store's cost per unit), tracking and insurance per labelled return,
payment fees not given back on money refunded to a payment, the value lost by disposition (refurbished,
liquidated, destroyed, at the store's recovery rates), less the fees shoppers paid. A category, seller or
reason carries its lines' own handling and loss and their share, by units, of their return's other costs.
The rollup's ``cost`` and ``cost_reason`` cells hold each line's share exactly (``domain.rollup``); the
store's rates (``services.cost_settings``) are applied when the page is read, so a change of rate shows
at once.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
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
    money,
    ratio,
    register,
)
from retour.insights.domain import cost, rollup
from retour.insights.services.cost_settings import cost_settings

NAME = "cost"
COMPONENT_WORDS = {
    "labels": _("Return labels"),
    "handling": _("Handling and restocking"),
    "tracking": _("Tracking"),
    "insurance": _("Insurance"),
    "payment_fees": _("Payment fees not given back"),
    "disposition_loss": _("Value lost by disposition"),
    "fees_charged": _("Fees paid by shoppers (taken off)"),
}
DISPOSITION_WORDS = {
    "refurbish": _("refurbished"),
    "liquidate": _("liquidated"),
    "scrap": _("destroyed"),
}
SLICE_COLUMNS = (
    Column("returns", _("Returns"), Kind.COUNT),
    Column("units", _("Units"), Kind.COUNT),
    Column("returned_value", _("Returned value"), Kind.MONEY),
    *(Column(key, label, Kind.MONEY) for key, label in COMPONENT_WORDS.items()),
    Column("net", _("Net cost"), Kind.MONEY),
    Column("net_per_return", _("Net cost per return"), Kind.MONEY),
    Column("net_per_unit", _("Net cost per unit"), Kind.MONEY),
    Column("share_of_value", _("Share of the returned value"), Kind.RATIO),
)


# What each read sums (the other measures are left out: a breakdown's query sums only these).
TOTALS = ("returns", "returned_units", "returned_value", "received_units")
SHARED = (
    "returned_units",
    "labels",
    "fees_charged",
    "refunds_paid",
    "refunded_returns",
    "labelled_returns",
    "labelled_value",
)
LINES = ("returned_units", "returned_value")
BY_REASON = (*SHARED, "returns", "returned_value", "received_units")
WHOLE = ("level",)  # grouped by the scope's level: one group, the whole period


def _slices(filters: Filters, by: tuple[str, ...], rates: cost.CostSettings) -> dict[Any, cost.CostCounts]:
    """The costs of each group ``by`` (``WHOLE``, category or seller) with a return, from its ``total``,
    ``cost`` and ``disposition`` cells."""
    shared: dict[Any, dict[int, rollup.Cell]] = {}
    for (*group, key), cell in breakdown(filters, rollup.COST, (*by, "key"), measures=SHARED).items():
        shared.setdefault(tuple(group), {})[int(key)] = cell
    lost: dict[Any, dict[str, Decimal]] = {}
    for (*group, key), cell in breakdown(filters, rollup.DISPOSITION, (*by, "key"), measures=LINES).items():
        lost.setdefault(tuple(group), {})[key] = cell.returned_value
    return {
        group: cost.slice_costs(
            rates,
            returns=cell.returns,
            units=cell.returned_units,
            value=cell.returned_value,
            received_units=cell.received_units,
            shared=shared.get(group, {}),
            dispositions=lost.get(group, {}),
        )
        for group, cell in breakdown(filters, rollup.TOTAL, by, measures=TOTALS).items()
        if cell.returns or by == WHOLE
    }


def _total(filters: Filters, rates: cost.CostSettings) -> cost.CostCounts:
    return next(iter(_slices(filters, WHOLE, rates).values()), cost.CostCounts())


def costs(filters: Filters) -> cost.Costs:
    """The exact costs of the filters' period: in total, by category, seller, reason and disposition."""
    rates = cost_settings(filters.store)
    dispositions = breakdown(filters, rollup.DISPOSITION, ("key",), measures=LINES)
    found = cost.Costs(
        total=_total(filters, rates),
        by_disposition=cost.disposition_costs(
            {key: (cell.returned_units, cell.returned_value) for (key,), cell in dispositions.items()}, rates
        ),
    )
    for name, table in (("category", found.by_category), ("seller", found.by_seller)):
        table.update({group: counts for (group,), counts in _slices(filters, (name,), rates).items()})
    reasons = breakdown(filters, rollup.COST_REASON, ("key",), measures=BY_REASON)
    found.by_reason.update(cost.reason_costs({key: cell for (key,), cell in reasons.items()}, rates))
    return found


def net_cost_per_return(filters: Filters) -> Decimal:
    """The net cost of a return of the filters' period (the dashboard's card), rounded to the currency's
    minor unit: the cost page's own figure."""
    counts = _total(filters, cost_settings(filters.store))
    return cost.net_per_return(cost.Costs(total=counts), filters.currency)


def _slice_table(key: str, title: Any, name: str, label: Any, slices: dict[str, Any]) -> Table:
    rows = [{name: group, **figures} for group, figures in slices.items()]
    return bar_table(
        key,
        title,
        (Column(name, label), *SLICE_COLUMNS),
        rows,
        value="net",
        label=name,
        chart_rows=[{**row, name: str(row[name]) or str(_("(none)"))} for row in rows],
    )


def build(filters: Filters) -> Report:
    currency = filters.currency
    rates = cost_settings(filters.store)
    data: dict[str, Any] = cost.report(costs(filters), currency)
    report = Report(NAME, PAGE.title, filters)
    report.figures = [
        Figure("net", _("Net cost"), Kind.MONEY, data["net"]),
        Figure("net_per_return", _("Net cost per return"), Kind.MONEY, data["net_per_return"]),
        Figure("net_per_unit", _("Net cost per unit"), Kind.MONEY, data["net_per_unit"]),
        Figure("share_of_value", _("Share of the returned value"), Kind.RATIO, data["share_of_value"]),
        Figure("returns", _("Returns"), Kind.COUNT, data["returns"]),
        Figure("units", _("Returned units"), Kind.COUNT, data["units"]),
        Figure("returned_value", _("Returned value"), Kind.MONEY, data["returned_value"]),
        Figure("gross", _("Costs before the fees paid by shoppers"), Kind.MONEY, data["gross"]),
    ]
    components = [
        {"component": key, "name": str(label), "amount": data[key]} for key, label in COMPONENT_WORDS.items()
    ]
    report.tables.append(
        bar_table(
            "components",
            _("What returns cost"),
            (
                Column("name", _("Cost")),
                Column("amount", _("Amount"), Kind.MONEY),
            ),
            components,
            value="amount",
            label="name",
        )
    )
    report.tables += [
        _slice_table("by_category", _("Cost by category"), "category", _("Category"), data["by_category"]),
        _slice_table("by_seller", _("Cost by seller"), "seller", _("Seller"), data["by_seller"]),
        _slice_table("by_reason", _("Cost by reason"), "reason", _("Reason"), data["by_reason"]),
    ]
    dispositions = [
        {
            "disposition": key,
            "name": str(label),
            "units": data["by_disposition"].get(key, {}).get("units", 0),
            "returned_value": data["by_disposition"].get(key, {}).get("returned_value", money(0, currency)),
            "recovery": ratio(Fraction(rates.recovery_of(key)), 1),
            "loss": data["by_disposition"].get(key, {}).get("loss", money(0, currency)),
        }
        for key, label in DISPOSITION_WORDS.items()
    ]
    report.tables.append(
        bar_table(
            "by_disposition",
            _("Value lost by disposition"),
            (
                Column("name", _("Disposition")),
                Column("units", _("Units"), Kind.COUNT),
                Column("returned_value", _("Returned value"), Kind.MONEY),
                Column("recovery", _("Recovery rate"), Kind.RATIO),
                Column("loss", _("Value lost"), Kind.MONEY),
            ),
            dispositions,
            value="loss",
            label="name",
        )
    )
    return report


PAGE = register(
    Page(
        NAME,
        _("Cost of returns"),
        build,
        _("What the returns of the orders placed in a period cost, in total and per return."),
    )
)
