"""Which outcome may close a return: keeping the item from approved, money only once it is paid, the
rest after inspection."""

from __future__ import annotations

import pytest

from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.errors import TransitionRefused
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def ask(order, resolution="refund", reason="size_fit"):
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, reason, "unopened", resolution)])


@pytest.mark.parametrize("outcome", ["refunded", "store_credit", "exchanged", "replaced", "repaired", "kept"])
def test_an_approved_return_sent_back_cannot_be_resolved_by_hand(order, agent, outcome):
    ret = ask(order)
    assert ret.state == "approved"
    with pytest.raises(TransitionRefused):
        handling.resolve(ret, outcome, actor=agent)
    current = Return.objects.get(pk=ret.pk)
    assert (current.state, current.outcome) == ("approved", "")
    assert not current.events.filter(kind="resolved").exists()


def test_an_inspected_return_resolves_as_refunded_only_through_its_paid_refund(order, agent, warehouse):
    ret = handling.receive(ask(order), actor=warehouse)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=warehouse)
    for outcome in ("refunded", "store_credit", "kept"):
        with pytest.raises(TransitionRefused):
            handling.resolve(ret, outcome, actor=agent)
    request, _created = request_refund(ret, idempotency_key="paid", actor=agent)
    assert Return.objects.get(pk=ret.pk).state == "inspected"  # a manual refund waits for staff
    confirm_manual(request.refunds.get(), actor=agent)
    current = Return.objects.get(pk=ret.pk)
    assert (current.state, current.outcome) == ("resolved", "refunded")


def test_repairing_needs_the_item_inspected(order, agent, warehouse):
    from retour.returns.services.resolutions import repair

    ret = ask(order, reason="defective")
    with pytest.raises(TransitionRefused):
        repair(ret, ret.lines.get(), actor=agent)
    ret = handling.receive(Return.objects.get(pk=ret.pk), actor=warehouse)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=warehouse)
    done = repair(ret, ret.lines.get(), actor=agent, note="couture refaite")
    assert (done.state, done.outcome) == ("resolved", "repaired")


def test_kept_only_when_every_line_stays_with_the_shopper(make_order, agent):
    order = make_order(
        "#7002",
        lines=[
            {"title": "Chaussettes", "quantity": 1, "unit_price": "9.00", "fulfilled_quantity": 1},
            {"title": "Bonnet", "quantity": 1, "unit_price": "8.00", "fulfilled_quantity": 1},
        ],
        payments=[{"method": "card", "amount": "17.00"}],
    )
    socks, hat = order.lines.order_by("position")
    mixed = create_return(
        order,
        [
            LineRequest(socks.pk, 1, "defective", "unopened", "keep"),
            LineRequest(hat.pk, 1, "defective", "unopened", "refund"),
        ],
    )
    if mixed.state == "requested":
        mixed = handling.approve(mixed, actor=agent)
    with pytest.raises(TransitionRefused):
        handling.resolve(mixed, "kept", actor=agent)
    assert Return.objects.get(pk=mixed.pk).state == "approved"
