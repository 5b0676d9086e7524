"""The law's clock: in France a repair under the legal guarantee is due 30 days after the request
(L217-10), elsewhere within the store's reasonable time (Directive 2019/771 art. 14); staff are warned
before; past it the shopper is offered a refund or a price reduction; the expected dates never pass it."""

from __future__ import annotations

from datetime import date

import pytest

from retour.repairs.domain import clock
from retour.repairs.domain.states import State

pytestmark = pytest.mark.unit

ASKED = date(2026, 11, 20)


def test_in_france_the_repair_is_due_thirty_days_after_the_request():
    due = clock.deadline(ASKED, "FR", under_guarantee=True)

    assert due == clock.Deadline(date(2026, 12, 20), True, "Code de la consommation L217-10")
    assert clock.warn_on(due) == date(2026, 12, 15)


def test_elsewhere_in_the_eu_the_stores_reasonable_time_stands_for_the_law():
    due = clock.deadline(ASKED, "DE", under_guarantee=True, reasonable_days=21)

    assert due == clock.Deadline(date(2026, 12, 11), False, "Directive (EU) 2019/771 art. 14(1)(b)")


def test_a_paid_repair_has_a_target_and_no_legal_basis():
    due = clock.deadline(ASKED, "FR", under_guarantee=False)

    assert (due.legal, due.basis) == (False, "")


def test_past_the_deadline_the_shopper_may_ask_a_refund_or_a_price_reduction():
    due = clock.deadline(ASKED, "FR", under_guarantee=True)
    remedies = {State.REFUND_CHOSEN, State.PRICE_REDUCTION_CHOSEN}

    assert clock.late_remedies("received", due, date(2026, 12, 20), under_guarantee=True) == frozenset()
    assert clock.late_remedies("received", due, date(2026, 12, 21), under_guarantee=True) == remedies
    assert clock.late_remedies("shipped_back", due, date(2026, 12, 21), under_guarantee=True) == frozenset()
    assert clock.late_remedies("received", due, date(2026, 12, 21), under_guarantee=False) == frozenset()


def test_the_expected_date_of_the_next_step_never_passes_the_deadline():
    due = clock.deadline(ASKED, "FR", under_guarantee=True)

    assert clock.expected_next("sent", date(2026, 11, 22), due) == (State.RECEIVED, date(2026, 11, 25))
    assert clock.expected_next("diagnosed", date(2026, 12, 18), due) == (State.REPAIRED, date(2026, 12, 20))
    assert clock.expected_next("delivered", date(2026, 12, 18), due) is None
