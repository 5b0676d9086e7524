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
from retour.insights.domain.rollup import Cell, split_cost_key

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


SCALE = 10**12  # amounts are counted in integer 10^-12 of the currency: exact, and fast to add


def _scaled(value: Decimal) -> int:
    """``value`` in 10^-12 units, exactly (settings and amounts have at most 4 decimals)."""
    scaled = Decimal(value).scaleb(12)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 12 decimal places")
    return int(scaled)


class Exact:
    """A sum of fractions kept as integer numerators per denominator (in 10^-12 units): adding is integer
    arithmetic, and ``value`` is the exact sum."""

    __slots__ = ("parts",)

    def __init__(self) -> None:
        self.parts: dict[int, int] = {}

    def add(self, numerator: int, denominator: int = 1) -> None:
        if numerator:
            self.parts[denominator] = self.parts.get(denominator, 0) + numerator

    def merge(self, other: Exact) -> None:
        for denominator, numerator in other.parts.items():
            self.add(numerator, denominator)

    @property
    def value(self) -> Fraction:
        return sum((Fraction(n, d * SCALE) for d, n in self.parts.items()), ZERO)


# One line's costs: component -> (numerator, denominator) in 10^-12 units.
LineCost = dict[str, tuple[int, int]]


@dataclass(slots=True)
class CostCounts:
    """The exact costs of a slice (all returns, a category, a seller, a reason)."""

    returns: int = 0
    units: int = 0
    sums: dict[str, Exact] = field(default_factory=lambda: {name: Exact() for name in ("value", *COMPONENTS)})

    def _amount(self, name: str) -> Fraction:
        return self.sums[name].value

    @property
    def returned_value(self) -> Fraction:
        return self._amount("value")

    @property
    def labels(self) -> Fraction:
        return self._amount("labels")

    @property
    def handling(self) -> Fraction:
        return self._amount("handling")

    @property
    def tracking(self) -> Fraction:
        return self._amount("tracking")

    @property
    def insurance(self) -> Fraction:
        return self._amount("insurance")

    @property
    def payment_fees(self) -> Fraction:
        return self._amount("payment_fees")

    @property
    def disposition_loss(self) -> Fraction:
        return self._amount("disposition_loss")

    @property
    def fees_charged(self) -> Fraction:
        return self._amount("fees_charged")

    @property
    def gross(self) -> Fraction:
        return sum((self._amount(name) for name in COMPONENTS if name != "fees_charged"), ZERO)

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

    def add(self, units: int, line: LineCost) -> None:
        self.units += units
        for name, (numerator, denominator) in line.items():
            self.sums[name].add(numerator, denominator)


@dataclass(slots=True)
class DispositionCounts:
    units: int = 0
    value: Exact = field(default_factory=Exact)
    lost: Exact = field(default_factory=Exact)

    @property
    def returned_value(self) -> Fraction:
        return self.value.value

    @property
    def loss(self) -> Fraction:
        return self.lost.value


@dataclass(slots=True)
class Costs:
    total: CostCounts = field(default_factory=CostCounts)
    by_category: dict[str, CostCounts] = field(default_factory=dict)
    by_seller: dict[str, CostCounts] = field(default_factory=dict)
    by_reason: dict[str, CostCounts] = field(default_factory=dict)
    by_disposition: dict[str, DispositionCounts] = field(default_factory=dict)


def return_costs(record: ReturnRecord, settings: CostSettings) -> list[LineCost]:
    """One return's costs, one ``LineCost`` per line: the line's own value, handling and loss, and its
    share by units of what the return costs as a whole."""
    units = sum(line.quantity for line in record.lines)
    amounts = [_scaled(line.amount) for line in record.lines]
    # The return's shared costs, each as (numerator, denominator) in 10^-12 units.
    whole: dict[str, tuple[int, int]] = {
        "labels": (_scaled(record.label_cost), 1),
        "fees_charged": (_scaled(record.fees_charged), 1),
        "payment_fees": _payment_fees(_scaled(record.refunded), settings),
    }
    if record.labelled:
        whole["tracking"] = (_scaled(settings.tracking_per_label), 1)
        whole["insurance"] = (
            _scaled(settings.insurance_per_label) * SCALE
            + sum(amounts) * _scaled(settings.insurance_share_of_value),
            SCALE,
        )
    handling = _scaled(settings.handling_per_unit)
    lines = []
    for line, amount in zip(record.lines, amounts, strict=True):
        part: LineCost = {"value": (amount, 1)}
        for name, (numerator, denominator) in whole.items():
            if numerator and units:
                part[name] = (numerator * line.quantity, denominator * units)
        if record.received and line.resolution != KEEP and handling:
            part["handling"] = (line.quantity * handling, 1)
        recovery = settings.recovery_of(line.disposition)
        if recovery != 1:
            part["disposition_loss"] = (
                amount * (recovery.denominator - recovery.numerator),
                recovery.denominator,
            )
        lines.append(part)
    return lines


def _payment_fees(refunded: int, settings: CostSettings) -> tuple[int, int]:
    if refunded <= 0:
        return (0, 1)
    share, fixed = _scaled(settings.payment_fee_share), _scaled(settings.payment_fee_per_refund)
    return (refunded * share + fixed * SCALE, SCALE)


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
    counted = False
    touched: set[tuple[int, str]] = set()
    for returned, part in zip(record.lines, return_costs(record, settings), strict=True):
        line = lines[returned.order_line]
        if not only(line):
            continue
        if not counted:
            counted = True
            costs.total.returns += 1
        costs.total.add(returned.quantity, part)
        for kind, (table, key) in enumerate(
            (
                (costs.by_category, line.category),
                (costs.by_seller, line.seller),
                (costs.by_reason, returned.reason),
            )
        ):
            counts = table.get(key)
            if counts is None:
                counts = table[key] = CostCounts()
            counts.add(returned.quantity, part)
            if (kind, key) not in touched:
                touched.add((kind, key))
                counts.returns += 1
        if returned.disposition in LOSSY_DISPOSITIONS:
            disposition = costs.by_disposition.setdefault(returned.disposition, DispositionCounts())
            disposition.units += returned.quantity
            disposition.value.add(*part["value"])
            if "disposition_loss" in part:
                disposition.lost.add(*part["disposition_loss"])


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


# -- from the rollup's cells --------------------------------------------------------------------------


def slice_costs(
    settings: CostSettings,
    *,
    returns: int,
    units: int,
    value: Decimal,
    received_units: int,
    shared: Mapping[int, Cell],
    dispositions: Mapping[str, Decimal],
) -> CostCounts:
    """A slice's costs (the whole period, a category, a seller, a reason) from what the rollup sums for
    it: its returns, returned units and value, received units, the returned value of each disposition,
    and its ``cost`` cells per return size ``n`` (the returns' money times the slice's units). Exactly
    what ``compute`` gives for the same lines, each cost being linear in what the cells sum (a line's
    share of its return's cost is the return's cost times its units, over the return's units ``n``)."""
    counts = CostCounts(returns=returns, units=units)
    parts = counts.sums
    parts["value"].add(_scaled(value))
    parts["handling"].add(received_units * _scaled(settings.handling_per_unit))
    fee_share, fee_fixed = _scaled(settings.payment_fee_share), _scaled(settings.payment_fee_per_refund)
    tracking = _scaled(settings.tracking_per_label)
    per_label, value_share = _scaled(settings.insurance_per_label), _scaled(settings.insurance_share_of_value)
    for size, cell in shared.items():
        parts["labels"].add(_scaled(cell.labels), size)
        parts["fees_charged"].add(_scaled(cell.fees_charged), size)
        parts["tracking"].add(cell.labelled_returns * tracking, size)
        parts["insurance"].add(
            cell.labelled_returns * per_label * SCALE + _scaled(cell.labelled_value) * value_share,
            size * SCALE,
        )
        parts["payment_fees"].add(
            _scaled(cell.refunds_paid) * fee_share + cell.refunded_returns * fee_fixed * SCALE, size * SCALE
        )
    losses = disposition_costs({key: (0, amount) for key, amount in dispositions.items()}, settings)
    for lost in losses.values():
        parts["disposition_loss"].merge(lost.lost)
    return counts


def disposition_costs(
    dispositions: Mapping[str, tuple[int, Decimal]], settings: CostSettings
) -> dict[str, DispositionCounts]:
    """The units and returned value of the lines given each lossy disposition, and what was lost of it."""
    found: dict[str, DispositionCounts] = {}
    for disposition, (units, amount) in dispositions.items():
        if disposition not in LOSSY_DISPOSITIONS:
            continue
        counts = found.setdefault(disposition, DispositionCounts())
        value = _scaled(amount)
        counts.units += units
        counts.value.add(value)
        recovery = settings.recovery_of(disposition)
        if recovery != 1:
            counts.lost.add(value * (recovery.denominator - recovery.numerator), recovery.denominator)
    return found


def reason_costs(cells: Mapping[str, Cell], settings: CostSettings) -> dict[str, CostCounts]:
    """Each reason's costs from the rollup's ``cost_reason`` cells summed per key
    (``rollup.cost_key(n, disposition, reason)``)."""
    grouped: dict[str, dict[str, Cell]] = {}
    for key, cell in cells.items():
        grouped.setdefault(split_cost_key(key)[2], {})[key] = cell
    found: dict[str, CostCounts] = {}
    for reason, keys in grouped.items():
        whole = Cell()
        shared: dict[int, Cell] = {}
        dispositions: dict[str, Decimal] = {}
        for key, cell in keys.items():
            size, disposition, _reason = split_cost_key(key)
            whole.add(cell)
            shared.setdefault(size, Cell()).add(cell)
            dispositions[disposition] = dispositions.get(disposition, Decimal(0)) + cell.returned_value
        found[reason] = slice_costs(
            settings,
            returns=whole.returns,
            units=whole.returned_units,
            value=whole.returned_value,
            received_units=whole.received_units,
            shared=shared,
            dispositions=dispositions,
        )
    return found
