"""What returns cost a store (issue 11, item 3): pure, exact, rounded once.

The records are the metrics' (``metrics.ReturnRecord``), read from the ledger and the imported history;
the rates are the store's settings (``CostSettings``): nothing is typed twice. Over the non-void returns
of the period's cohort (as ``metrics`` counts them), per return:

- ``labels``: the return label's cost (the ledger's shipping cost booked for it, or the imported figure);
- ``handling``: received units x the handling and restocking cost per unit (the spec's ``handling``);
- ``tracking``: per labelled return, the tracking cost per label;
- ``insurance``: per labelled return, the insurance per label plus its share of the return's value;
- ``payment_fees``: what the payment provider keeps when money goes back to a payment: a share of the
  money refunded and a fixed part per return refunded;
- ``disposition_loss``: per line sent to refurbish, liquidate or scrap, its returned value less what that
  disposition recovers (a share per disposition; restocked lines lose nothing here);
- ``fees_charged``: the fees the shopper paid (the ledger's fee income), which the store keeps;
- ``net`` = the costs above - ``fees_charged``.

With every new setting at its default (nothing per label, no payment fee, everything recovered), ``net``
is the spec's ``cost.net``. Per category, seller and reason, a line carries its own handling and loss,
and its share of the return's other costs in proportion to its units (a return always has units; value
may be nil). Everything is kept as ``Fraction`` until ``report`` rounds it, half-up, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from retour.core.money import minor_units
from retour.insights.domain.metrics import (
    KEEP,
    Key,
    Line,
    Order,
    Period,
    ReturnRecord,
    _round,
    in_cohort,
    ratio,
)

ZERO = Fraction(0)
# Dispositions that sell the item again for less than it was paid, or not at all. Restocked, returned
# to the vendor or sent back to the customer: the value is not lost here.
LOSSY_DISPOSITIONS = ("refurbish", "liquidate", "scrap")
COMPONENTS = (
    "labels",
    "handling",
    "tracking",
    "insurance",
    "payment_fees",
    "disposition_loss",
    "fees_charged",
)


def _div(numerator: Fraction, denominator: Fraction | int) -> Fraction:
    """``numerator / denominator``, 0 when the denominator is 0."""
    return numerator / denominator if denominator else ZERO


def _full_recovery() -> Mapping[str, Decimal]:
    return MappingProxyType(dict.fromkeys(LOSSY_DISPOSITIONS, Decimal(1)))


@dataclass(frozen=True, slots=True)
class CostSettings:
    """A store's cost rates (amounts in its currency, shares between 0 and 1)."""

    handling_per_unit: Decimal = Decimal(0)
    tracking_per_label: Decimal = Decimal(0)
    insurance_per_label: Decimal = Decimal(0)
    insurance_share_of_value: Decimal = Decimal(0)
    payment_fee_share: Decimal = Decimal(0)
    payment_fee_per_refund: Decimal = Decimal(0)
    # disposition -> the share of the returned value it recovers (1: nothing lost).
    recovery: Mapping[str, Decimal] = field(default_factory=_full_recovery)

    def recovery_of(self, disposition: str) -> Fraction:
        if disposition not in LOSSY_DISPOSITIONS:
            return Fraction(1)
        return Fraction(self.recovery.get(disposition, Decimal(1)))


@dataclass(slots=True)
class CostCounts:
    """The exact costs of a slice (all returns, a category, a seller, a reason)."""

    returns: int = 0
    units: int = 0
    returned_value: Fraction = ZERO
    labels: Fraction = ZERO
    handling: Fraction = ZERO
    tracking: Fraction = ZERO
    insurance: Fraction = ZERO
    payment_fees: Fraction = ZERO
    disposition_loss: Fraction = ZERO
    fees_charged: Fraction = ZERO

    @property
    def gross(self) -> Fraction:
        return sum((getattr(self, name) for name in COMPONENTS if name != "fees_charged"), ZERO)

    @property
    def net(self) -> Fraction:
        return self.gross - self.fees_charged

    @property
    def per_return(self) -> Fraction:
        return _div(self.net, self.returns)

    @property
    def per_unit(self) -> Fraction:
        return _div(self.net, self.units)

    @property
    def share_of_value(self) -> Fraction:
        return _div(self.net, self.returned_value)

    def add(self, other: CostCounts) -> None:
        self.units += other.units
        self.returned_value += other.returned_value
        for name in COMPONENTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class DispositionCounts:
    units: int = 0
    returned_value: Fraction = ZERO
    loss: Fraction = ZERO


@dataclass(slots=True)
class Costs:
    total: CostCounts = field(default_factory=CostCounts)
    by_category: dict[str, CostCounts] = field(default_factory=dict)
    by_seller: dict[str, CostCounts] = field(default_factory=dict)
    by_reason: dict[str, CostCounts] = field(default_factory=dict)
    by_disposition: dict[str, DispositionCounts] = field(default_factory=dict)


def return_costs(record: ReturnRecord, settings: CostSettings) -> list[CostCounts]:
    """One return's costs, one ``CostCounts`` per line (``returns`` left at 0): the line's own handling
    and loss, and its share by units of what the return costs as a whole."""
    units = sum(line.quantity for line in record.lines)
    value = sum((Fraction(line.amount) for line in record.lines), ZERO)
    whole = CostCounts(
        labels=Fraction(record.label_cost),
        fees_charged=Fraction(record.fees_charged),
        payment_fees=_payment_fees(Fraction(record.refunded), settings),
    )
    if record.labelled:
        whole.tracking = Fraction(settings.tracking_per_label)
        whole.insurance = Fraction(settings.insurance_per_label) + value * Fraction(
            settings.insurance_share_of_value
        )
    shared = ("labels", "tracking", "insurance", "payment_fees", "fees_charged")
    lines = []
    for line in record.lines:
        part = CostCounts(units=line.quantity, returned_value=Fraction(line.amount))
        weight = Fraction(line.quantity, units) if units else ZERO
        for name in shared:
            setattr(part, name, getattr(whole, name) * weight)
        if record.received and line.resolution != KEEP:
            part.handling = line.quantity * Fraction(settings.handling_per_unit)
        part.disposition_loss = Fraction(line.amount) * (1 - settings.recovery_of(line.disposition))
        lines.append(part)
    return lines


def _payment_fees(refunded: Fraction, settings: CostSettings) -> Fraction:
    if refunded <= 0:
        return ZERO
    return refunded * Fraction(settings.payment_fee_share) + Fraction(settings.payment_fee_per_refund)


def compute(
    orders: Iterable[Order],
    returns: Iterable[ReturnRecord],
    period: Period,
    settings: CostSettings,
    *,
    only: Callable[[Line], bool] | None = None,
) -> Costs:
    """The costs of the non-void returns of ``period``'s cohort among ``orders``; with ``only``, of the
    returned lines it keeps (a seller's, a category's), a return counting when one of its lines is kept."""
    costs = Costs()
    cohort = {order.id: order for order in orders if in_cohort(order, period)}
    lines = {line.id: line for order in cohort.values() for line in order.lines}
    for record in returns:
        if record.order in cohort and not record.void:
            _count(costs, record, lines, settings, only or _everything)
    return costs


def _everything(line: Line) -> bool:
    return True


def _count(
    costs: Costs,
    record: ReturnRecord,
    lines: dict[Key, Line],
    settings: CostSettings,
    only: Callable[[Line], bool],
) -> None:
    touched: dict[str, set[str]] = {"total": set(), "category": set(), "seller": set(), "reason": set()}
    for returned, part in zip(record.lines, return_costs(record, settings), strict=True):
        line = lines[returned.order_line]
        if not only(line):
            continue
        if not touched["total"]:
            touched["total"].add("")
            costs.total.returns += 1
        costs.total.add(part)
        slices = (
            (costs.by_category, "category", line.category),
            (costs.by_seller, "seller", line.seller),
            (costs.by_reason, "reason", returned.reason),
        )
        for table, kind, key in slices:
            counts = table.setdefault(key, CostCounts())
            counts.add(part)
            if key not in touched[kind]:
                touched[kind].add(key)
                counts.returns += 1
        if returned.disposition in LOSSY_DISPOSITIONS:
            disposition = costs.by_disposition.setdefault(returned.disposition, DispositionCounts())
            disposition.units += returned.quantity
            disposition.returned_value += Fraction(returned.amount)
            disposition.loss += part.disposition_loss


# -- rounded, as the report, the CSV and the API give it -----------------------------------------------


def report(costs: Costs, currency: str) -> dict[str, object]:
    """Money half-up to the currency's minor unit and ratios to four places, each rounded once."""
    places = minor_units(currency)

    def money(value: Fraction) -> str:
        return str(_round(value, places))

    def counts(c: CostCounts) -> dict[str, object]:
        return {
            "returns": c.returns,
            "units": c.units,
            "returned_value": money(c.returned_value),
            **{name: money(getattr(c, name)) for name in COMPONENTS},
            "gross": money(c.gross),
            "net": money(c.net),
            "net_per_return": money(c.per_return),
            "net_per_unit": money(c.per_unit),
            "share_of_value": ratio(c.share_of_value),
        }

    def table(slices: dict[str, CostCounts]) -> dict[str, object]:
        return {key: counts(slices[key]) for key in sorted(slices)}

    return {
        **counts(costs.total),
        "by_category": table(costs.by_category),
        "by_seller": table(costs.by_seller),
        "by_reason": table(costs.by_reason),
        "by_disposition": {
            key: {
                "units": d.units,
                "returned_value": money(d.returned_value),
                "loss": money(d.loss),
            }
            for key, d in sorted(costs.by_disposition.items())
        },
    }


def net_per_return(costs: Costs, currency: str) -> Decimal:
    """The net cost of a return, rounded to the currency's minor unit (the dashboard's number)."""
    return _round(costs.total.per_return, minor_units(currency))
