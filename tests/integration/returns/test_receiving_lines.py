"""Parcels come apart: lines are received one by one, a lost one may turn up, the return is received once
every line is settled, and inspection still goes line by line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.returns.errors import TransitionRefused
from retour.returns.models import Return, ReturnLine
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.tasks import chase

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_lines(order) -> Return:
    pull, scarf = order.lines.order_by("position")
    return create_return(
        order,
        [LineRequest(pull.pk, 2, "size_fit", "unopened"), LineRequest(scarf.pk, 1, "size_fit", "unopened")],
    )


def lines_of(ret: Return) -> tuple[ReturnLine, ReturnLine]:
    first, second = ret.lines.order_by("id")
    return first, second


def state_of(ret: Return) -> str:
    return Return.objects.get(pk=ret.pk).state


def test_receiving_line_a_then_line_b_receives_the_return_only_at_the_end(two_lines, warehouse):
    first, second = lines_of(two_lines)
    handling.mark_in_transit(two_lines)
    ret = handling.receive(two_lines, [handling.Receipt(first.pk)], actor=warehouse)
    assert ret.state == "in_transit"  # line B is still on its way
    ret = handling.receive(ret, [handling.Receipt(second.pk)], actor=warehouse)
    assert ret.state == "received"
    kinds = list(ret.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-3:] == ["line_received", "line_received", "received"]
    assert set(ret.lines.values_list("reception", "received_quantity")) == {("received", 2), ("received", 1)}


def test_without_receipts_every_line_still_awaited_is_received_and_then_nothing_is_left(two_lines, warehouse):
    first, second = lines_of(two_lines)
    handling.receive(two_lines, [handling.Receipt(first.pk, quantity=1)], actor=warehouse)
    ret = handling.receive(two_lines, actor=warehouse)  # the scan page: the rest of the parcel
    assert ret.state == "received"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.received_quantity, second.received_quantity) == (1, 1)
    with pytest.raises(TransitionRefused) as refused:
        handling.receive(ret, actor=warehouse)
    assert "already been received" in refused.value.message


def test_a_lost_line_settles_the_return_and_is_received_when_it_turns_up(two_lines, warehouse):
    first, second = lines_of(two_lines)
    ret = handling.receive(
        two_lines,
        [handling.Receipt(first.pk), handling.Receipt(second.pk, ReturnLine.Reception.LOST)],
        actor=warehouse,
    )
    assert ret.state == "received"  # every line settled: one received, one lost
    ret = handling.receive(ret, [handling.Receipt(second.pk)], actor=warehouse)  # lost -> received
    second.refresh_from_db()
    assert (ret.state, second.reception, second.received_quantity) == ("received", "received", 1)
    event = ret.events.filter(line=second).order_by("at", "id").last()
    assert (event.kind, event.from_state, event.to_state) == ("line_received", "lost", "received")
    ret = handling.inspect(ret, [handling.Grading(first.pk, "unopened")], actor=warehouse)
    assert ret.state == "received"  # the late line is inspected too
    ret = handling.inspect(ret, [handling.Grading(second.pk, "unopened")], actor=warehouse)
    assert ret.state == "inspected"


def test_a_line_received_or_a_wrong_item_cannot_be_received_again(two_lines, warehouse):
    first, second = lines_of(two_lines)
    handling.receive(two_lines, [handling.Receipt(first.pk)], actor=warehouse)
    with pytest.raises(TransitionRefused):
        handling.receive(two_lines, [handling.Receipt(first.pk)], actor=warehouse)
    handling.receive(
        two_lines, [handling.Receipt(second.pk, ReturnLine.Reception.WRONG_ITEM)], actor=warehouse
    )
    with pytest.raises(TransitionRefused):
        handling.receive(two_lines, [handling.Receipt(second.pk)], actor=warehouse)
    assert state_of(two_lines) == "received"


def test_once_inspected_a_lost_line_can_no_longer_be_received(two_lines, warehouse):
    first, second = lines_of(two_lines)
    handling.receive(
        two_lines,
        [handling.Receipt(first.pk), handling.Receipt(second.pk, ReturnLine.Reception.LOST)],
        actor=warehouse,
    )
    ret = handling.inspect(two_lines, [handling.Grading(first.pk, "unopened")], actor=warehouse)
    assert ret.state == "inspected"
    with pytest.raises(TransitionRefused):
        handling.receive(ret, [handling.Receipt(second.pk)], actor=warehouse)


def test_lines_cannot_be_inspected_before_the_return_is_received(two_lines, warehouse):
    first, _second = lines_of(two_lines)
    handling.receive(two_lines, [handling.Receipt(first.pk)], actor=warehouse)
    with pytest.raises(TransitionRefused):
        handling.inspect(two_lines, [handling.Grading(first.pk, "unopened")], actor=warehouse)


def test_a_partly_received_return_is_neither_cancelled_nor_chased(two_lines, warehouse, agent):
    first, _second = lines_of(two_lines)
    ret = handling.receive(two_lines, [handling.Receipt(first.pk)], actor=warehouse)
    assert ret.state == "approved"
    with pytest.raises(TransitionRefused):
        handling.cancel(ret, actor=agent)
    approved = Return.objects.get(pk=ret.pk).approved_at
    done = chase(approved + timedelta(days=30))
    assert (done.reminded, done.expired) == (0, 0)
    assert state_of(ret) == "approved"


def test_a_line_declared_lost_alone_does_not_stop_a_cancellation(two_lines, warehouse, agent):
    _first, second = lines_of(two_lines)
    handling.receive(two_lines, [handling.Receipt(second.pk, ReturnLine.Reception.LOST)], actor=warehouse)
    assert handling.cancel(two_lines, actor=agent).state == "cancelled"
