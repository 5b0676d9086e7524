"""The state table: what may follow what, and the exits."""

from __future__ import annotations

import pytest

from retour.returns.domain import states


def test_every_state_has_a_row_and_every_target_is_a_state():
    assert set(states.TRANSITIONS) == set(states.STATES)
    for following in states.TRANSITIONS.values():
        assert following <= set(states.STATES)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("requested", "approved"),
        ("requested", "rejected"),
        ("approved", "label_issued"),
        ("label_issued", "in_transit"),
        ("in_transit", "received"),
        ("received", "inspected"),
        ("inspected", "resolved"),
        ("approved", "expired"),
        ("approved", "resolved"),  # keep the item: resolved without shipping
    ],
)
def test_the_lifecycle_moves_forward(current, target):
    assert states.can_move(states.TRANSITIONS, current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("requested", "received"),
        ("rejected", "approved"),
        ("resolved", "requested"),
        ("received", "cancelled"),
        ("inspected", "cancelled"),
        ("in_transit", "expired"),
        ("expired", "approved"),
        ("approved", "approved"),
    ],
)
def test_what_the_table_lacks_is_refused(current, target):
    assert not states.can_move(states.TRANSITIONS, current, target)


def test_final_states_lead_nowhere():
    assert {"rejected", "resolved", "cancelled", "expired"} == states.FINAL


@pytest.mark.parametrize(
    ("state", "received", "expected"),
    [
        ("requested", False, (True, "")),
        ("approved", False, (True, "")),
        ("label_issued", False, (True, "")),
        ("label_issued", True, (False, states.RECEIVED_ALREADY)),
        ("in_transit", False, (False, states.ON_ITS_WAY)),  # the parcel will arrive, cancelled or not
        ("in_transit", True, (False, states.RECEIVED_ALREADY)),
        ("received", False, (False, states.RECEIVED_ALREADY)),
        ("inspected", False, (False, states.RECEIVED_ALREADY)),
        ("resolved", False, (False, states.CLOSED)),
        ("cancelled", False, (False, states.CLOSED)),
        ("expired", False, (False, states.CLOSED)),
        ("rejected", False, (False, states.CLOSED)),
    ],
)
def test_one_rule_says_whether_a_return_may_be_cancelled_and_why_not(state, received, expected):
    assert states.cancellation(state, anything_received=received) == expected
    # the state table agrees with the rule
    if expected[0]:
        assert states.can_move(states.TRANSITIONS, state, "cancelled")
    if expected[1] in (states.ON_ITS_WAY, states.CLOSED):
        assert not states.can_move(states.TRANSITIONS, state, "cancelled")


def test_open_returns_hold_their_units_until_they_end_without_the_goods():
    assert "resolved" in states.OPEN
    assert not {"rejected", "cancelled", "expired"} & states.OPEN


def test_line_tables():
    assert states.can_move(states.RECEPTION_TRANSITIONS, "awaiting", "wrong_item")
    assert states.can_move(states.RECEPTION_TRANSITIONS, "lost", "received")
    assert not states.can_move(states.RECEPTION_TRANSITIONS, "received", "lost")
    assert states.can_move(states.INSPECTION_TRANSITIONS, "review", "accepted")
    assert not states.can_move(states.INSPECTION_TRANSITIONS, "accepted", "rejected")
