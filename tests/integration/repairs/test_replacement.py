"""An unrepairable item replaced: the same variant shipped in a linked order, its stock taken once and
recorded; out of stock, the choice changes nothing and the shopper may pick another variant or a refund."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retour.catalog.models import StockMovement, Variant
from retour.orders.models import Order
from retour.repairs.domain.states import REPAIRER, SHOPPER, STAFF
from retour.repairs.errors import RepairOutOfStock
from retour.repairs.models import Repair, RepairEvent
from retour.repairs.services import steps

from .conftest import ask_repair

pytestmark = pytest.mark.django_db


def unrepairable(order: Order) -> Repair:
    repair = Repair.objects.get(ret=ask_repair(order))
    steps.update(repair, "sent", role=STAFF)
    steps.update(repair, "received", role=REPAIRER)
    return steps.update(repair, "unrepairable", role=REPAIRER, note="HS")


def with_stock(order: Order, stock: int | None) -> Variant:
    line = order.lines.order_by("position").first()
    assert line is not None
    assert line.product_id is not None
    variant = Variant.objects.create(
        store=order.store,
        product_id=line.product_id,
        sku="PULL-M",
        title="M",
        price=Decimal("60.00"),
        stock=stock,
    )
    line.variant = variant
    line.save(update_fields=["variant"])
    return variant


def test_the_same_variant_is_shipped_in_a_linked_order_and_its_stock_moves_once(old_order, workshop):
    variant = with_stock(old_order, 3)
    repair = unrepairable(old_order)

    done = steps.update(repair, "replacement_chosen", role=SHOPPER)

    order = done.replacement_order
    assert order is not None
    assert (order.number, order.source, order.total) == ("#2001-F1", "repair_replacement", Decimal(0))
    assert order.lines.get().variant == variant
    variant.refresh_from_db()
    assert variant.stock == 2
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.quantity, movement.reason, movement.return_line_id) == (-1, "exchange", repair.line_id)
    assert RepairEvent.objects.filter(
        repair=repair, kind="replacement_shipped", data__order="#2001-F1"
    ).exists()


def test_out_of_stock_changes_nothing_and_another_variant_may_be_chosen(old_order, workshop):
    with_stock(old_order, 0)
    line = old_order.lines.order_by("position").first()
    other = Variant.objects.create(
        store=old_order.store,
        product_id=line.product_id,
        sku="PULL-L",
        title="L",
        price=Decimal("60.00"),
        stock=1,
    )
    repair = unrepairable(old_order)
    events = RepairEvent.objects.count()

    with pytest.raises(RepairOutOfStock):
        steps.update(repair, "replacement_chosen", role=SHOPPER)
    repair.refresh_from_db()
    assert (repair.state, repair.replacement_order) == ("unrepairable", None)
    assert RepairEvent.objects.count() == events
    assert not StockMovement.objects.exists()

    done = steps.update(repair, "replacement_chosen", role=SHOPPER, variant="PULL-L")
    assert done.replacement_order.lines.get().variant == other
    other.refresh_from_db()
    assert other.stock == 0
