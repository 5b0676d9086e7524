"""An item that cannot be repaired is replaced: the same variant (or another the shopper picks among the
same product's) shipped in a new order linked to the repair. The stock is checked and taken under the
variant's row lock, recorded as a stock movement once per return line; out of stock, nothing changes and
the shopper chooses another variant or a refund."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from retour.catalog import stock as catalog_stock
from retour.catalog.models import StockMovement, Variant
from retour.orders.models import Order
from retour.orders.services.linked import linked_order
from retour.repairs.errors import RepairInvalid, RepairOutOfStock
from retour.repairs.models import Repair
from retour.repairs.services.timeline import Actor, record_event
from retour.returns.models import ReturnLine


def in_stock_variants(repair: Repair) -> list[Variant]:
    """The variants of the repaired item's product the store can send now, the same one first."""
    ordered = repair.line.order_line
    if ordered.product_id is None:
        return []
    found = [
        v
        for v in Variant.objects.filter(store_id=repair.store_id, product_id=ordered.product_id).order_by(
            "id"
        )
        if v.stock is None or v.stock >= repair.line.quantity
    ]
    return sorted(found, key=lambda v: v.pk != ordered.variant_id)


def ship_replacement(repair: Repair, *, variant_sku: str = "", actor: Actor = None) -> Order:
    """In the caller's transaction, with the repair locked: take the stock and make the linked order."""
    line = ReturnLine.objects.select_related("order_line__variant", "ret__order").get(pk=repair.line_id)
    ordered = line.order_line
    target = ordered.variant
    if variant_sku and ordered.product_id is not None:
        target = Variant.objects.filter(
            store_id=repair.store_id, product_id=ordered.product_id, sku=variant_sku[:64]
        ).first()
        if target is None:
            raise RepairInvalid(_("Choose one of this item's variants."))
    elif variant_sku:
        raise RepairInvalid(_("Choose one of this item's variants."))
    if target is None:
        raise RepairInvalid(_("The ordered item has no variant in the catalogue to send again."))
    stock = Variant.objects.select_for_update().get(pk=target.pk)
    if stock.stock is not None and stock.stock < line.quantity:
        raise RepairOutOfStock(
            _("“%(item)s” is out of stock: choose another variant or a refund.") % {"item": str(stock)},
            sku=stock.sku,
        )
    catalog_stock.move(stock.pk, -line.quantity, StockMovement.Reason.EXCHANGE, return_line_id=line.pk)
    order = _linked_order(repair, line, stock)
    repair.replacement_order = order
    repair.save(update_fields=["replacement_order", "updated_at"])
    record_event(
        repair,
        "replacement_shipped",
        actor=actor,
        actor_label="system",
        data={"order": order.number, "sku": stock.sku, "quantity": line.quantity},
    )
    return order


def _linked_order(repair: Repair, line: ReturnLine, stock: Variant) -> Order:
    original = line.ret.order
    count = Order.objects.filter(
        store_id=original.store_id, number__startswith=f"{original.number}-F"
    ).count()
    price = Decimal(stock.price) * line.quantity
    return linked_order(
        original,
        number=f"{original.number}-F{count + 1}",
        source="repair_replacement",
        stock=stock,
        quantity=line.quantity,
        seller=line.order_line.seller,
        financial_status=Order.FinancialStatus.PAID,  # a remedy: the shopper owes nothing
        subtotal=price,
        total=Decimal(0),
        line_discount=price,
    )
