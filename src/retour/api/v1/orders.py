from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.errors import PermissionDenied
from retour.api.scope import one_store, seller_scope
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.importers.json_orders import OrderIn, to_record
from retour.orders.models import Order, OrderLine
from retour.orders.services.importing import import_orders
from retour.returns import queries
from retour.sellers.queries import orders_of, returns_of

router = Router(tags=["orders"])


class OrderImported(Schema):
    number: str
    status: str  # created | updated | unchanged
    lines: int


class OrderRejected(DomainError):
    code = "order_invalid"
    status = 422


@router.post("", response={200: OrderImported, 201: OrderImported}, summary="Create or update an order")
def put_order(request: HttpRequest, order: OrderIn, store: str | None = None) -> Status[OrderImported]:
    """Idempotent on the store's order number: sending the same order again changes nothing, an updated
    order (e.g. now fulfilled) is updated in place."""
    if not request.user.has_perm("orders.add_order") or not request.user.has_perm("orders.change_order"):
        raise PermissionDenied(_("You may not import orders."))
    target = one_store(request, store)
    record = to_record(order)
    report = import_orders(target, [record])
    if not report.ok:
        raise OrderRejected(
            _("The order is not consistent."),
            errors=[{"field": error.column, "message": error.message} for error in report.errors],
        )
    status = "created" if report.created else "updated" if report.updated else "unchanged"
    body = OrderImported(number=order.number, status=status, lines=report.lines)
    return Status(201 if report.created else 200, body)


class OrderNotFound(DomainError):
    code = "order_not_found"
    status = 404


class OrderLineOut(Schema):
    id: int  # the ``order_line`` of a return request
    position: int
    sku: str
    title: str
    category: str
    seller: str  # the marketplace seller's code; "" for the store itself
    quantity: int
    unit_price: Decimal
    paid: Decimal  # what the shopper paid for the line: after its discounts, tax as the prices carry it
    final_sale: bool
    personalised: bool
    delivered_units: int
    delivered_on: date | None
    in_returns: int  # units already in open returns
    returnable_units: int  # what a return may ask for now
    not_returnable_because: str  # "not_delivered", "in_return", or "" when units can go back


class OrderOut(Schema):
    number: str
    store: str
    currency: str
    ordered_at: datetime
    email: str
    language: str
    lines: list[OrderLineOut]
    returns: list[str]  # the numbers of its returns, newest first


@router.get("/{number}", response=OrderOut, summary="An order with its lines and what can be returned")
def get_order(request: HttpRequest, number: str, store: str | None = None) -> OrderOut:
    """Before ``POST /api/v1/returns``: each line's id, and how many of its units can go back now (the
    same rule as the shopper's portal)."""
    if not request.user.has_perm("orders.view_order"):
        raise PermissionDenied(_("You may not read orders."))
    seller = seller_scope(request)
    reached = orders_of(seller) if seller is not None else Order.objects.all()
    order = reached.filter(store=one_store(request, store), number=number).select_related("store").first()
    if order is None:
        raise OrderNotFound(_("The store has no order %(number)s.") % {"number": number})
    currency = order.currency
    return OrderOut(
        number=order.number,
        store=order.store.code,
        currency=currency,
        ordered_at=order.ordered_at,
        email=order.email,
        language=order.language,
        lines=[
            OrderLineOut(
                id=status.line.pk,
                position=status.line.position,
                sku=status.line.sku,
                title=status.line.title,
                category=status.line.product.category.slug
                if status.line.product and status.line.product.category
                else "",
                seller=status.line.seller.code if status.line.seller else "",
                quantity=status.line.quantity,
                unit_price=Money(Decimal(status.line.unit_price), currency).rounded().amount,
                paid=Money(_paid(status.line, order), currency).rounded().amount,
                final_sale=status.line.final_sale,
                personalised=status.line.personalised,
                delivered_units=status.units.delivered,
                delivered_on=status.delivered_on,
                in_returns=status.units.in_returns,
                returnable_units=status.can.units,
                not_returnable_because=status.can.why_not,
            )
            for status in queries.order_lines(order)
            if seller is None or status.line.seller_id == seller.pk
        ],
        returns=list(
            (order.returns if seller is None else returns_of(seller).filter(order=order))
            .order_by("-created_at", "-id")
            .values_list("number", flat=True)
        ),
    )


def _paid(line: OrderLine, order: Order) -> Decimal:
    return line.net + (Decimal(0) if order.tax_included else Decimal(line.tax))
