"""Whether chasing unsent parcels works, and whether refunds keep the legal 14 days (issue 11, item 5).

Pure and exact, over the returns requested in a period (``Chase`` records, read from each return's
timeline and refund requests):

- ``to_ship``: approved returns with something to send back; ``shipped``: those whose parcel left (the
  first ``in_transit`` or ``received`` after the approval); the days from approval to shipping: mean
  (exact), median and 90th percentile (nearest rank) of whole hours, and a histogram by whole day (the
  last bucket holds the rest);
- per reminder (by the day after approval it was sent on): the returns reminded, and those shipped after
  it and before any next reminder, with that share; and those shipped before any reminder;
- ``expired``: approvals that expired unsent, and the paid value of their units;
- refunds: returns whose refund was paid in full, the days from the request (the store's day) to the
  payment, how many within the legal 14 days and how many after; those paid after their legal deadline
  (a withdrawal's ``refund_due_by``), and the late-refund surcharges owed (France, L242-4).

Each return counts as ``tallies`` (figure, key, count/value/seconds); ``cells`` sums them per request
day and scope of lines (the chasing rollup), ``summarize`` turns the sums of a period back into figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from retour.core.money import minor_units
from retour.insights.domain.metrics import _ratio, _round, ratio
from retour.insights.domain.rollup import ALL, Scope, scopes

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
    lines: tuple[tuple[str, str], ...] = ()  # (category, seller) of each of its lines


# What a return counts for, in the chasing rollup (``tallies``): a dimension, a key, and a count, a value
# and seconds.
REQUESTED = "requested"
TO_SHIP = "to_ship"
SHIPPED = "shipped"  # key: whole hours from approval to sending; seconds: the exact time
BEFORE_REMINDERS = "before_reminders"
REMINDED = "reminded"  # key: the reminder's day
SHIPPED_AFTER = "shipped_after"  # key: the day of the last reminder before sending
EXPIRED = "expired"  # value: the paid value of its units
REFUNDED = "refunded"  # key: days from the request to the refund paid in full
PAID_LATE = "paid_late"
SURCHARGED = "surcharged"  # value: the late-refund surcharges owed
HOUR = 3_600


@dataclass(slots=True)
class Tally:
    count: int = 0
    value: Decimal = Decimal(0)
    seconds: int = 0

    def add(self, other: Tally) -> None:
        self.count += other.count
        self.value += other.value
        self.seconds += other.seconds


def tallies(chase: Chase) -> list[tuple[str, str, Tally]]:
    """What one return counts for: ``(dimension, key, tally)``, each summed over a period's returns."""
    found = [(REQUESTED, "", Tally(1))]
    if chase.to_ship:
        found += _shipping(chase)
    if chase.refund_paid_on is not None:
        found.append((REFUNDED, str((chase.refund_paid_on - chase.requested_on).days), Tally(1)))
        if chase.days_late > 0:
            found.append((PAID_LATE, "", Tally(1)))
        if chase.surcharge:
            found.append((SURCHARGED, "", Tally(1 if chase.surcharge > 0 else 0, chase.surcharge)))
    return found


def _shipping(chase: Chase) -> list[tuple[str, str, Tally]]:
    found = [(TO_SHIP, "", Tally(1))]
    reminders = sorted(chase.reminders, key=lambda r: r.at)
    found += [(REMINDED, str(reminder.day), Tally(1)) for reminder in reminders]
    if chase.expired:
        found.append((EXPIRED, "", Tally(1, chase.value)))
    shipped, approved = chase.shipped_at, chase.approved_at
    if shipped is None or approved is None:
        return found
    seconds = max(int((shipped - approved).total_seconds()), 0)
    found.append((SHIPPED, str(seconds // HOUR), Tally(1, seconds=seconds)))
    before = [r for r in reminders if r.at < shipped]
    if not before:
        found.append((BEFORE_REMINDERS, "", Tally(1)))
    else:
        found.append((SHIPPED_AFTER, str(before[-1].day), Tally(1)))
    return found


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
    shipping_seconds: int = 0  # in all
    shipping_hours: dict[int, int] = field(default_factory=dict)  # whole hours -> returns
    shipped_before_reminders: int = 0
    reminders: dict[int, ReminderCounts] = field(default_factory=dict)
    expired: int = 0
    expired_value: Decimal = Decimal(0)
    refund_days: dict[int, int] = field(default_factory=dict)  # days -> returns
    paid_late: int = 0
    surcharges: Decimal = Decimal(0)
    surcharges_owed_on: int = 0

    @property
    def refunded(self) -> int:
        return sum(self.refund_days.values())

    @property
    def refunded_within_legal(self) -> int:
        return sum(count for days, count in self.refund_days.items() if days <= LEGAL_DAYS)


def summarize(summed: Mapping[tuple[str, str], Tally]) -> Chasing:
    """The chasing figures of a period's returns from their tallies summed per ``(dimension, key)``."""
    result = Chasing()
    for (dimension, key), tally in summed.items():
        if dimension == REQUESTED:
            result.requested += tally.count
        elif dimension == TO_SHIP:
            result.to_ship += tally.count
        elif dimension == SHIPPED:
            result.shipped += tally.count
            result.shipping_seconds += tally.seconds
            result.shipping_hours[int(key)] = result.shipping_hours.get(int(key), 0) + tally.count
        elif dimension == BEFORE_REMINDERS:
            result.shipped_before_reminders += tally.count
        elif dimension == REMINDED:
            result.reminders.setdefault(int(key), ReminderCounts()).reminded += tally.count
        elif dimension == SHIPPED_AFTER:
            result.reminders.setdefault(int(key), ReminderCounts()).shipped_after += tally.count
        elif dimension == EXPIRED:
            result.expired += tally.count
            result.expired_value += tally.value
        elif dimension == REFUNDED:
            result.refund_days[int(key)] = result.refund_days.get(int(key), 0) + tally.count
        elif dimension == PAID_LATE:
            result.paid_late += tally.count
        elif dimension == SURCHARGED:
            result.surcharges_owed_on += tally.count
            result.surcharges += tally.value
    return result


def compute(chases: Iterable[Chase]) -> Chasing:
    """The chasing figures of these returns (what the rollup's cells of their scope sum to)."""
    summed: dict[tuple[str, str], Tally] = {}
    for chase in chases:
        for dimension, key, tally in tallies(chase):
            summed.setdefault((dimension, key), Tally()).add(tally)
    return summarize(summed)


def cells(chases: Iterable[Chase]) -> dict[tuple[date, str, str, Scope], Tally]:
    """The chasing rollup's cells of these returns: per request day, dimension, key and scope of lines;
    a return counts once in each scope its lines touch (always in ``ALL``), whole."""
    found: dict[tuple[date, str, str, Scope], Tally] = {}
    for chase in chases:
        touched = {Scope(ALL, "", "")}
        for category, seller in chase.lines:
            touched.update(scopes(category, seller))
        for dimension, key, tally in tallies(chase):
            for scope in touched:
                found.setdefault((chase.requested_on, dimension, key, scope), Tally()).add(tally)
    return found


def _expanded(counts: Mapping[int, int]) -> list[int]:
    return [value for value in sorted(counts) for _ in range(counts[value])]


def counted_percentile(counts: Mapping[int, int], share: Fraction) -> int:
    """The nearest-rank percentile of values given as value -> how many (0 for none)."""
    size = sum(counts.values())
    if not size:
        return 0
    rank, seen = max(math.ceil(share * size), 1), 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return max(counts)


def counted_median(counts: Mapping[int, int]) -> Fraction:
    size = sum(counts.values())
    if not size:
        return Fraction(0)
    if size % 2:
        return Fraction(counted_percentile(counts, Fraction(1, 2)))
    low = counted_percentile(counts, Fraction(size // 2, size))
    high = counted_percentile(counts, Fraction(size // 2 + 1, size))
    return Fraction(low + high, 2)


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
    """Days to one decimal, money to the currency's minor unit, ratios to four places (half-up, once).
    The median and 90th percentile of the days to ship are those of whole hours (the rollup keeps hours);
    the mean is exact."""
    places = minor_units(currency)
    hours = chasing.shipping_hours
    refund_days = chasing.refund_days
    by_day: dict[int, int] = {}
    for hour, count in hours.items():
        by_day[hour * HOUR // DAY] = by_day.get(hour * HOUR // DAY, 0) + count
    return {
        "requested": chasing.requested,
        "to_ship": chasing.to_ship,
        "shipped": chasing.shipped,
        "shipped_share": ratio(_ratio(chasing.shipped, chasing.to_ship)),
        "days_to_ship": {
            "mean": _days(_ratio(chasing.shipping_seconds, chasing.shipped)),
            "median": _days(counted_median(hours) * HOUR),
            "p90": _days(counted_percentile(hours, Fraction(9, 10)) * HOUR),
            "histogram": histogram(_expanded(by_day)),
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
            "days_mean": str(_round(_ratio(sum(d * n for d, n in refund_days.items()), chasing.refunded), 1)),
            "days_median": str(_round(counted_median(refund_days), 1)),
            "days_p90": counted_percentile(refund_days, Fraction(9, 10)),
            "within_14_days": chasing.refunded_within_legal,
            "after_14_days": chasing.refunded - chasing.refunded_within_legal,
            "within_14_days_share": ratio(_ratio(chasing.refunded_within_legal, chasing.refunded)),
            "histogram": histogram(_expanded(refund_days), 2 * LEGAL_DAYS),
            "paid_late": chasing.paid_late,
            "surcharges_owed": str(_round(Fraction(chasing.surcharges), places)),
            "surcharged_refunds": chasing.surcharges_owed_on,
        },
    }
