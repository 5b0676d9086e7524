"""The facts a policy decides from, read off an imported order line.

``facts_for_line`` only reads attributes: load the lines through ``with_fact_relations`` (or select and
prefetch the same relations) so that it runs no query of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from retour.core.fields import AMOUNT_PLACES
from retour.orders.models import Order, OrderLine, Shipment
from retour.policies.customer_history import history_as_of
from retour.policies.domain.facts import NO_HISTORY, Facts

SELECT_RELATED = ("order__store", "order__customer", "product__category", "seller", "shipment")
PREFETCH_RELATED = ("order__payments", "order__shipments")


def with_fact_relations(lines: QuerySet[OrderLine]) -> QuerySet[OrderLine]:
    """``lines`` with everything ``facts_for_line`` reads loaded: three queries for any number of lines."""
    return lines.select_related(*SELECT_RELATED).prefetch_related(*PREFETCH_RELATED)


def facts_for_line(
    line: OrderLine,
    *,
    requested_at: date,
    condition: str,
    reason: str,
    quantity: int | None = None,
) -> Facts:
    """The facts of returning ``quantity`` units (all of them by default) of ``line``.

    The unit price is what the shopper paid for a unit (``paid_unit_price``): the policy's conditions and
    thresholds look at that, and the amounts of the decision come from the same paid parts (the services
    replace them with ``returns.services.amounts``' quote). Dates are calendar dates in the store's time zone.
    The customer's history (``returns_last_365d``…) is read as of ``requested_at``, that day excluded,
    through ``policies.customer_history``: the one part that runs queries of its own.
    """
    order = line.order
    store = order.store
    zone = store.zone
    customer = order.customer
    product = line.product
    category = product.category if product is not None else None
    history = NO_HISTORY
    # A customer not saved (a preview, a test's object) has no history to read.
    if customer is not None and not customer._state.adding and requested_at != date.min:
        history = history_as_of(customer.pk, requested_at)
    return Facts(
        country=_country(order),
        currency=order.currency,
        category=category.slug if category is not None else "",
        unit_price=paid_unit_price(line),
        quantity=line.quantity if quantity is None else quantity,
        ordered_at=_local_date(order.ordered_at, zone),
        delivered_at=_delivered_on(line, order, zone),
        requested_at=requested_at,
        condition=condition,
        reason=reason,
        is_gift=order.is_gift,
        member=bool(customer is not None and customer.is_member),
        final_sale=line.final_sale or bool(product is not None and product.final_sale),
        personalised=line.personalised or bool(product is not None and product.personalised),
        tags=_tags(product.tags if product is not None else None),
        seller=line.seller.code,
        payment_method=_payment_method(order),
        segment=customer.segment if customer is not None else "",
        returns_last_365d=history.returns_last_365d,
        orders_365d=history.orders_365d,
        return_rate_365d=history.return_rate_365d,
        net_spend_365d=history.net_spend_365d,
        customer_segment=history.customer_segment,
    )


def paid_unit_price(line: OrderLine) -> Decimal:
    """What the shopper paid for one unit of ``line``: its price after its own discount and its share of
    the order's, with the tax added on top when prices exclude it; to the places an amount is stored with
    (so that a decision replayed from its stored facts sees the same price)."""
    paid = line.net + (Decimal(0) if line.order.tax_included else Decimal(line.tax))
    step = Decimal(1).scaleb(-AMOUNT_PLACES)
    return (paid / max(line.quantity, 1)).quantize(step, ROUND_HALF_UP)


def _country(order: Order) -> str:
    """Where the shopper is, as far as the order tells: shipped to, billed to, the customer, the store."""
    customer_country = order.customer.country if order.customer is not None else ""
    return (
        order.shipping_country or order.billing_country or customer_country or order.store.country
    ).upper()


def _local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _delivered_on(line: OrderLine, order: Order, zone: ZoneInfo) -> date | None:
    """The delivery of the line's own parcel when the line knows it, else the order's last delivery.

    A line that names its shipment is delivered when that shipment is, whatever its order's other
    parcels did: another parcel's delivery says nothing about this item.
    """
    own: Shipment | None = line.shipment
    if own is not None:
        return _local_date(own.delivered_at, zone) if own.delivered_at is not None else None
    deliveries = [s.delivered_at for s in order.shipments.all() if s.delivered_at is not None]
    return _local_date(max(deliveries), zone) if deliveries else None


def _tags(tags: object) -> frozenset[str]:
    if isinstance(tags, str):  # a single tag, or a shop platform's comma-separated list
        tags = tags.split(",")
    if not isinstance(tags, Iterable):
        return frozenset()
    return frozenset(text for tag in tags if (text := str(tag).strip()))


def _payment_method(order: Order) -> str:
    first = min(order.payments.all(), key=lambda payment: payment.position, default=None)
    return first.method if first is not None else ""


def delivered_on(line: OrderLine) -> date | None:
    """The day (store time) the line's items reached the shopper, or None while they are on their way."""
    return _delivered_on(line, line.order, line.order.store.zone)
