from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.errors import PermissionDenied
from retour.api.scope import one_store
from retour.core.errors import DomainError
from retour.orders.importers.json_orders import OrderIn, to_record
from retour.orders.services.importing import import_orders

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
