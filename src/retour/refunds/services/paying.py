"""Paying a refund exactly once.

1. Under row locks (the return, then the order's payments), with the idempotency key checked again
   inside them: compute the amount, check it against what is still refundable on each payment
   (captured - succeeded - pending refunds, cumulatively), and save the request with one pending
   ``Refund`` per tender, in priority order (gift card back to gift card, then the rest in payment order).
   Commit: from here nothing can be paid that is not written down.
2. Call each gateway (outside any transaction: a provider call never holds a lock), then record the
   result and its ledger transaction. A crash between the two leaves the refund pending; the
   ``reconcile_pending_refunds`` task asks the provider with the same idempotency key and completes it.

The same key again returns the first request, whatever its state; concurrent requests with one key
queue on the return's row lock and the losers read the winner's request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Payment
from retour.refunds import gateways
from retour.refunds.domain import ledger
from retour.refunds.domain.timing import expected_refund_date
from retour.refunds.gateways.base import FAILED, PENDING, SUCCEEDED, GatewayResult
from retour.refunds.models import LedgerEntry, LedgerTransaction, Refund, RefundRequest
from retour.refunds.services.amounts import REFUNDABLE_STATES, compute
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.timeline import Actor, locked, record_event, user_of

METHODS = ("original", "store_credit")
RECONCILE_AFTER = timedelta(minutes=1)


class RefundRefused(DomainError):
    code = "refund_refused"
    status = 409


class RefundExceedsRefundable(DomainError):
    code = "refund_exceeds_refundable"
    status = 409


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    status = 400


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


def refundable(payment: Payment) -> Decimal:
    """Captured minus what succeeded or is still pending on this payment."""
    spoken_for = Refund.objects.filter(payment=payment, status__in=[PENDING, SUCCEEDED]).aggregate(
        total=AmountSum("amount")
    )["total"]
    return Decimal(payment.amount) - Decimal(spoken_for or 0)


def _priority(payment: Payment) -> tuple[int, int]:
    return (
        0 if gateways.gateway_name(payment.method, payment.gateway) == gateways.GIFT_CARD else 1,
        payment.position,
    )


def _existing(ret: Return, key: str) -> RefundRequest | None:
    found = RefundRequest.objects.filter(store_id=ret.store_id, idempotency_key=key).first()
    if found is not None and found.ret_id != ret.pk:
        raise IdempotencyKeyReused(_("This idempotency key was used for another return."))
    return found


def request_refund(
    ret: Return, *, idempotency_key: str, method: str = "original", actor: Actor = None
) -> tuple[RefundRequest, bool]:
    """Refund ``ret`` once. Returns the request and whether this call created it."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 255:
        raise IdempotencyKeyRequired(_("An Idempotency-Key of 1 to 255 characters is required."))
    if method not in METHODS:
        raise RefundRefused(_("Refund to the original payment or as store credit."))
    found = _existing(ret, key)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            request = _create(ret, key, method, actor)
    except IntegrityError:  # another process made it between our check and our insert
        found = _existing(ret, key)
        if found is None:
            raise
        return found, False
    if request is None:  # made by a concurrent call while we waited for the lock
        found = _existing(ret, key)
        assert found is not None
        return found, False
    for refund in request.refunds.all():
        attempt(refund)
    return request, True


def _create(ret: Return, key: str, method: str, actor: Actor) -> RefundRequest | None:
    current = locked(ret)
    payments = list(
        Payment.objects.select_for_update().filter(order_id=current.order_id).order_by("position")
    )
    if RefundRequest.objects.filter(store_id=current.store_id, idempotency_key=key).exists():
        return None
    if current.state not in REFUNDABLE_STATES:
        raise RefundRefused(
            _("A return that is %(state)s cannot be refunded.") % {"state": Return.State(current.state).label}
        )
    if RefundRequest.objects.filter(ret=current, refunds__status__in=[PENDING, SUCCEEDED]).exists():
        raise RefundRefused(_("This return has already been refunded."))
    computed = compute(current)
    total = computed.breakdown.total
    if not computed.units and not total.amount:
        raise RefundRefused(_("Nothing in this return has been accepted for a refund yet."))
    request = RefundRequest.objects.create(
        store_id=current.store_id,
        ret=current,
        idempotency_key=key,
        method=method,
        amount=total.amount,
        currency=total.currency,
        fees=computed.breakdown.fees.amount,
        breakdown=computed.as_json(),
        requested_by=user_of(actor),
    )
    if method == "store_credit":
        credit = total + computed.bonus
        _add(request, None, gateways.STORE_CREDIT, credit.amount, 0)
    else:
        _split(request, payments, total)
    record_event(
        current,
        "refund_requested",
        actor=actor,
        data={"amount": str(total.amount), "currency": total.currency, "method": method},
    )
    return request


def _split(request: RefundRequest, payments: Sequence[Payment], total: Money) -> None:
    left = total.amount
    available = sum((refundable(p) for p in payments), Decimal(0))
    if left > available:
        raise RefundExceedsRefundable(
            _("%(amount)s is more than is left to refund on this order (%(left)s).")
            % {
                "amount": total.rounded().format(),
                "left": Money(available, total.currency).rounded().format(),
            },
            amount=str(total.amount),
            refundable=str(available),
        )
    for index, payment in enumerate(sorted(payments, key=_priority)):
        if left <= 0:
            break
        share = min(left, refundable(payment))
        if share > 0:
            _add(request, payment, gateways.gateway_name(payment.method, payment.gateway), share, index)
            left -= share
    if left > 0 or total.amount == 0:
        # No captured payment (an order paid elsewhere) or nothing to pay: one manual row says so.
        _add(request, None, "manual", left, len(payments))


def _add(
    request: RefundRequest, payment: Payment | None, gateway: str, amount: Decimal, index: int
) -> Refund:
    return Refund.objects.create(
        request=request,
        order_id=request.ret.order_id,
        payment=payment,
        gateway=gateway,
        amount=amount,
        currency=request.currency,
        idempotency_key=f"retour-{request.store_id}-{request.idempotency_key}-{index}",
    )


def attempt(refund: Refund) -> Refund:
    """Ask the refund's gateway to pay it (again: the gateway is idempotent on the row), then record it."""
    if refund.status != PENDING:
        return refund
    if refund.amount == 0:
        return _record(refund, GatewayResult(SUCCEEDED, reference="nothing-to-pay"))
    gateway = gateways.named(refund.gateway)
    first = refund.attempts == 0 and not refund.provider_reference
    result = gateway.refund(refund) if first else gateway.retrieve(refund)
    return _record(refund, result)


def _record(refund: Refund, result: GatewayResult) -> Refund:
    with transaction.atomic():
        row = Refund.objects.select_for_update().select_related("request", "order").get(pk=refund.pk)
        if row.status != PENDING:
            return row
        row.attempts += 1
        row.provider_reference = result.reference or row.provider_reference
        row.last_error = result.error
        if result.status in (SUCCEEDED, FAILED):
            row.status = result.status
            row.completed_at = timezone.now()
        row.save()
        if row.status == SUCCEEDED:
            _post(row)
            _resolve_when_paid(row)
        elif row.status == FAILED:
            record_event(row.request.ret, "refund_failed", data={"amount": str(row.amount)})
        elif row.gateway != "manual" and row.attempts == 1:  # the provider answers later: ask again
            transaction.on_commit(enqueue_reconcile)
    return row


def _post(refund: Refund) -> None:
    currency = refund.currency
    amount = Money(Decimal(refund.amount), currency)
    request = refund.request
    first = not LedgerTransaction.objects.filter(refund__request=request, memo="refund").exists()
    fees = Money(Decimal(request.fees), currency) if first else Money.zero(currency)
    if refund.gateway in (gateways.STORE_CREDIT, gateways.GIFT_CARD):
        bonus = Money(Decimal(request.breakdown.get("store_credit_bonus", "0")), currency)
        bonus = (
            bonus
            if refund.gateway == gateways.STORE_CREDIT and request.method == "store_credit"
            else Money.zero(currency)
        )
        account = (
            ledger.STORE_CREDIT_LIABILITY
            if refund.gateway == gateways.STORE_CREDIT
            else ledger.GIFT_CARD_LIABILITY
        )
        _save(refund, ledger.refund(amount - bonus, fees, paid_to=account))
        if bonus.amount:
            _save(refund, ledger.store_credit_bonus(bonus))
    else:
        _save(refund, ledger.refund(amount, fees))
    if first:  # a marketplace seller's items: the platform recovers what it paid back from the seller
        for code, owed in request.breakdown.get("sellers", {}).items():
            if Decimal(owed) > 0:
                _save(
                    refund, ledger.seller_charged_back(Money(Decimal(owed), currency)), memo=f"seller {code}"
                )


def _save(refund: Refund, entry: ledger.Transaction, memo: str = "") -> None:
    row = LedgerTransaction.objects.create(
        memo=(memo or entry.memo)[:64],
        store_id=refund.request.store_id,
        refund=refund,
        currency=refund.currency,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=row, account=p.account, debit=p.debit.amount, credit=p.credit.amount)
        for p in entry.postings
    )


def _resolve_when_paid(refund: Refund) -> None:
    request = refund.request
    if request.refunds.exclude(status=SUCCEEDED).exists():
        return
    ret = request.ret
    order = ret.order
    country = (order.shipping_country or order.billing_country or order.store.country).upper()
    slowest = max(
        (
            expected_refund_date(r.gateway, timezone.localdate(), country).latest
            for r in request.refunds.all()
        ),
        default=timezone.localdate(),
    )
    record_event(
        ret,
        "refunded",
        data={
            "amount": str(request.amount),
            "method": request.method,
            "expected_by": slowest.isoformat(),
        },
    )
    current = Return.objects.get(pk=ret.pk)
    kept = all(line.resolution == "keep" for line in current.lines.all())
    outcome = "kept" if kept else "store_credit" if request.method == "store_credit" else "refunded"
    if states.can_resolve(current.state, outcome):  # a partial refund before inspection leaves it open
        handling.resolve(current, outcome)


def enqueue_reconcile() -> None:
    """Ask the providers again in a minute (then the periodic job keeps asking)."""
    from retour.refunds.tasks import reconcile_pending_refunds  # the task module imports this one

    reconcile_pending_refunds.using(run_after=timezone.now() + RECONCILE_AFTER).enqueue()


def confirm_manual(refund: Refund, *, actor: Actor) -> Refund:
    """Staff say the money was sent by hand."""
    if refund.gateway != "manual":
        raise RefundRefused(_("Only a manual refund is confirmed by hand."))
    row = _record(refund, GatewayResult(SUCCEEDED, reference=f"manual-{refund.pk}"))
    Refund.objects.filter(pk=row.pk, confirmed_by__isnull=True).update(confirmed_by=user_of(actor))
    return row


def reconcile_pending(limit: int = 500) -> int:
    """Ask providers about pending refunds (not manual ones: those wait for staff). Safe to run twice."""
    done = 0
    for refund in Refund.objects.filter(status=PENDING).exclude(gateway="manual").order_by("id")[:limit]:
        if attempt(refund).status != PENDING:
            done += 1
    return done


def refunds_for(ret: Return) -> list[Refund]:
    return list(Refund.objects.filter(request__ret=ret).select_related("request").order_by("id"))
