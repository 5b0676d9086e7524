"""``/api/v1/orders/{number}/withdrawal``: record a shopper's withdrawal from the contract on their behalf
(a phone call, a letter), with the same rules as the portal's withdrawal function."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.errors import PermissionDenied
from retour.api.scope import one_store
from retour.core.errors import DomainError
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.withdrawing import withdraw, withdrawable

router = Router(tags=["withdrawals"])


class OrderNotFound(DomainError):
    code = "order_not_found"
    status = 404


class WithdrawalIn(Schema):
    name: str
    email: str
    lines: list[int] | None = None  # order line ids; none given: every item the right still covers
    language: str = ""


class CoveredLine(Schema):
    order_line: int
    title: str
    quantity: int
    legal_basis: str


class WithdrawalOut(Schema):
    order: str
    ret: str
    at: datetime
    name: str
    email: str
    lines: list[int]


def _order(request: HttpRequest, number: str, store: str | None) -> Order:
    if not request.user.has_perm("returns.add_return"):
        raise PermissionDenied(_("You may not record withdrawals."))
    order = Order.objects.filter(store=one_store(request, store), number=number).first()
    if order is None:
        raise OrderNotFound(_("The store has no order %(number)s.") % {"number": number})
    return order


@router.get("/{number}/withdrawal", response=list[CoveredLine], summary="What the right of withdrawal covers")
def covered(request: HttpRequest, number: str, store: str | None = None) -> list[CoveredLine]:
    return [
        CoveredLine(
            order_line=item.line.pk,
            title=item.line.title,
            quantity=item.request.quantity,
            legal_basis=item.decision.legal_basis or "",
        )
        for item in withdrawable(_order(request, number, store))
    ]


@router.post("/{number}/withdrawal", response={201: WithdrawalOut}, summary="Record a withdrawal")
def post_withdrawal(
    request: HttpRequest, number: str, body: WithdrawalIn, store: str | None = None
) -> Status[WithdrawalOut]:
    """Refused (``not_withdrawable``) when the right does not cover a line today; honours an
    ``Idempotency-Key`` header (the same statement twice is recorded once)."""
    order = _order(request, number, store)
    lines = body.lines if body.lines is not None else [item.line.pk for item in withdrawable(order)]
    statement = withdraw(
        order,
        lines,
        name=body.name,
        email=body.email,
        language=body.language,
        channel=Return.Channel.API,
        actor=request.user,
        request_key=request.headers.get("Idempotency-Key", "")[:64],
    )
    return Status(
        201,
        WithdrawalOut(
            order=order.number,
            ret=statement.ret.number,
            at=statement.at,
            name=statement.name,
            email=statement.email,
            lines=[line.order_line_id for line in statement.ret.lines.all()],
        ),
    )
