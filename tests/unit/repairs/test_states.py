"""A repair moves only along its table, each step by whom the table says; past the law's deadline the
shopper may leave an open repair for a refund or a price reduction, never before."""

from __future__ import annotations

import pytest

from retour.repairs.domain import states
from retour.repairs.domain.states import REPAIRER, SHOPPER, STAFF, State

pytestmark = pytest.mark.unit

JOURNEY = [
    (State.REQUESTED, State.APPROVED, STAFF),
    (State.APPROVED, State.SENT, SHOPPER),
    (State.SENT, State.RECEIVED, REPAIRER),
    (State.RECEIVED, State.DIAGNOSED, REPAIRER),
    (State.DIAGNOSED, State.REPAIRED, REPAIRER),
    (State.REPAIRED, State.SHIPPED_BACK, REPAIRER),
    (State.SHIPPED_BACK, State.DELIVERED, STAFF),
]


@pytest.mark.parametrize(("current", "target", "role"), JOURNEY)
def test_a_repair_goes_from_request_to_delivered_back(current: State, target: State, role: str):
    assert states.can_move(current, target, role) == (True, "")


def test_a_step_the_table_lacks_is_refused():
    assert states.can_move(State.REQUESTED, State.REPAIRED, STAFF) == (False, "transition_refused")
    assert states.can_move(State.DELIVERED, State.SHIPPED_BACK, STAFF) == (False, "transition_refused")


def test_a_repairer_cannot_approve_and_a_shopper_cannot_diagnose():
    assert states.can_move(State.REQUESTED, State.APPROVED, REPAIRER) == (False, "not_yours")
    assert states.can_move(State.RECEIVED, State.DIAGNOSED, SHOPPER) == (False, "not_yours")
    assert states.can_move(State.QUOTED, State.QUOTE_ACCEPTED, REPAIRER) == (False, "not_yours")


def test_an_unrepairable_item_offers_a_replacement_or_a_refund():
    assert states.can_move(State.DIAGNOSED, State.UNREPAIRABLE, REPAIRER) == (True, "")
    assert states.can_move(State.RECEIVED, State.UNREPAIRABLE, REPAIRER) == (True, "")
    assert states.can_move(State.UNREPAIRABLE, State.REFUND_CHOSEN, SHOPPER) == (True, "")
    assert states.can_move(State.UNREPAIRABLE, State.REPLACEMENT_CHOSEN, SHOPPER) == (True, "")


def test_a_quote_accepted_is_repaired_and_a_quote_declined_is_sent_back():
    assert states.can_move(State.DIAGNOSED, State.QUOTED, REPAIRER) == (True, "")
    assert states.can_move(State.QUOTED, State.QUOTE_ACCEPTED, SHOPPER) == (True, "")
    assert states.can_move(State.QUOTE_ACCEPTED, State.REPAIRED, REPAIRER) == (True, "")
    assert states.can_move(State.QUOTED, State.QUOTE_DECLINED, SHOPPER) == (True, "")
    assert states.can_move(State.QUOTE_DECLINED, State.SHIPPED_BACK, REPAIRER) == (True, "")


def test_a_refund_instead_of_the_repair_waits_for_the_deadline():
    assert states.can_move(State.SENT, State.REFUND_CHOSEN, SHOPPER) == (False, "not_late_yet")
    assert states.can_move(State.SENT, State.REFUND_CHOSEN, SHOPPER, late=True) == (True, "")
    assert states.can_move(State.DIAGNOSED, State.PRICE_REDUCTION_CHOSEN, SHOPPER, late=True) == (True, "")
    # once it is on its way back, the repair is done: no late remedy
    assert states.can_move(State.SHIPPED_BACK, State.REFUND_CHOSEN, SHOPPER, late=True)[0] is False


def test_every_state_but_the_first_says_who_moves_into_it_and_final_states_go_nowhere():
    assert set(states.MOVED_BY) == set(State) - {State.REQUESTED}
    assert {
        State.DELIVERED,
        State.REPLACEMENT_CHOSEN,
        State.REFUND_CHOSEN,
        State.PRICE_REDUCTION_CHOSEN,
        State.CANCELLED,
    } == states.FINAL
    assert states.can_move("nonsense", State.APPROVED, STAFF) == (False, "unknown_state")
