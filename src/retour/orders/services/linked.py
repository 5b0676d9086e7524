"""Orders Retour makes for a shopper from one of theirs: an exchange's new item, a repair's replacement."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from retour.catalog.models import Seller, Variant
from retour.orders.models import Order, OrderLine


def linked_order(
    original: Order,
    *,
    number: str,
    source: str,
    stock: Variant,
    quantity: int,
    seller: Seller,
    financial_status: str,
    subtotal: Decimal,
    total: Decimal,
    line_discount: Decimal,
) -> Order:
    """A new order of ``original``'s shopper (customer, language, currency, addresses), placed now, of one
    line: ``quantity`` of ``stock`` at its price, sold by ``seller``."""
    order = Order.objects.create(
        store_id=original.store_id,
        number=number,
        customer=original.customer,
        email=original.email,
        language=original.language,
        currency=original.currency,
        ordered_at=timezone.now(),
        financial_status=financial_status,
        subtotal=subtotal,
        total=total,
        shipping_country=original.shipping_country,
        shipping_postal_code=original.shipping_postal_code,
        billing_country=original.billing_country,
        source=source,
    )
    OrderLine.objects.create(
        order=order,
        position=1,
        product_id=stock.product_id,
        variant=stock,
        seller=seller,
        sku=stock.sku,
        title=str(stock),
        quantity=quantity,
        unit_price=stock.price,
        line_discount=line_discount,
    )
    return order
