"""Exchanges, replacements, repairs and keeping the item: atomic, linked, charged or refunded once."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from retour.catalog.models import Product, StockMovement, Variant
from retour.orders.models import Order
from retour.refunds.services.paying import request_refund
from retour.returns.models import Exchange, Return, ReturnEvent
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.resolutions import (
    OutOfStock,
    charge_unreturned_instant_exchanges,
    close_exchanged,
    exchange,
    repair,
)


def variant(store, sku: str, price: str, stock: int | None) -> Variant:
    product = Product.objects.filter(store=store).order_by("pk").first()  # made by an imported order
    assert product is not None
    return Variant.objects.create(
        store=store, product=product, sku=sku, title=sku, price=Decimal(price), stock=stock
    )


def inspected(order: Order, resolution="exchange", reason="size_fit", units=2) -> Return:
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, units, reason, "unopened", resolution)])
    ret = handling.receive(ret, actor=None)
    return handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("price", "difference"), [("60.00", "0.00"), ("75.00", "30.00"), ("50.00", "-20.00")]
)
def test_exchange_for_another_variant_same_dearer_cheaper(order, policy_store, price, difference):
    ret = inspected(order)
    size_l = variant(policy_store, "PULL-L", price, stock=5)
    made = exchange(ret, ret.lines.get(), size_l, actor=None)
    assert made.difference == Decimal(difference)
    assert made.order.number == "#1001-X1"
    assert made.order.lines.get().variant == size_l
    assert made.order.source == "exchange"
    size_l.refresh_from_db()
    assert size_l.stock == 3
    assert ret.events.filter(kind="exchange").count() == 1
    due = "pending" if Decimal(difference) > 0 else "paid"
    assert made.order.financial_status == due


@pytest.mark.django_db
def test_a_cheaper_exchange_refunds_the_difference_only(order, policy_store):
    ret = inspected(order)
    exchange(ret, ret.lines.get(), variant(policy_store, "PULL-S", "50.00", stock=None), actor=None)
    request, _ = request_refund(ret, idempotency_key="diff", actor=None)
    assert request.amount == Decimal("20.00")


@pytest.mark.django_db
def test_out_of_stock_changes_nothing(order, policy_store):
    ret = inspected(order)
    last = variant(policy_store, "PULL-XL", "60.00", stock=1)
    events = ReturnEvent.objects.count()
    with pytest.raises(OutOfStock):
        exchange(ret, ret.lines.get(), last, actor=None)
    last.refresh_from_db()
    assert last.stock == 1
    assert not Exchange.objects.exists()
    assert not Order.objects.filter(source="exchange").exists()
    assert ReturnEvent.objects.count() == events


@pytest.mark.django_db
def test_an_item_is_exchanged_once_and_the_return_resolves_as_exchanged(order, policy_store):
    ret = inspected(order)
    line = ret.lines.get()
    exchange(ret, line, variant(policy_store, "PULL-M", "60.00", stock=None), actor=None)
    with pytest.raises(Exception, match="already been exchanged"):
        exchange(ret, line, variant(policy_store, "PULL-M2", "60.00", stock=None), actor=None)
    assert close_exchanged(ret, actor=None).outcome == "exchanged"


@pytest.mark.django_db
def test_replacement_sends_the_same_variant_again_at_no_cost(make_order, policy_store):
    order = make_order(
        "#6001",
        lines=[
            {"title": "Lampe", "quantity": 1, "unit_price": "40.00", "fulfilled_quantity": 1, "sku": "LAMP-1"}
        ],
        payments=[],
    )
    same = order.lines.get().variant
    Variant.objects.filter(pk=same.pk).update(stock=2)
    ret = inspected(order, resolution="replacement", reason="defective", units=1)
    made = exchange(ret, ret.lines.get(), None, actor=None)
    assert (made.kind, made.variant, made.difference) == ("replacement", same, Decimal("0"))
    assert close_exchanged(ret, actor=None).outcome == "replaced"


@pytest.mark.django_db
def test_repair_resolves_as_repaired(make_order):
    order = make_order("#6101")
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened", "refund")])
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    assert repair(ret, ret.lines.get(), actor=None, note="couture refaite").outcome == "repaired"


@pytest.mark.django_db
def test_instant_exchange_is_charged_once_only_when_the_return_never_shipped_and_the_exchange_did(
    order, policy_store
):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "exchange")])
    made = exchange(
        ret, ret.lines.get(), variant(policy_store, "PULL-L", "60.00", stock=None), actor=None, instant=True
    )
    approved = Return.objects.get(pk=ret.pk).approved_at
    later = approved + timedelta(days=15)
    assert charge_unreturned_instant_exchanges(later) == 0  # the exchange has not shipped
    Order.objects.filter(pk=made.order_id).update(fulfillment_status="fulfilled")
    assert charge_unreturned_instant_exchanges(approved + timedelta(days=5)) == 0  # still time to ship
    assert charge_unreturned_instant_exchanges(later) == 1
    assert charge_unreturned_instant_exchanges(later) == 0
    made.refresh_from_db()
    assert made.charged_at == later
    assert ret.events.filter(kind="exchange_charged").count() == 1


@pytest.mark.django_db
def test_an_instant_exchange_whose_return_shipped_is_not_charged(order, policy_store):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "exchange")])
    made = exchange(
        ret, ret.lines.get(), variant(policy_store, "PULL-L", "60.00", stock=None), actor=None, instant=True
    )
    Order.objects.filter(pk=made.order_id).update(fulfillment_status="fulfilled")
    handling.mark_in_transit(ret)
    assert charge_unreturned_instant_exchanges(ret.approved_at + timedelta(days=30)) == 0


@pytest.mark.django_db
def test_keep_the_item_refunds_without_shipping(make_order):
    order = make_order(
        "#6201",
        lines=[{"title": "Chaussettes", "quantity": 1, "unit_price": "9.00", "fulfilled_quantity": 1}],
        payments=[{"method": "card", "amount": "9.00"}],
    )
    line = order.lines.get()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened", "keep")])
    assert ret.state == "approved"
    request, _ = request_refund(ret, idempotency_key="keep", actor=None)
    assert request.amount == Decimal("9.00")
    request.refunds.get()
    from retour.refunds.services.paying import confirm_manual

    confirm_manual(request.refunds.get(), actor=None)
    ret.refresh_from_db()
    assert (ret.state, ret.outcome) == ("resolved", "kept")


@pytest.mark.django_db
def test_keep_is_refused_when_the_decision_does_not_allow_it(order):
    from retour.returns.errors import ReturnInvalid

    line = order.lines.order_by("position").first()  # 60.00: above the returnless threshold
    with pytest.raises(ReturnInvalid):
        create_return(order, [LineRequest(line.pk, 1, "defective", "unopened", "keep")])


@pytest.mark.django_db(transaction=True)
def test_two_exchanges_for_the_last_unit_one_wins(make_order, policy_store):
    returns = [inspected(make_order(f"#65{i}"), units=1) for i in range(2)]
    last = variant(policy_store, "PULL-LAST", "60.00", stock=1)
    outcomes: list[str] = []

    def take(ret: Return) -> None:
        try:
            exchange(ret, ret.lines.get(), last, actor=None)
            outcomes.append("won")
        except OutOfStock:
            outcomes.append("out")
        finally:
            if connection.vendor == "postgresql":
                connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=take, args=(ret,)) for ret in returns]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for ret in returns:
            take(ret)
    assert sorted(outcomes) == ["out", "won"]
    last.refresh_from_db()
    assert last.stock == 0
    assert Exchange.objects.count() == 1


@pytest.mark.django_db
def test_repair_and_close_are_refused_before_inspection(make_order, policy_store):
    from retour.returns.errors import TransitionRefused

    order = make_order("#6301")
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened", "refund")])
    assert ret.state == "approved"
    with pytest.raises(TransitionRefused):
        repair(ret, ret.lines.get(), actor=None)
    ret = handling.receive(ret, actor=None)
    with pytest.raises(TransitionRefused):
        repair(ret, ret.lines.get(), actor=None)  # received, not yet inspected
    assert Return.objects.get(pk=ret.pk).state == "received"
    assert not ret.events.filter(kind="repair").exists()


@pytest.mark.django_db
def test_an_instant_exchange_is_not_closed_before_its_return_came_back(order, policy_store):
    from retour.returns.errors import TransitionRefused

    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "exchange")])
    exchange(
        ret, ret.lines.get(), variant(policy_store, "PULL-L", "60.00", stock=None), actor=None, instant=True
    )
    with pytest.raises(TransitionRefused, match="instant exchange"):
        close_exchanged(ret, actor=None)  # approved only: the shopper could keep both
    handling.mark_in_transit(ret)
    with pytest.raises(TransitionRefused):
        close_exchanged(ret, actor=None)
    assert Return.objects.get(pk=ret.pk).state == "in_transit"
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    assert close_exchanged(ret, actor=None).outcome == "exchanged"


def _instant(order, store, price="60.00"):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "exchange")])
    made = exchange(
        ret, ret.lines.get(), variant(store, "PULL-L", price, stock=None), actor=None, instant=True
    )
    Order.objects.filter(pk=made.order_id).update(fulfillment_status="fulfilled")
    return Return.objects.get(pk=ret.pk), made


@pytest.mark.django_db
@pytest.mark.parametrize("moved_to", ["expired", "cancelled", "in_transit_late", "received_late"])
def test_an_instant_exchange_is_charged_whatever_state_its_unshipped_return_moved_to(
    order, policy_store, moved_to
):
    from retour.refunds.models import Charge

    ret, made = _instant(order, policy_store)
    days = 15
    later = ret.approved_at + timedelta(days=days)
    if moved_to == "expired":
        handling.expire(ret, days=14)
    elif moved_to == "cancelled":
        handling.cancel(ret, actor=None)
    else:  # shipped, but only after the allowed days
        handling.mark_in_transit(ret)
        ReturnEvent.objects.filter(ret=ret, to_state="in_transit").update(at=later)
        if moved_to == "received_late":
            handling.receive(ret, actor=None)
            ReturnEvent.objects.filter(ret=ret, to_state="received").update(at=later)
    assert charge_unreturned_instant_exchanges(later) == 1
    assert charge_unreturned_instant_exchanges(later) == 0
    charge = Charge.objects.get(exchange=made)
    assert (charge.reason, charge.amount, charge.gateway) == ("unreturned", Decimal("60.00"), "manual")
    new = Order.objects.get(pk=made.order_id)
    assert (new.total, new.financial_status) == (Decimal("60.00"), "pending")


@pytest.mark.django_db
def test_an_instant_exchange_whose_return_shipped_in_time_is_never_charged_even_later(order, policy_store):
    ret, made = _instant(order, policy_store)
    handling.mark_in_transit(ret)
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    close_exchanged(ret, actor=None)
    assert charge_unreturned_instant_exchanges(ret.approved_at + timedelta(days=60)) == 0
    assert not made.charges.exists()


@pytest.mark.django_db
def test_a_dearer_instant_exchange_not_returned_is_charged_the_rest_of_its_price(make_order, policy_store):
    from retour.refunds.services import charging

    order = make_order("#6401")
    ret, made = _instant(order, policy_store, price="75.00")  # 15.00 more than the 60.00 paid
    first = made.charges.get()
    assert first.amount == Decimal("15.00")
    charging.confirm_collected(first, actor=None)
    later = ret.approved_at + timedelta(days=15)
    assert charge_unreturned_instant_exchanges(later) == 1
    rest = made.charges.get(reason="unreturned")
    assert rest.amount == Decimal("60.00")  # 75.00 in all for the item kept
    charging.confirm_collected(rest, actor=None)
    assert Order.objects.get(pk=made.order_id).financial_status == "paid"
    assert charging.owed(made).amount == 0


@pytest.mark.django_db
def test_a_cheaper_exchange_whose_difference_is_refunded_ends_exchanged(order, policy_store):
    from retour.refunds.services.paying import confirm_manual

    ret = inspected(order)
    exchange(ret, ret.lines.get(), variant(policy_store, "PULL-S", "50.00", stock=None), actor=None)
    from retour.returns.services.resolutions import DifferenceToRefund

    with pytest.raises(DifferenceToRefund):
        close_exchanged(ret, actor=None)  # the 20.00 would never be paid back
    request, _ = request_refund(ret, idempotency_key="diff", actor=None)
    assert request.breakdown["exchanges"] == {str(ret.lines.get().pk): "20.00"}
    confirm_manual(request.refunds.get(), actor=None)
    ret.refresh_from_db()
    assert (ret.state, ret.outcome) == ("resolved", "exchanged")


@pytest.mark.django_db
def test_a_line_restocked_at_inspection_puts_its_units_back_once_with_the_movement(order, policy_store):
    line = order.lines.order_by("position").first()
    on_shelf = variant(policy_store, "PULL-M", "60.00", stock=4)
    line.variant = on_shelf
    line.save(update_fields=["variant"])
    ret = create_return(order, [LineRequest(line.pk, 2, "size_fit", "unopened")])
    ret = handling.receive(ret, actor=None)
    returned = ret.lines.get()
    handling.inspect(ret, [handling.Grading(returned.pk, "unopened", "review", "restock")], actor=None)
    on_shelf.refresh_from_db()
    assert on_shelf.stock == 4  # to review: not yet back on the shelf
    handling.inspect(ret, [handling.Grading(returned.pk, "unopened", "accepted", "restock")], actor=None)
    on_shelf.refresh_from_db()
    assert on_shelf.stock == 6
    (movement,) = StockMovement.objects.filter(variant=on_shelf)
    assert (movement.quantity, movement.reason, movement.stock_after, movement.return_line_id) == (
        2,
        "restock",
        6,
        returned.pk,
    )


@pytest.mark.django_db
def test_an_exchange_records_the_unit_sent_out(order, policy_store):
    ret = inspected(order)
    size_l = variant(policy_store, "PULL-L", "60.00", stock=5)
    exchange(ret, ret.lines.get(), size_l, actor=None)
    (movement,) = StockMovement.objects.filter(variant=size_l)
    assert (movement.quantity, movement.reason, movement.stock_after) == (-2, "exchange", 3)
