"""Return metrics as the spec defines them (specs/returns-metrics.md): pure, exact, rounded once.

The query module turns a store's orders and returns (imported past returns and returns made in Retour)
into the plain records below; ``compute`` keeps every figure exact (``Decimal`` sums, ``Fraction``
ratios) and ``report`` rounds each one, half-up, once: ratios to four places, money to the currency's
minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from retour.core.money import minor_units

ZERO = Decimal(0)
RATIO_PLACES = 4

# A returned record's status, as the import format names them; Retour's own returns are mapped onto them.
REFUNDED = "refunded"
STORE_CREDIT = "store_credit"
EXCHANGED = "exchanged"
KEPT = "kept"
REJECTED = "rejected"
CANCELLED = "cancelled"
EXPIRED = "expired"
OPEN = "open"
STATUSES = (REFUNDED, STORE_CREDIT, EXCHANGED, KEPT, REJECTED, CANCELLED, EXPIRED, OPEN)
# A void return counts in no metric but ``void_returns``.
VOID = frozenset({REJECTED, CANCELLED, EXPIRED})

# What became of each returned line.
KEEP = "keep"
RESOLUTIONS = ("refund", "store_credit", "exchange", "keep", "repair", "replacement")
# Value the store kept as revenue: credit to spend with it, or another of its products.
RETAINED = frozenset({"store_credit", "exchange"})

Key = int | str


def paid_value(
    unit_price: Decimal, quantity: int, line_discount: Decimal, order_discount_share: Decimal
) -> Decimal:
    """What a line was paid: unit price times quantity, less its own discount and its order share.

    Tax is as the prices carry it: in the prices (and so in this) when the order's prices include tax,
    left out when they do not. Shipping is never part of it.
    """
    return Decimal(unit_price) * quantity - Decimal(line_discount) - Decimal(order_discount_share)


def returned_value(line_paid_value: Decimal, line_quantity: int, returned: int, currency: str) -> Decimal:
    """The paid value of ``returned`` of a line's ``line_quantity`` units, half-up to the minor unit."""
    return _round(Fraction(line_paid_value) * returned / line_quantity, minor_units(currency))


def is_void(status: str) -> bool:
    return status in VOID


@dataclass(frozen=True, slots=True)
class Line:
    id: Key
    quantity: int
    paid_value: Decimal
    category: str = ""
    seller: str = ""  # "" is the store itself


@dataclass(frozen=True, slots=True)
class Order:
    id: Key
    ordered_at: datetime
    lines: tuple[Line, ...]
    cancelled: bool = False
    # One flag per shipment: whether it was delivered.
    shipments_delivered: tuple[bool, ...] = ()


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    order_line: Key
    quantity: int
    reason: str
    resolution: str
    amount: Decimal  # the paid value of the returned units (``returned_value``)
    disposition: str = ""  # what the warehouse did with them (restock, refurbish, ...); "" not known


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    order: Key
    status: str
    lines: tuple[ReturnedLine, ...]
    received: bool = False  # its ``received_at`` is set
    refunded: Decimal = ZERO
    store_credit: Decimal = ZERO
    fees_charged: Decimal = ZERO
    label_cost: Decimal = ZERO
    labelled: bool = False  # sent back with a prepaid label (tracking, insurance: ``cost``)

    @property
    def void(self) -> bool:
        return is_void(self.status)

    @property
    def resolved(self) -> bool:
        return not self.void and self.status != OPEN

    @property
    def received_units(self) -> int:
        """Units sent back: every line's but those kept, once the return was received."""
        if not self.received:
            return 0
        return sum(line.quantity for line in self.lines if line.resolution != KEEP)


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)`` in calendar days of ``zone``: from midnight starting ``start`` to midnight
    starting ``end``."""

    start: date
    end: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end, time(), self.zone)

    def contains(self, moment: datetime) -> bool:
        return self.since <= moment < self.until


def in_cohort(order: Order, period: Period) -> bool:
    """Placed in the period, not cancelled, shipped, and every shipment delivered."""
    return (
        period.contains(order.ordered_at)
        and not order.cancelled
        and bool(order.shipments_delivered)
        and all(order.shipments_delivered)
    )


@dataclass(slots=True)
class Counts:
    """Exact counts and sums of a slice of the cohort (all of it, a category, a seller)."""

    orders: int = 0
    returned_orders: int = 0
    units: int = 0
    returned_units: int = 0
    value: Decimal = ZERO
    returned_value: Decimal = ZERO

    @property
    def order_return_rate(self) -> Fraction:
        return _ratio(self.returned_orders, self.orders)

    @property
    def unit_return_rate(self) -> Fraction:
        return _ratio(self.returned_units, self.units)

    @property
    def value_return_rate(self) -> Fraction:
        return _ratio(self.returned_value, self.value)


@dataclass(slots=True)
class ReasonCounts:
    returned_units: int = 0
    returned_value: Decimal = ZERO


@dataclass(slots=True)
class Metrics:
    """Every figure of the contract, exact: ``report`` rounds them."""

    total: Counts = field(default_factory=Counts)
    by_category: dict[str, Counts] = field(default_factory=dict)
    by_seller: dict[str, Counts] = field(default_factory=dict)
    by_reason: dict[str, ReasonCounts] = field(default_factory=dict)
    outcomes: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(RESOLUTIONS, ZERO))
    refunds_paid: Decimal = ZERO
    store_credit_issued: Decimal = ZERO
    labels: Decimal = ZERO
    received_units: int = 0
    handling_cost_per_unit: Decimal = ZERO
    fees_charged: Decimal = ZERO
    counted_returns: int = 0  # non-void returns of cohort orders
    void_returns: int = 0

    @property
    def retained_revenue_ratio(self) -> Fraction:
        retained = sum((value for key, value in self.outcomes.items() if key in RETAINED), ZERO)
        return _ratio(retained, sum(self.outcomes.values(), ZERO))

    @property
    def handling(self) -> Decimal:
        return self.received_units * self.handling_cost_per_unit

    @property
    def net_cost(self) -> Decimal:
        return self.labels + self.handling - self.fees_charged

    @property
    def net_cost_per_return(self) -> Fraction:
        return _ratio(self.net_cost, self.counted_returns)


def compute(
    orders: Iterable[Order],
    returns: Iterable[ReturnRecord],
    period: Period,
    *,
    handling_cost_per_unit: Decimal = ZERO,
) -> Metrics:
    """The metrics of the cohort of ``period`` among ``orders``, with the ``returns`` of those orders
    (returns of any other order are ignored, whenever they were requested)."""
    metrics = Metrics(handling_cost_per_unit=Decimal(handling_cost_per_unit))
    cohort = {order.id: order for order in orders if in_cohort(order, period)}
    lines: dict[Key, Line] = {}
    for order in cohort.values():
        _count_order(metrics, order)
        lines.update((line.id, line) for line in order.lines)

    returned_lines: dict[Key, set[Key]] = {}  # order -> its lines with a unit in a non-void return
    for record in returns:
        if record.order not in cohort:
            continue
        if record.void:
            metrics.void_returns += 1
            continue
        _count_return(metrics, record, lines)
        returned_lines.setdefault(record.order, set()).update(line.order_line for line in record.lines)

    for line_ids in returned_lines.values():
        metrics.total.returned_orders += 1
        returned = [lines[line_id] for line_id in line_ids]
        for category in {line.category for line in returned}:
            metrics.by_category[category].returned_orders += 1
        for seller in {line.seller for line in returned}:
            metrics.by_seller[seller].returned_orders += 1
    return metrics


def _count_order(metrics: Metrics, order: Order) -> None:
    metrics.total.orders += 1
    for category in {line.category for line in order.lines}:
        metrics.by_category.setdefault(category, Counts()).orders += 1
    for seller in {line.seller for line in order.lines}:
        metrics.by_seller.setdefault(seller, Counts()).orders += 1
    for line in order.lines:
        for counts in (metrics.total, metrics.by_category[line.category], metrics.by_seller[line.seller]):
            counts.units += line.quantity
            counts.value += line.paid_value


def _count_return(metrics: Metrics, record: ReturnRecord, lines: dict[Key, Line]) -> None:
    metrics.counted_returns += 1
    metrics.refunds_paid += record.refunded
    metrics.store_credit_issued += record.store_credit
    metrics.labels += record.label_cost
    metrics.fees_charged += record.fees_charged
    metrics.received_units += record.received_units
    for returned in record.lines:
        line = lines[returned.order_line]
        for counts in (metrics.total, metrics.by_category[line.category], metrics.by_seller[line.seller]):
            counts.returned_units += returned.quantity
            counts.returned_value += returned.amount
        reason = metrics.by_reason.setdefault(returned.reason, ReasonCounts())
        reason.returned_units += returned.quantity
        reason.returned_value += returned.amount
        if record.resolved:
            metrics.outcomes[returned.resolution] = metrics.outcomes.get(returned.resolution, ZERO) + (
                returned.amount
            )


# -- the contract's JSON object ---------------------------------------------------------------------


def report(metrics: Metrics, currency: str) -> dict[str, object]:
    """The evaluation contract's object: ratios and money as decimal strings, each rounded once."""
    places = minor_units(currency)

    def money(value: Decimal | Fraction) -> str:
        return str(_round(Fraction(value), places))

    def counts(c: Counts) -> dict[str, object]:
        return {
            "orders": c.orders,
            "returned_orders": c.returned_orders,
            "units": c.units,
            "returned_units": c.returned_units,
            "value": money(c.value),
            "returned_value": money(c.returned_value),
            "order_return_rate": ratio(c.order_return_rate),
            "unit_return_rate": ratio(c.unit_return_rate),
            "value_return_rate": ratio(c.value_return_rate),
        }

    total = counts(metrics.total)
    all_units = metrics.total.returned_units
    top = ("orders", "units", "value", "returned_orders", "returned_units", "returned_value")
    return {
        **{key: total[key] for key in top},
        **{key: value for key, value in total.items() if key not in top},
        "by_category": {key: counts(metrics.by_category[key]) for key in sorted(metrics.by_category)},
        "by_seller": {key: counts(metrics.by_seller[key]) for key in sorted(metrics.by_seller)},
        "by_reason": {
            key: {
                "returned_units": reason.returned_units,
                "returned_value": money(reason.returned_value),
                "share": ratio(_ratio(reason.returned_units, all_units)),
            }
            for key, reason in sorted(metrics.by_reason.items())
        },
        "outcomes": {key: money(value) for key, value in metrics.outcomes.items()},
        "retained_revenue_ratio": ratio(metrics.retained_revenue_ratio),
        "refunds_paid": money(metrics.refunds_paid),
        "store_credit_issued": money(metrics.store_credit_issued),
        "cost": {
            "labels": money(metrics.labels),
            "handling": money(metrics.handling),
            "fees_charged": money(metrics.fees_charged),
            "net": money(metrics.net_cost),
            "net_per_return": money(metrics.net_cost_per_return),
        },
        "void_returns": metrics.void_returns,
    }


def ratio(value: Fraction) -> str:
    return str(_round(value, RATIO_PLACES))


def _ratio(numerator: int | Decimal, denominator: int | Decimal) -> Fraction:
    """``numerator / denominator`` exactly, 0 when the denominator is 0."""
    if not denominator:
        return Fraction(0)
    return Fraction(numerator) / Fraction(denominator)


def _round(value: Fraction, places: int) -> Decimal:
    """``value`` half-up (halves away from zero) to ``places`` decimals, exactly."""
    scaled = abs(value) * 10**places
    units = int(scaled)
    if scaled - units >= Fraction(1, 2):
        units += 1
    if value < 0:
        units = -units
    return Decimal(units).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def summary_order(keys: Sequence[str]) -> list[str]:
    """Keys in the order the text report lists them: the store itself ("") first, then by name."""
    return sorted(keys, key=lambda key: (key != "", key))
