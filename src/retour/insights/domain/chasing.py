"""Whether chasing unsent parcels works, and whether refunds keep the legal 14 days (issue 11, item 5).

Pure and exact, over the returns requested in a period (``Chase`` records, read from each return's
timeline and refund requests):

- ``to_ship``: approved returns with something to send back; ``shipped``: those whose parcel left (the
  first ``in_transit`` or ``received`` after the approval); the days from approval to shipping: mean,
  median, 90th percentile (nearest rank) and a histogram by whole day (the last bucket holds the rest);
- per reminder (by the day after approval it was sent on): the returns reminded, and those shipped after
  it and before any next reminder, with that share; and those shipped before any reminder;
- ``expired``: approvals that expired unsent, and the paid value of their units;
- refunds: returns whose refund was paid in full, the days from the request (the store's day) to the
  payment, how many within the legal 14 days and how many after; those paid after their legal deadline
  (a withdrawal's ``refund_due_by``), and the late-refund surcharges owed (France, L242-4).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from retour.core.money import minor_units
from retour.insights.domain.metrics import _ratio, _round, ratio

LEGAL_DAYS = 14
HISTOGRAM_DAYS = 15  # buckets 0 … 14, then "15 or more"
DAY = 86_400


@dataclass(frozen=True, slots=True)
class Reminder:
    day: int  # days after the approval it was due on (RETURN_REMINDER_DAYS)
    at: datetime


@dataclass(frozen=True, slots=True)
class Chase:
    requested_on: date  # in the store's time zone
    value: Decimal  # the paid value of its units
    approved_at: datetime | None = None
    to_ship: bool = False  # approved with something to send back (not kept)
    shipped_at: datetime | None = None
    reminders: tuple[Reminder, ...] = ()
    expired: bool = False
    refund_paid_on: date | None = None  # the day its refund was paid in full
    days_late: int = 0  # past its legal deadline (withdrawals)
    surcharge: Decimal = Decimal(0)


@dataclass(slots=True)
class ReminderCounts:
    reminded: int = 0
    shipped_after: int = 0

    @property
    def share(self) -> Fraction:
        return _ratio(self.shipped_after, self.reminded)


@dataclass(slots=True)
class Chasing:
    requested: int = 0
    to_ship: int = 0
    shipped: int = 0
    shipping_seconds: list[int] = field(default_factory=list)
    shipped_before_reminders: int = 0
    reminders: dict[int, ReminderCounts] = field(default_factory=dict)
    expired: int = 0
    expired_value: Decimal = Decimal(0)
    refund_days: list[int] = field(default_factory=list)
    paid_late: int = 0
    surcharges: Decimal = Decimal(0)
    surcharges_owed_on: int = 0

    @property
    def refunded(self) -> int:
        return len(self.refund_days)

    @property
    def refunded_within_legal(self) -> int:
        return sum(1 for days in self.refund_days if days <= LEGAL_DAYS)


def compute(chases: Iterable[Chase]) -> Chasing:
    result = Chasing()
    for chase in chases:
        result.requested += 1
        if chase.to_ship:
            _count_shipping(result, chase)
        if chase.refund_paid_on is not None:
            result.refund_days.append((chase.refund_paid_on - chase.requested_on).days)
            result.paid_late += chase.days_late > 0
            result.surcharges += chase.surcharge
            result.surcharges_owed_on += chase.surcharge > 0
    result.shipping_seconds.sort()
    result.refund_days.sort()
    return result


def _count_shipping(result: Chasing, chase: Chase) -> None:
    result.to_ship += 1
    reminders = sorted(chase.reminders, key=lambda r: r.at)
    for reminder in reminders:
        result.reminders.setdefault(reminder.day, ReminderCounts()).reminded += 1
    if chase.expired:
        result.expired += 1
        result.expired_value += chase.value
    shipped, approved = chase.shipped_at, chase.approved_at
    if shipped is None or approved is None:
        return
    result.shipped += 1
    result.shipping_seconds.append(max(int((shipped - approved).total_seconds()), 0))
    before = [r for r in reminders if r.at < shipped]
    if not before:
        result.shipped_before_reminders += 1
    else:
        result.reminders[before[-1].day].shipped_after += 1


def percentile(values: Sequence[int], share: Fraction) -> int:
    """The nearest-rank percentile of sorted ``values`` (0 for none)."""
    if not values:
        return 0
    rank = max(math.ceil(share * len(values)), 1)
    return values[rank - 1]


def median(values: Sequence[int]) -> Fraction:
    if not values:
        return Fraction(0)
    middle = len(values) // 2
    if len(values) % 2:
        return Fraction(values[middle])
    return Fraction(values[middle - 1] + values[middle], 2)


def histogram(days: Iterable[int], buckets: int = HISTOGRAM_DAYS) -> list[int]:
    counts = [0] * (buckets + 1)
    for day in days:
        counts[min(max(day, 0), buckets)] += 1
    return counts


def _days(seconds: Fraction | int) -> str:
    return str(_round(Fraction(seconds) / DAY, 1))


def report(chasing: Chasing, currency: str) -> dict[str, object]:
    """Days to one decimal, money to the currency's minor unit, ratios to four places (half-up, once)."""
    places = minor_units(currency)
    seconds = chasing.shipping_seconds
    mean = _ratio(sum(seconds), len(seconds))
    refund_days = chasing.refund_days
    return {
        "requested": chasing.requested,
        "to_ship": chasing.to_ship,
        "shipped": chasing.shipped,
        "shipped_share": ratio(_ratio(chasing.shipped, chasing.to_ship)),
        "days_to_ship": {
            "mean": _days(mean),
            "median": _days(median(seconds)),
            "p90": _days(percentile(seconds, Fraction(9, 10))),
            "histogram": histogram(s // DAY for s in seconds),
        },
        "shipped_before_reminders": chasing.shipped_before_reminders,
        "reminders": {
            str(day): {
                "reminded": counts.reminded,
                "shipped_after": counts.shipped_after,
                "share": ratio(counts.share),
            }
            for day, counts in sorted(chasing.reminders.items())
        },
        "expired": chasing.expired,
        "expired_value": str(_round(Fraction(chasing.expired_value), places)),
        "refunds": {
            "paid": chasing.refunded,
            "days_mean": str(_round(_ratio(sum(refund_days), len(refund_days)), 1)),
            "days_median": str(_round(median(refund_days), 1)),
            "days_p90": percentile(refund_days, Fraction(9, 10)),
            "within_14_days": chasing.refunded_within_legal,
            "after_14_days": chasing.refunded - chasing.refunded_within_legal,
            "within_14_days_share": ratio(_ratio(chasing.refunded_within_legal, chasing.refunded)),
            "histogram": histogram(refund_days, 2 * LEGAL_DAYS),
            "paid_late": chasing.paid_late,
            "surcharges_owed": str(_round(Fraction(chasing.surcharges), places)),
            "surcharged_refunds": chasing.surcharges_owed_on,
        },
    }
