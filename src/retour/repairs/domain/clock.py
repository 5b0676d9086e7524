"""The law's clock of a repair under the legal guarantee.

Bringing goods into conformity is free, within a reasonable time from the moment the seller was told, and
without significant inconvenience (Directive (EU) 2019/771 art. 14(1)). France fixes that time: at most
thirty days from the consumer's request (Code de la consommation L217-10); past it the consumer may ask
for a price reduction or the end of the contract, that is a refund (L217-14, 2°; Directive art. 13(4)(a)).
Elsewhere the store's own target (its ``REPAIR_REASONABLE_DAYS``) stands for the reasonable time.
Calendar days, the store's time zone (the services pass local dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from retour.repairs.domain.states import LATE_FROM, LATE_REMEDIES, State

# Countries whose law fixes the longest time a repair under the legal guarantee may take, from the request.
FIXED_DAYS = {"FR": 30}
BASIS_FIXED = {"FR": "Code de la consommation L217-10"}
BASIS_REASONABLE = "Directive (EU) 2019/771 art. 14(1)(b)"
WARN_DAYS_BEFORE = 5
# The usual days each step takes, for the date the shopper is told to expect it.
STEP_DAYS: dict[State, int] = {
    State.APPROVED: 2,
    State.SENT: 3,
    State.RECEIVED: 3,
    State.DIAGNOSED: 3,
    State.QUOTED: 2,
    State.REPAIRED: 7,
    State.SHIPPED_BACK: 2,
    State.DELIVERED: 3,
}
# What normally follows each state on the way back to the shopper.
NEXT: dict[State, State] = {
    State.REQUESTED: State.APPROVED,
    State.APPROVED: State.SENT,
    State.SENT: State.RECEIVED,
    State.RECEIVED: State.DIAGNOSED,
    State.DIAGNOSED: State.REPAIRED,
    State.QUOTE_ACCEPTED: State.REPAIRED,
    State.QUOTE_DECLINED: State.SHIPPED_BACK,
    State.REPAIRED: State.SHIPPED_BACK,
    State.SHIPPED_BACK: State.DELIVERED,
}


@dataclass(frozen=True, slots=True)
class Deadline:
    """The day by which the item must be back in conformity, and whether the law itself fixes it."""

    due: date
    legal: bool  # fixed by a country's law (France), not only the store's reasonable time
    basis: str  # the text it comes from ("" for a repair the guarantee does not cover)


def deadline(
    requested_on: date, country: str, *, under_guarantee: bool, reasonable_days: int = 30
) -> Deadline:
    """The deadline of a repair requested on ``requested_on`` by a consumer in ``country``."""
    fixed = FIXED_DAYS.get(country.upper()) if under_guarantee else None
    if fixed is not None:
        return Deadline(requested_on + timedelta(days=fixed), True, BASIS_FIXED[country.upper()])
    basis = BASIS_REASONABLE if under_guarantee else ""
    return Deadline(requested_on + timedelta(days=reasonable_days), False, basis)


def warn_on(due: Deadline, days_before: int = WARN_DAYS_BEFORE) -> date:
    """The day staff are warned that a repair's deadline comes near."""
    return due.due - timedelta(days=days_before)


def is_late(due: Deadline, today: date) -> bool:
    return today > due.due


def late_remedies(state: str, due: Deadline, today: date, *, under_guarantee: bool) -> frozenset[State]:
    """What the shopper may choose instead of a repair that is late: a refund or a price reduction, once
    the deadline has passed, for a repair the legal guarantee covers and that is not back yet."""
    if not under_guarantee or not is_late(due, today) or State(state) not in LATE_FROM:
        return frozenset()
    return LATE_REMEDIES


def expected_next(state: str, since: date, due: Deadline | None) -> tuple[State, date] | None:
    """The next step of a repair in ``state`` since ``since`` and the day it is expected, never after the
    deadline (the law's promise is the shopper's); None when nothing more is expected."""
    following = NEXT.get(State(state))
    if following is None:
        return None
    expected = since + timedelta(days=STEP_DAYS[following])
    if due is not None and following in (State.REPAIRED, State.DELIVERED):
        expected = min(expected, max(due.due, since))
    return following, expected
