"""Paying a refund exactly once.

1. Under row locks (the return, then the order's payments), with the idempotency key checked again
   inside them: compute the amount (the accepted units no earlier refund of the return covered), check it
   against what is still refundable on each payment (captured - succeeded - pending refunds,
   cumulatively), and save the request with one pending ``Refund`` per tender, in priority order (gift
   card back to gift card, then the rest in payment order). Store credit is counted against the payments
   in the same order, so it never exceeds what they captured; the policy's bonus comes on top. The
   request is promised in the ledger (refunds payable). Commit: from here nothing can be paid that is not
   written down.
2. Call each gateway (outside any transaction: a provider call never holds a lock), then record the
   result and its ledger transaction. A crash between the two leaves the refund pending; the
   ``reconcile_pending_refunds`` task asks the provider with the same idempotency key and completes it.

The same key again returns the first request, whatever its state; concurrent requests with one key
queue on the return's row lock and the losers read the winner's request. The key, the gateway call, the
recording and the retries are the payment-attempt lifecycle (``attempts``); this module says what a
refund is: its amount, its tenders, its ledger and its return's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Order, Payment
from retour.refunds import gateways
from retour.refunds.domain import ledger
from retour.refunds.domain.timing import expected_refund_date
from retour.refunds.errors import IdempotencyKeyRequired as IdempotencyKeyRequired
from retour.refunds.errors import IdempotencyKeyReused as IdempotencyKeyReused
from retour.refunds.gateways.base import PENDING, SUCCEEDED
from retour.refunds.models import Refund, RefundRequest
from retour.refunds.services import attempts, books, deadlines, labels, refund_ledger, settle
from retour.refunds.services.attempts import RECONCILE_AFTER as RECONCILE_AFTER
from retour.refunds.services.attempts import enqueue_reconcile as enqueue_reconcile
from retour.returns.models import Return
from retour.returns.services.amounts import REFUNDABLE_STATES, compute
from retour.returns.services.timeline import Actor, locked, record_event, user_of

METHODS = ("original", "store_credit")


class RefundRefused(DomainError):
    code = "refund_refused"
    status = 409


class RefundExceedsRefundable(DomainError):
    code = "refund_exceeds_refundable"
    status = 409


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
    key = attempts.require_key(idempotency_key)
    if method not in METHODS:
        raise RefundRefused(_("Refund to the original payment or as store credit."))
    request, created = attempts.once(lambda: _existing(ret, key), lambda: _create(ret, key, method, actor))
    if created:
        for refund in request.refunds.all():
            attempt(refund)
    return request, created


def _create(ret: Return, key: str, method: str, actor: Actor) -> RefundRequest | None:
    current = locked(ret)
    payments = list(
        Payment.objects.select_for_update().filter(order_id=current.order_id).order_by("position")
    )
    if RefundRequest.objects.filter(store_id=current.store_id, idempotency_key=key).exists():
        return None
    _check(current, method)
    computed = compute(current)
    if not computed.anything:
        refunded = RefundRequest.objects.filter(ret=current, refunds__status__in=[PENDING, SUCCEEDED])
        raise RefundRefused(
            _("Everything accepted in this return has already been refunded.")
            if refunded.exists()
            else _("Nothing in this return has been accepted for a refund yet.")
        )
    total = computed.breakdown.total
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
    credit = method == "store_credit"
    _split(
        request,
        payments,
        total,
        order_id=current.order_id,
        store_credit=credit,
        bonus=computed.bonus if credit else None,
    )
    refund_ledger.promised(request, computed)
    labels.book_label_cost(current)
    record_event(
        current,
        "refund_requested",
        actor=actor,
        data={"amount": str(total.amount), "currency": total.currency, "method": method},
    )
    return request


def _check(current: Return, method: str) -> None:
    if current.state not in REFUNDABLE_STATES:
        raise RefundRefused(
            _("A return that is %(state)s cannot be refunded.") % {"state": Return.State(current.state).label}
        )
    if method == "store_credit" and current.order.customer_id is None:
        raise RefundRefused(_("Store credit needs a customer account, and this order has none."))


def _split(
    request: RefundRequest,
    payments: Sequence[Payment],
    total: Money,
    *,
    order_id: int,
    store_credit: bool = False,
    bonus: Money | None = None,
) -> None:
    """One pending refund per payment, in priority order, each at most what is left on it: back to the
    payment's own gateway, or all as store credit (which is counted against the payments all the same, so
    it can never exceed what they captured; the bonus comes on top, with the first tender)."""
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
    extra = bonus.amount if bonus is not None and total.amount > 0 else Decimal(0)
    for index, payment in enumerate(sorted(payments, key=_priority)):
        if left <= 0:
            break
        share = min(left, refundable(payment))
        if share > 0:
            gateway = (
                gateways.STORE_CREDIT
                if store_credit
                else gateways.gateway_name(payment.method, payment.gateway)
            )
            _add(request, order_id, payment, gateway, share, index, bonus=extra)
            left -= share
            extra = Decimal(0)
    if total.amount == 0:  # nothing to pay (the fees took it all): one row says so
        _add(request, order_id, None, gateways.MANUAL, Decimal(0), len(payments))


def _add(
    request: RefundRequest,
    order_id: int,
    payment: Payment | None,
    gateway: str,
    amount: Decimal,
    index: int,
    *,
    bonus: Decimal = Decimal(0),
) -> Refund:
    return Refund.objects.create(
        request=request,
        order_id=order_id,
        payment=payment,
        gateway=gateway,
        amount=amount,
        bonus=bonus,
        currency=request.currency,
        idempotency_key=f"retour-{request.store_id}-{request.idempotency_key}-{index}",
    )


def open_payout(
    order: Order,
    amount: Money,
    *,
    idempotency_key: str,
    charged_to: str,
    reference: str,
    actor: Actor = None,
) -> RefundRequest:
    """A payout that is no return's refund (a guarantee claim's), written down once per key: paid back to
    the order's payments like a refund (gift card first, each at most what is left on it, the same
    gateways and provider keys), promised in the ledger at the cost of ``charged_to`` under
    ``reference``. Call inside the transaction that decides it; then ``pay`` it once that commits. The
    same key returns the first request, unchanged."""
    found = RefundRequest.objects.filter(store_id=order.store_id, idempotency_key=idempotency_key).first()
    if found is not None:
        return found
    payments = list(Payment.objects.select_for_update().filter(order_id=order.pk).order_by("position"))
    total = amount.rounded()
    request = RefundRequest.objects.create(
        store_id=order.store_id,
        ret=None,
        idempotency_key=idempotency_key,
        method="original",
        amount=total.amount,
        currency=total.currency,
        breakdown={
            "total": str(total.amount),
            "order": order.number,
            "charged_to": charged_to,
            "reference": reference,
        },
        requested_by=user_of(actor),
    )
    _split(request, payments, total, order_id=order.pk)
    books.post(
        ledger.payout_promised(total, charged_to=charged_to),
        store_id=order.store_id,
        currency=total.currency,
        request=request,
        reference=reference,
    )
    return request


def pay(request: RefundRequest) -> RefundRequest:
    """Ask the gateways for every tender of ``request`` still pending (outside any transaction)."""
    for refund in request.refunds.filter(status=PENDING).order_by("id"):
        attempt(refund)
    return request


def attempt(refund: Refund) -> Refund:
    """Ask the refund's gateway to pay it (again: the gateway is idempotent on the row), then record it."""
    return attempts.attempt(LIFECYCLE, refund)


def _lock(refund: Refund) -> Refund:
    ret_id = Refund.objects.filter(pk=refund.pk).values_list("request__ret_id", flat=True).get()
    if ret_id is not None:  # the return first, as _create does (a payout has none)
        Return.objects.select_for_update().filter(pk=ret_id).first()
    return Refund.objects.select_for_update().select_related("request", "order").get(pk=refund.pk)


def _settled(row: Refund) -> None:
    if row.status == SUCCEEDED:
        refund_ledger.paid(row)
        _when_all_paid(row.request)
    else:
        refund_ledger.failed(row)
        if row.request.ret is not None:
            record_event(row.request.ret, "refund_failed", data={"amount": str(row.amount)})


LIFECYCLE = attempts.Lifecycle(
    model=Refund,
    first=lambda gateway, refund: gateway.refund(refund),
    again=lambda gateway, refund: gateway.retrieve(refund),
    lock=_lock,
    settled=_settled,
)


def _when_all_paid(request: RefundRequest) -> None:
    if request.refunds.exclude(status=SUCCEEDED).exists():
        return
    ret = request.ret
    if ret is None:  # a payout: its owner (a claim) follows it; no return to resolve, no deadline
        request.paid_on = timezone.localdate(timezone.now(), request.store.zone)
        request.save(update_fields=["paid_on"])
        return
    refund_ledger.charged_back_to_sellers(request)
    store = ret.store
    paid_on = timezone.localdate(timezone.now(), store.zone)
    late = deadlines.record_paid(request, paid_on)
    slowest = max(
        (expected_refund_date(r.gateway, paid_on, store.country).latest for r in request.refunds.all()),
        default=paid_on,
    )
    data: dict[str, object] = {
        "amount": str(request.amount),
        "method": request.method,
        "expected_by": slowest.isoformat(),
    }
    bonus = sum((Decimal(r.bonus) for r in request.refunds.all()), Decimal(0))
    if bonus:  # store credit: the policy's bonus comes on top of the amount, as the shopper was told
        data["bonus"] = str(bonus)
    if late is not None:
        data |= {"days_late": late.days_late, "late_surcharge": str(late.amount.amount)}
    record_event(ret, "refunded", data=data)
    settle.resolve_if_settled(ret)


def confirm_manual(refund: Refund, *, actor: Actor) -> Refund:
    """Staff say the money was sent by hand."""
    if refund.gateway != gateways.MANUAL:
        raise RefundRefused(_("Only a manual refund is confirmed by hand."))
    return attempts.confirm_by_hand(LIFECYCLE, refund, actor=actor, reference=f"manual-{refund.pk}")


def reconcile_pending(limit: int = 500) -> int:
    """Ask providers about pending refunds (not manual ones: those wait for staff). Safe to run twice."""
    return attempts.reconcile_pending(LIFECYCLE, limit)


def refunds_for(ret: Return) -> list[Refund]:
    return list(Refund.objects.filter(request__ret=ret).select_related("request").order_by("id"))
