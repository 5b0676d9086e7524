"""A customer's figures as of a day, from their orders and return requests: recency, frequency and value
(RFM), return rates by units and by value, and net value after returns.

Pure: the records are passed in. Only what happened before the day counts (the day itself excluded), so
that a request is never judged on what came after it; a return counts from the day it was asked for,
whatever became of it later (that too would be the future).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

YEAR = timedelta(days=365)
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")
CENT = Decimal("0.01")
# RFM scores 1 to 5: the bounds each score starts at (recency: the fewer days the better).
RECENCY_DAYS = (365, 180, 90, 30)  # more than 365 days: 1; 181 to 365: 2; ...; 30 or fewer: 5
FREQUENCY_ORDERS = (2, 3, 5, 10)  # orders in 365 days: 1 → 1, 2 → 2, 3-4 → 3, 5-9 → 4, 10+ → 5
MONETARY_SPEND = (Decimal(100), Decimal(300), Decimal(1000), Decimal(3000))


@dataclass(frozen=True, slots=True)
class OrderRecord:
    day: date  # ordered on, in the store's time zone
    units: int
    value: Decimal  # what the lines cost after discounts


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    day: date  # asked for on
    units: int
    value: Decimal  # the same lines' value, for the units asked back


@dataclass(frozen=True, slots=True)
class Figures:
    """What a customer did; ``*_365d`` are counted over the 365 days before ``as_of``."""

    as_of: date
    orders_total: int
    orders_365d: int
    units_365d: int
    spend_365d: Decimal
    returns_365d: int
    returned_units_365d: int
    returned_value_365d: Decimal
    recency_days: int | None  # days since the last order; None without one
    tenure_days: int | None  # days since the first order

    @property
    def return_rate_units(self) -> Decimal:
        """Units asked back per 100 units ordered, one decimal (0 without orders; at most 100)."""
        return _rate(Decimal(self.returned_units_365d), Decimal(self.units_365d))

    @property
    def return_rate_value(self) -> Decimal:
        return _rate(self.returned_value_365d, self.spend_365d)

    @property
    def net_spend_365d(self) -> Decimal:
        return (self.spend_365d - self.returned_value_365d).quantize(CENT, ROUND_HALF_UP)

    @property
    def rfm(self) -> tuple[int, int, int]:
        recency = 0 if self.recency_days is None else 1 + sum(self.recency_days <= b for b in RECENCY_DAYS)
        frequency = 0 if not self.orders_365d else 1 + sum(self.orders_365d >= b for b in FREQUENCY_ORDERS)
        monetary = 0 if not self.orders_365d else 1 + sum(self.net_spend_365d >= b for b in MONETARY_SPEND)
        return recency, frequency, monetary

    @property
    def rfm_code(self) -> str:
        """``R5F3M4``: each score 1 (low) to 5 (high), 0 when there is nothing to score."""
        recency, frequency, monetary = self.rfm
        return f"R{recency}F{frequency}M{monetary}"

    def value(self, name: str) -> Decimal | None:
        """A figure by the name segment rules use (``rules.FIELDS``); None when it has no value."""
        values: dict[str, Decimal | int | None] = {
            "orders_total": self.orders_total,
            "orders_365d": self.orders_365d,
            "returns_last_365d": self.returns_365d,
            "return_rate_365d": self.return_rate_units,
            "return_value_rate_365d": self.return_rate_value,
            "net_spend_365d": self.net_spend_365d,
            "recency_days": self.recency_days,
            "tenure_days": self.tenure_days,
        }
        found = values[name]
        return None if found is None else Decimal(found)


def _rate(part: Decimal, whole: Decimal) -> Decimal:
    if whole <= 0:
        return Decimal(0)
    return min(HUNDRED, part * HUNDRED / whole).quantize(ONE_PLACE, ROUND_HALF_UP)


def figures(orders: list[OrderRecord], returns: list[ReturnRecord], as_of: date) -> Figures:
    """The customer's figures as of ``as_of``: records of that day or later are not looked at."""
    before = [order for order in orders if order.day < as_of]
    start = as_of - YEAR
    year = [order for order in before if order.day >= start]
    asked = [ret for ret in returns if start <= ret.day < as_of]
    days = [order.day for order in before]
    return Figures(
        as_of=as_of,
        orders_total=len(before),
        orders_365d=len(year),
        units_365d=sum(order.units for order in year),
        spend_365d=sum((order.value for order in year), Decimal(0)),
        returns_365d=len(asked),
        returned_units_365d=sum(ret.units for ret in asked),
        returned_value_365d=sum((ret.value for ret in asked), Decimal(0)),
        recency_days=(as_of - max(days)).days if days else None,
        tenure_days=(as_of - min(days)).days if days else None,
    )
