"""Which outcome may resolve which state, and when a return counts as received."""

from __future__ import annotations

import pytest

from retour.returns.domain import states

pytestmark = pytest.mark.unit


def test_every_outcome_has_a_row_and_only_live_states_resolve():
    assert set(states.RESOLVED_FROM) == set(states.OUTCOMES)
    for sources in states.RESOLVED_FROM.values():
        assert sources <= {
            state for state, following in states.TRANSITIONS.items() if "resolved" in following
        }


def test_only_keeping_the_item_resolves_an_approved_return():
    assert states.can_resolve("approved", "kept")
    for outcome in ("refunded", "store_credit", "exchanged", "replaced", "repaired"):
        assert not states.can_resolve("approved", outcome), outcome


@pytest.mark.parametrize("outcome", ["refunded", "store_credit", "exchanged", "replaced", "repaired"])
def test_the_other_outcomes_need_the_goods_inspected(outcome):
    assert states.can_resolve("inspected", outcome)
    for state in ("requested", "label_issued", "in_transit", "received", "resolved", "cancelled"):
        assert not states.can_resolve(state, outcome), state


def test_a_kept_item_was_never_inspected_and_an_unknown_outcome_resolves_nothing():
    assert not states.can_resolve("inspected", "kept")
    assert not states.can_resolve("inspected", "teleported")


def test_money_outcomes_are_the_refund_payments_only():
    assert {"refunded", "store_credit"} == states.PAID_OUTCOMES


def test_a_return_is_received_once_every_line_is_settled():
    assert states.all_settled(["received", "lost", "wrong_item"])
    assert not states.all_settled(["received", "awaiting"])
    assert set(states.RECEPTION) - {"awaiting"} == states.SETTLED


def test_a_lost_line_may_still_turn_up_while_the_return_is_received():
    assert states.can_move(states.RECEPTION_TRANSITIONS, "lost", "received")
    assert "received" in states.RECEIVING
    assert "inspected" not in states.RECEIVING
