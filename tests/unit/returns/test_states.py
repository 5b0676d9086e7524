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


def test_cancelling_is_refused_once_anything_was_received():
    assert states.cancellable("in_transit", anything_received=False)
    assert not states.cancellable("in_transit", anything_received=True)
    assert not states.cancellable("received", anything_received=False)


def test_open_returns_hold_their_units_until_they_end_without_the_goods():
    assert "resolved" in states.OPEN
    assert not {"rejected", "cancelled", "expired"} & states.OPEN


def test_line_tables():
    assert states.can_move(states.RECEPTION_TRANSITIONS, "awaiting", "wrong_item")
    assert states.can_move(states.RECEPTION_TRANSITIONS, "lost", "received")
    assert not states.can_move(states.RECEPTION_TRANSITIONS, "received", "lost")
    assert states.can_move(states.INSPECTION_TRANSITIONS, "review", "accepted")
    assert not states.can_move(states.INSPECTION_TRANSITIONS, "accepted", "rejected")
