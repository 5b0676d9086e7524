"""``/api/v1/returns/{number}/…``: what a shopper pays for an exchange (a dearer item's difference, an
instant exchange never returned): ask for it once per ``Idempotency-Key``, mark a manual one collected."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema
from ninja.responses import Status

from retour.api.v1.returns import find_return, require
from retour.core.money import Money
from retour.refunds.models import Charge
from retour.refunds.services import charging
from retour.returns.errors import ReturnInvalid
from retour.returns.models import Exchange

router = Router(tags=["charges"])


class ChargeIn(Schema):
    method: str = "original"  # original | store_credit | manual


class ChargeOut(Schema):
    id: int
    exchange_order: str
    reason: str
    gateway: str
    amount: Decimal
    currency: str
    status: str
    reference: str
    error: str
    created_at: datetime
    completed_at: datetime | None


def present(charge: Charge) -> ChargeOut:
    return ChargeOut(
        id=charge.pk,
        exchange_order=charge.order.number,
        reason=charge.reason,
        gateway=charge.gateway,
        amount=Money(Decimal(charge.amount), charge.currency).rounded().amount,
        currency=charge.currency,
        status=charge.status,
        reference=charge.provider_reference,
        error=charge.last_error,
        created_at=charge.created_at,
        completed_at=charge.completed_at,
    )


@router.get("/{number}/charges", response=list[ChargeOut], summary="What was charged for the exchanges")
def list_charges(request: HttpRequest, number: str, store: str | None = None) -> list[ChargeOut]:
    ret = find_return(request, number, store)
    return [
        present(c) for c in Charge.objects.filter(exchange__ret=ret).select_related("order").order_by("id")
    ]


@router.post(
    "/{number}/exchanges/{line_id}/charge",
    response={200: ChargeOut, 201: ChargeOut},
    summary="Charge what is still owed for an exchange",
)
def charge(
    request: HttpRequest,
    number: str,
    line_id: int,
    body: ChargeIn | None = None,
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # type: ignore[type-arg]
    store: str | None = None,
) -> Status[ChargeOut]:
    """After a failed charge, or to pay another way (``store_credit``, ``manual``). The same key again
    returns the first answer and charges nothing more."""
    require(request, "returns.refund_return", _("You may not charge shoppers."))
    ret = find_return(request, number, store)
    exchange = Exchange.objects.filter(ret=ret, line_id=line_id).select_related("order", "ret").first()
    if exchange is None:
        raise ReturnInvalid(_("This line of the return has not been exchanged."))
    made, created = charging.charge_exchange(
        exchange,
        idempotency_key=idempotency_key,
        method=body.method if body else "original",
        actor=request.user,
    )
    return Status(201 if created else 200, present(made))


@router.post(
    "/{number}/charges/{charge_id}/collected",
    response=ChargeOut,
    summary="Mark a manual charge as collected",
)
def collected(request: HttpRequest, number: str, charge_id: int, store: str | None = None) -> ChargeOut:
    """Staff say the shopper paid (a bank transfer, the shop's card terminal). Saying it twice changes
    nothing."""
    require(request, "returns.refund_return", _("You may not confirm payments."))
    ret = find_return(request, number, store)
    found = Charge.objects.filter(pk=charge_id, exchange__ret=ret).first()
    if found is None:
        raise ReturnInvalid(_("This return has no such charge."))
    return present(charging.confirm_collected(found, actor=request.user))
