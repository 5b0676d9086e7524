"""When the money arrives, and the deadlines the law sets, on the business days of the store's country.

Business days come from the ``holidays`` package (public holidays per country, kept up to date by its
maintainers) rather than a hand-written calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays

from retour.core.money import Money

# Business days from the refund being sent to the money being visible to the shopper: (earliest, latest).
PROCESSING_DAYS: dict[str, tuple[int, int]] = {
    "store_credit": (0, 0),
    "gift_card": (0, 0),
    "stripe": (5, 10),
    "card": (5, 10),
    "manual": (1, 3),
}
# Business days from the shopper sending the parcel to the refund being sent: the carrier's transit (3) and
# the warehouse's inspection (2). What a shopper is told before confirming a return.
PARCEL_TO_REFUND_DAYS = 5
SUPPORTED = frozenset(holidays.list_supported_countries())
WITHDRAWAL_REFUND_DAYS = 14  # EU Directive 2011/83/EU art. 13; UK CCR 2013 reg. 34


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    code = country.upper()
    if code not in SUPPORTED:  # a country the package does not cover: weekends are the only days off
        return holidays.HolidayBase()
    return holidays.country_holidays(code, years=[year - 1, year, year + 1])


def is_business_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _calendar(country, day.year)


def add_business_days(start: date, days: int, country: str) -> date:
    """``days`` business days after ``start`` (0: ``start`` itself, or the next business day)."""
    day = start
    while not is_business_day(day, country):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_business_day(day, country):
            day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Expected:
    earliest: date
    latest: date


def expected_refund_date(method: str, sent_on: date, country: str) -> Expected:
    earliest, latest = PROCESSING_DAYS.get(method, PROCESSING_DAYS["manual"])
    if latest == 0:
        return Expected(sent_on, sent_on)
    return Expected(
        add_business_days(sent_on, earliest, country), add_business_days(sent_on, latest, country)
    )


def expected_after_sending(method: str, today: date, country: str, *, returnless: bool) -> Expected:
    """When the money should arrive for a return asked for ``today`` and sent back at once: the refund is
    sent on approval when the shopper keeps the item, once the parcel has arrived and been checked
    otherwise."""
    sent_on = today if returnless else add_business_days(today, PARCEL_TO_REFUND_DAYS, country)
    return expected_refund_date(method, sent_on, country)


@dataclass(frozen=True)
class LegalDeadline:
    due: date  # 14 calendar days after the withdrawal was notified
    may_wait_for_goods: bool  # the trader may hold the refund until the goods or proof of sending arrive


def legal_refund_deadline(withdrawal_on: date, *, trader_collects: bool = False) -> LegalDeadline:
    """EU/EEA and UK: refund within 14 days of being told of the withdrawal; unless the trader collects the
    goods itself, it may wait for them or for proof they were sent, whichever comes first."""
    return LegalDeadline(withdrawal_on + timedelta(days=WITHDRAWAL_REFUND_DAYS), not trader_collects)


def refund_due_by(deadline: LegalDeadline, goods_or_proof_on: date | None) -> date | None:
    """The day a withdrawal's refund is late from. The trader may hold it until the goods are back or the
    shopper shows proof of sending them, whichever comes first (Directive 2011/83/EU art. 13(3); CCR 2013
    reg. 34(12)): it is then owed by ``due``, or on that day if later. None while it may still wait."""
    if not deadline.may_wait_for_goods:
        return deadline.due
    if goods_or_proof_on is None:
        return None
    return max(deadline.due, goods_or_proof_on)


# France, Code de la consommation art. L242-4: a late refund is increased by the legal interest rate up to
# 10 days late, then by 5 % (10 to 20 days), 10 % (20 to 30), 20 % (30 to 60), 50 % (60 to 90), and by
# five more points per new month of delay, up to the price of the product.
SURCHARGE_STEPS = ((10, Decimal(5)), (20, Decimal(10)), (30, Decimal(20)), (60, Decimal(50)))


@dataclass(frozen=True)
class Surcharge:
    days_late: int
    rule: str  # "none", "legal_interest", "percent"
    percent: Decimal
    amount: Money


def france_late_refund_surcharge(
    amount: Money, due: date, paid_on: date, *, legal_rate: Decimal
) -> Surcharge:
    late = (paid_on - due).days
    if late <= 0:
        return Surcharge(0, "none", Decimal(0), Money.zero(amount.currency))
    if late <= 10:
        interest = amount * legal_rate / 100 * Decimal(late) / 365
        return Surcharge(late, "legal_interest", legal_rate, interest.rounded())
    percent = Decimal(0)
    for threshold, step in SURCHARGE_STEPS:
        if late > threshold:
            percent = step
    if late > 90:
        percent = Decimal(50) + 5 * ((late - 90 - 1) // 30 + 1)
    surcharge = min((amount * percent / 100).rounded(), amount.rounded(), key=lambda m: m.amount)
    return Surcharge(late, "percent", percent, surcharge)


def surcharge_schedule(amount: Money, due: date, *, legal_rate: Decimal) -> list[tuple[date, Surcharge]]:
    """The days on which the surcharge steps up, for staff to see before it is owed.

    ``legal_rate``: France's legal interest rate for consumers, in % a year, as the Banque de France
    publishes it each half-year (the operator sets it; Retour does not guess it)."""
    marks = [1, 11, 21, 31, 61, 91, 121, 151]
    return [
        (
            due + timedelta(days=d),
            france_late_refund_surcharge(amount, due, due + timedelta(days=d), legal_rate=legal_rate),
        )
        for d in marks
    ]
