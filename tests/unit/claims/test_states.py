"""The claim's state table: every state known, closed states closed, a decision appealable, an appeal
decided back into a decision."""

from __future__ import annotations

import pytest

from retour.claims.domain import states

pytestmark = pytest.mark.unit


def test_every_state_has_a_row_and_leads_only_to_known_states():
    assert set(states.TRANSITIONS) == set(states.STATES)
    for following in states.TRANSITIONS.values():
        assert following <= set(states.STATES)


def test_a_seller_refund_closes_the_claim():
    assert states.TRANSITIONS[states.SELLER_REFUNDED] == frozenset()
    assert not states.can_move(states.SELLER_REFUNDED, states.GRANTED)


def test_only_a_decision_is_appealed_and_an_appeal_ends_in_a_decision():
    appealable = {state for state, following in states.TRANSITIONS.items() if states.APPEALED in following}
    assert appealable == set(states.APPEALABLE) == {states.GRANTED, states.PAID, states.DENIED}
    assert states.TRANSITIONS[states.APPEALED] == {states.GRANTED, states.DENIED, states.PAID}


def test_a_claim_is_decided_once_before_any_appeal():
    for decided in (states.GRANTED, states.DENIED, states.PAID):
        assert not states.can_move(decided, states.GRANTED)
        assert not states.can_move(decided, states.DENIED)
    assert states.can_move(states.AWAITING_SELLER, states.GRANTED)
    assert states.can_move(states.SELLER_RESPONDED, states.DENIED)
    assert not states.can_move(states.DENIED, states.PAID)


def test_the_appeal_window_is_thirty_days_of_elapsed_hours():
    assert states.APPEAL_HOURS == 720


def test_a_seller_is_at_risk_above_one_percent_of_orders():
    from retour.claims.domain.rate import ClaimRate

    assert not ClaimRate(1, 100).at_risk
    assert ClaimRate(2, 199).at_risk
    assert ClaimRate(0, 0).rate == 0
