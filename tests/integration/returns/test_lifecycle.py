"""A return from request to resolution through the services: decisions, quantities, transitions, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from factories import delivered_line
from retour.orders.models import Order, OrderLine
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.errors import (
    LineNotReturnable,
    PhotoRefused,
    QuantityUnavailable,
    ReturnInvalid,
    ReturnNotFound,
    TransitionRefused,
)
from retour.returns.models import Return, ReturnEvent
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return, returnable_units
from retour.returns.services.photos import add_photo

pytestmark = pytest.mark.django_db


def lines_of(order: Order) -> list[OrderLine]:
    return list(order.lines.order_by("position"))


def ask(order: Order, quantity: int = 1, *, line: int = 0, **overrides) -> Return:
    values = {"reason": "size_fit", "condition": "unopened", "resolution": "refund"}
    values.update(overrides)
    return create_return(order, [LineRequest(lines_of(order)[line].pk, quantity, **values)])


def test_a_returnable_line_is_approved_at_once_when_the_policy_says_auto(order):
    ret = ask(order)
    assert ret.state == "approved"
    assert ret.approved_at is not None
    assert list(ret.events.values_list("kind", flat=True)) == ["requested", "approved"]
    line = ret.lines.get()
    assert line.decision.eligible
    assert line.decision.code
    assert "remboursé" in line.decision.explanation_fr


def test_a_policy_that_asks_for_review_leaves_the_return_in_the_queue(
    order, policy_store, agent, review_policy
):
    ret = ask(order, reason="defective")
    assert ret.state == "requested"
    assert handling.review_queue(policy_store.pk) == [ret]
    handling.approve(ret, actor=agent)
    assert Return.objects.get(pk=ret.pk).state == "approved"
    assert handling.review_queue(policy_store.pk) == []


def test_quantity_at_most_delivered_minus_already_requested(order):
    first = lines_of(order)[0]
    ask(order, 1)
    assert returnable_units(first) == 1
    with pytest.raises(QuantityUnavailable) as refused:
        ask(order, 2)
    assert refused.value.details["available"] == 1
    ask(order, 1)
    assert returnable_units(first) == 0
    with pytest.raises(QuantityUnavailable):
        ask(order, 1)
    assert Return.objects.count() == 2


def test_units_of_a_cancelled_return_can_be_asked_for_again(order, agent):
    ret = ask(order, 2)
    handling.cancel(ret, actor=agent, reason="changed my mind")
    assert ask(order, 2).state == "approved"


def test_undelivered_units_cannot_be_returned(make_order):
    order = make_order(
        "#2001",
        fulfillment_status="partial",
        lines=[delivered_line("Lampe", 3, "20.00", fulfilled=1)],
        payments=[],
    )
    with pytest.raises(QuantityUnavailable):
        ask(order, 2)
    assert ask(order, 1).lines.get().quantity == 1


def test_a_forged_order_line_id_creates_nothing(order, make_order):
    other = make_order("#3001")
    foreign = lines_of(other)[0].pk
    with pytest.raises(ReturnInvalid):
        create_return(order, [LineRequest(foreign, 1, "size_fit", "unopened")])
    with pytest.raises(ReturnInvalid):
        create_return(order, [LineRequest(10**9, 1, "size_fit", "unopened")])
    assert not Return.objects.exists()
    assert not ReturnEvent.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"reason": "bored"}, {"condition": "shiny"}, {"resolution": "teleport"}],
)
def test_words_outside_the_vocabulary_are_refused(order, overrides):
    with pytest.raises(ReturnInvalid):
        ask(order, **overrides)
    assert not Return.objects.exists()


def test_zero_units_and_the_same_line_twice_are_refused(order):
    line = lines_of(order)[0].pk
    with pytest.raises(ReturnInvalid):
        create_return(order, [LineRequest(line, 0, "size_fit", "unopened")])
    with pytest.raises(ReturnInvalid):
        create_return(
            order,
            [LineRequest(line, 1, "size_fit", "unopened"), LineRequest(line, 1, "size_fit", "unopened")],
        )
    assert not Return.objects.exists()


def test_a_line_the_policy_refuses_creates_nothing_and_says_why_in_the_shoppers_language(make_order):
    order = make_order("#4001", delivered=datetime.now(UTC) - timedelta(days=200))
    with pytest.raises(LineNotReturnable) as refused:
        ask(order)
    assert refused.value.details["decision"]
    assert "Pull en laine" in refused.value.message
    assert not Return.objects.exists()


def test_a_resolution_the_decision_does_not_offer_is_refused(order):
    with pytest.raises(ReturnInvalid):
        ask(order, resolution="repair")  # offered only under the legal guarantee
    assert not Return.objects.exists()


def test_receive_inspect_resolve_with_a_complete_timeline(order, agent, warehouse):
    ret = ask(order, 2, condition="unopened")
    handling.mark_label_issued(ret, tracking="6A123")
    handling.mark_in_transit(ret)
    ret = handling.receive(handling.find(ret.number.lower()), actor=warehouse)
    assert ret.state == "received"
    line = ret.lines.get()
    assert (line.reception, line.received_quantity) == ("received", 2)
    ret = handling.inspect(ret, [handling.Grading(line.pk, "used", "accepted", "refurbish")], actor=warehouse)
    assert ret.state == "inspected"
    line.refresh_from_db()
    assert line.inspection_decision is not None
    assert line.inspection_decision.previous_id == line.decision_id
    assert line.inspection_decision.refund_amount < line.decision.refund_amount
    assert line.inspection_change  # the change is explained, in the shopper's language (French)
    assert line.disposition == "refurbish"
    with pytest.raises(TransitionRefused):  # refunded only once the money is paid
        handling.resolve(ret, "refunded", actor=agent)
    request, _created = request_refund(ret, idempotency_key="lifecycle", actor=agent)
    confirm_manual(request.refunds.get(), actor=agent)
    ret = Return.objects.get(pk=ret.pk)
    assert (ret.state, ret.outcome) == ("resolved", "refunded")
    kinds = list(ret.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [
        "requested",
        "approved",
        "label_issued",
        "in_transit",
        "line_received",
        "received",
        "line_inspected",
        "inspected",
        "refund_requested",
        "refunded",
        "resolved",
    ]
    last = ret.events.order_by("at", "id").last()
    assert last is not None
    assert (last.actor_label, last.from_state, last.to_state) == ("system", "inspected", "resolved")


def test_a_line_to_review_keeps_the_return_received_until_decided(order, warehouse):
    ret = ask(order, 1)
    ret = handling.receive(ret, actor=warehouse)
    line = ret.lines.get()
    ret = handling.inspect(ret, [handling.Grading(line.pk, "opened", "review")], actor=warehouse)
    assert ret.state == "received"
    ret = handling.inspect(ret, [handling.Grading(line.pk, "opened", "accepted", "restock")], actor=warehouse)
    assert ret.state == "inspected"


def test_cancelling_is_refused_once_anything_was_received(order, agent, warehouse):
    ret = ask(order, 1)
    handling.receive(ret, actor=warehouse)
    with pytest.raises(TransitionRefused):
        handling.cancel(ret, actor=agent)
    assert Return.objects.get(pk=ret.pk).state == "received"


def test_a_second_click_on_approve_is_refused_and_changes_nothing(order, agent):
    ret = ask(order)
    events = ret.events.count()
    with pytest.raises(TransitionRefused) as refused:
        handling.approve(ret, actor=agent)
    assert refused.value.code == "transition_refused"
    assert ret.events.count() == events


def test_reject_needs_a_reason_the_shopper_reads(order, policy_store, agent, review_policy):
    ret = ask(order, reason="defective")
    with pytest.raises(ReturnInvalid):
        handling.reject(ret, actor=agent, reason="  ")
    ret = handling.reject(ret, actor=agent, reason="Les photos montrent un autre article.")
    assert Return.objects.get(pk=ret.pk).rejection_reason == "Les photos montrent un autre article."
    assert ret.events.last().reason == "Les photos montrent un autre article."


def test_receiving_an_unknown_number_says_so(db):
    with pytest.raises(ReturnNotFound):
        handling.find("RNOPE1234")


def test_receiving_lines_one_by_one_wrong_item_and_lost(make_order, warehouse):
    order = make_order("#5001")
    lines = lines_of(order)
    ret = create_return(
        order,
        [
            LineRequest(lines[0].pk, 2, "size_fit", "unopened"),
            LineRequest(lines[1].pk, 1, "size_fit", "unopened"),
        ],
    )
    first, second = ret.lines.order_by("id")
    ret = handling.receive(
        ret,
        [handling.Receipt(first.pk, "received", 1), handling.Receipt(second.pk, "wrong_item")],
        actor=warehouse,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.received_quantity, second.reception) == (1, "wrong_item")
    with pytest.raises(ReturnInvalid):
        handling.receive(ret, [handling.Receipt(10**9)], actor=warehouse)


def test_each_event_queues_its_email_with_it_and_a_rolled_back_event_queues_none(order, agent):
    from django.db import transaction

    from retour.notifications.models import Notification

    ret = ask(order)
    assert list(Notification.objects.order_by("id").values_list("kind", flat=True)) == [
        "requested",
        "approved",
    ]

    def cancel_then_fail() -> None:
        with transaction.atomic():
            handling.cancel(ret, actor=agent)
            raise RuntimeError  # the transaction that recorded "cancelled" never commits

    with pytest.raises(RuntimeError):
        cancel_then_fail()
    assert not Notification.objects.filter(kind="cancelled").exists()
    assert Return.objects.get(pk=ret.pk).state == "approved"


def test_photos_are_judged_by_their_bytes(order):
    line = ask(order).lines.get()
    image = BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    png = SimpleUploadedFile("p.jpg", image.getvalue(), content_type="image/jpeg")  # a PNG whatever its name
    assert add_photo(line, png).content_type == "image/png"
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    with pytest.raises(PhotoRefused):
        add_photo(line, fake)
    assert line.photos.count() == 1


def test_database_vendor_is_exercised():
    assert connection.vendor in {"sqlite", "postgresql"}
