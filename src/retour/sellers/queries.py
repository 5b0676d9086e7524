"""What one seller reaches, and nothing more: its orders, returns and claims.

Every seller page and every API call made with a seller account's token reads through these. An object
outside them is not found, exactly as one that does not exist (the isolation test checks it).
"""

from __future__ import annotations

from django.db.models import QuerySet

from retour.catalog.models import Seller
from retour.claims.models import Claim
from retour.orders.models import Order, OrderLine
from retour.returns.models import Return, ReturnLine


def claims_of(seller: Seller) -> QuerySet[Claim]:
    return Claim.objects.filter(seller=seller, store_id=seller.store_id)


def orders_of(seller: Seller) -> QuerySet[Order]:
    """Orders with at least one of the seller's lines (the seller sees its own lines of them only)."""
    return Order.objects.filter(
        store_id=seller.store_id, pk__in=OrderLine.objects.filter(seller=seller).values("order_id")
    )


def lines_of(seller: Seller, order: Order) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order=order, seller=seller)


def returns_of(seller: Seller) -> QuerySet[Return]:
    """Returns whose every line is of the seller's items: a return that also carries another seller's
    items is the marketplace's to handle, not one seller's."""
    others = ReturnLine.objects.exclude(order_line__seller=seller).values("ret_id")
    return Return.objects.filter(
        store_id=seller.store_id, pk__in=ReturnLine.objects.filter(order_line__seller=seller).values("ret_id")
    ).exclude(pk__in=others)
