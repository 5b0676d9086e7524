"""``POST /api/v1/returns/{number}/refund``: pay a return back, once per ``Idempotency-Key``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema
from ninja.responses import Status

from retour.api.v1.returns import find_return, require
from retour.core.money import Money
from retour.refunds.domain.timing import expected_refund_date
from retour.refunds.models import Refund, RefundRequest
from retour.refunds.services.paying import request_refund

router = Router(tags=["refunds"])


class RefundIn(Schema):
    method: str = "original"  # original | store_credit


class TenderOut(Schema):
    id: int
    gateway: str
    amount: Decimal
    status: str
    reference: str
    expected_by: date | None


class RefundOut(Schema):
    idempotency_key: str
    method: str
    amount: Decimal
    currency: str
    fees: Decimal
    breakdown: dict[str, object]
    refunds: list[TenderOut]
    paid_on: date | None  # once every tender is paid
    legal_due_on: date | None  # a withdrawal's refund deadline it was held to
    days_late: int
    late_surcharge: Decimal  # France, L242-4: owed for paying it late


def _amount(value: Decimal, currency: str) -> Decimal:
    """In the currency's minor unit, whatever scale the database returns (120.00, not 120.0000)."""
    return Money(Decimal(value), currency).rounded().amount


def _tender(refund: Refund, country: str) -> TenderOut:
    zone = refund.order.store.zone  # the store's day, not the server's
    sent = timezone.localdate(refund.completed_at or timezone.now(), zone)
    expected = (
        expected_refund_date(refund.gateway, sent, country).latest if refund.status != "failed" else None
    )
    return TenderOut(
        id=refund.pk,
        gateway=refund.gateway,
        amount=_amount(refund.amount, refund.currency),
        status=refund.status,
        reference=refund.provider_reference,
        expected_by=expected,
    )


def present(request: RefundRequest) -> RefundOut:
    country = request.store.country  # business days of the store's country
    return RefundOut(
        idempotency_key=request.idempotency_key,
        method=request.method,
        amount=_amount(request.amount, request.currency),
        currency=request.currency,
        fees=_amount(request.fees, request.currency),
        breakdown=request.breakdown,
        refunds=[_tender(refund, country) for refund in request.refunds.order_by("id")],
        paid_on=request.paid_on,
        legal_due_on=request.legal_due_on,
        days_late=request.days_late,
        late_surcharge=_amount(request.late_surcharge, request.currency),
    )


@router.post("/{number}/refund", response={200: RefundOut, 201: RefundOut}, summary="Refund a return")
def refund(
    request: HttpRequest,
    number: str,
    body: RefundIn | None = None,
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # type: ignore[type-arg]
    store: str | None = None,
) -> Status[RefundOut]:
    """Computed from what was paid for the accepted units. Send an ``Idempotency-Key``: the same key again
    returns the first answer and pays nothing more."""
    require(request, "returns.refund_return", _("You may not refund returns."))
    ret = find_return(request, number, store)
    made, created = request_refund(
        ret, idempotency_key=idempotency_key, method=body.method if body else "original", actor=request.user
    )
    return Status(201 if created else 200, present(made))
