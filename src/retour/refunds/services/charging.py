"""Charging a shopper exactly once: for an exchange (a dearer item's difference, or an instant exchange
whose return never came back), or for a repair out of guarantee (``open_for_repair``: its accepted quote,
or a declined quote's diagnosis fee; the repairs app says what is owed and is told the outcome through
``on_repair_charge_settled``).

The same payment-attempt lifecycle as a refund (``attempts``). Under the exchange's row lock, with the
key checked again inside it, what is still owed (the exchange order's total less the charges pending or
collected) is written down as one pending ``Charge``; after commit the gateway is called outside any
transaction and the result recorded: collected, it becomes a payment of the exchange order and is posted
to the ledger. A crash in between leaves the charge pending; ``reconcile_pending`` asks the provider again
with the same idempotency key.
Manual charges are payments due that staff mark as collected.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Customer, Order, Payment
from retour.refunds import gateways
from retour.refunds.domain import ledger
from retour.refunds.errors import IdempotencyKeyReused
from retour.refunds.gateways.base import PENDING, SUCCEEDED
from retour.refunds.models import Charge
from retour.refunds.services import attempts, books
from retour.refunds.services.store_credit import NotEnoughStoreCredit, balance
from retour.returns.models import Exchange, Return
from retour.returns.services.timeline import Actor, record_event, user_of

METHODS = ("original", "store_credit", "manual")
PAYMENT_METHODS = {gateways.STORE_CREDIT: "store_credit", gateways.STRIPE: "card", gateways.MANUAL: "manual"}


class ChargeRefused(DomainError):
    code = "charge_refused"
    status = 409


def _charged(exchange: Exchange, total: Money, *statuses: str) -> Money:
    """``total`` less the exchange's charges in ``statuses``."""
    rows = Charge.objects.filter(exchange=exchange, status__in=statuses)
    return total - Money(Decimal(rows.aggregate(t=AmountSum("amount"))["t"] or 0), total.currency)


def _total(exchange: Exchange) -> Money:
    """What the exchange order costs the shopper, as the database has it now."""
    total, currency = Order.objects.values_list("total", "currency").get(pk=exchange.order_id)
    return Money(Decimal(total), currency)


def owed(exchange: Exchange) -> Money:
    """What the shopper still has to pay for the exchange (pending charges included)."""
    return _charged(exchange, _total(exchange), SUCCEEDED)


def outstanding(exchange: Exchange) -> Money:
    """What no charge asks for yet."""
    return _charged(exchange, _total(exchange), SUCCEEDED, PENDING)


def unpaid_on(ret: Return) -> bool:
    return any(owed(x).amount > 0 for x in ret.exchanges.select_related("order"))


def _tender(order: Order, method: str) -> tuple[str, str]:
    """The gateway for ``method`` and, for the original payment, the payment of ``order`` (the shopper's
    original order) it charges again."""
    if method == "store_credit":
        return gateways.STORE_CREDIT, ""
    if method == "original":
        for payment in order.payments.order_by("position"):
            if gateways.gateway_name(payment.method, payment.gateway) == gateways.STRIPE:
                return gateways.STRIPE, payment.reference
    return gateways.MANUAL, ""


def check_method(customer: Customer | None, method: str, amount: Money) -> None:
    """Refuse a way of paying that cannot pay ``amount`` (before anything is written down)."""
    if method not in METHODS:
        raise ChargeRefused(_("Pay with the original payment, store credit or by hand."))
    if method == "store_credit" and amount.amount > 0:
        available = balance(customer, amount.currency) if customer else Money.zero(amount.currency)
        if available.amount < amount.amount:
            raise NotEnoughStoreCredit(
                _("Only %(available)s of store credit is available.") % {"available": available.format()},
                available=str(available.amount),
            )


def open_charge(
    exchange: Exchange, *, reason: str, key: str, method: str = "original", actor: Actor = None
) -> Charge | None:
    """Write down what is still to be asked for on ``exchange`` as one pending charge. Call inside a
    transaction holding the exchange's row lock. The same key returns its charge; None when nothing is
    outstanding."""
    found = Charge.objects.filter(idempotency_key=key).first()
    if found is not None:
        return found
    amount = outstanding(exchange)
    if amount.amount <= 0:
        return None
    gateway, source = _tender(exchange.ret.order, method)
    return Charge.objects.create(
        store_id=exchange.ret.store_id,
        exchange=exchange,
        order_id=exchange.order_id,
        reason=reason,
        gateway=gateway,
        amount=amount.rounded().amount,
        currency=amount.currency,
        idempotency_key=key,
        source_reference=source,
        requested_by=user_of(actor),
    )


def charge_exchange(
    exchange: Exchange, *, idempotency_key: str, method: str = "original", actor: Actor = None
) -> tuple[Charge, bool]:
    """Ask for what is still owed on ``exchange`` (after a failed charge, or to pay another way), once
    per key. Returns the charge and whether this call made it."""
    key = attempts.require_key(idempotency_key)
    full = f"retour-charge-{exchange.ret.store_id}-{key}"

    def find() -> Charge | None:
        found = Charge.objects.filter(idempotency_key=full).first()
        if found is not None and found.exchange_id != exchange.pk:
            raise IdempotencyKeyReused(_("This idempotency key was used for another exchange."))
        return found

    def create() -> Charge | None:
        row = Exchange.objects.select_for_update().select_related("order", "ret__order").get(pk=exchange.pk)
        if find() is not None:
            return None
        check_method(row.ret.order.customer, method, outstanding(row))
        reason = Charge.Reason.UNRETURNED if row.charged_at else Charge.Reason.DIFFERENCE
        charge = open_charge(row, reason=reason, key=full, method=method, actor=actor)
        if charge is None:
            raise ChargeRefused(_("Nothing is owed on this exchange."))
        return charge

    charge, created = attempts.once(find, create)
    return (attempt(charge), True) if created else (charge, False)


def attempt(charge: Charge) -> Charge:
    """Ask the charge's gateway to collect it (again: idempotent on the row), then record the result."""
    return attempts.attempt(LIFECYCLE, charge)


def open_for_repair(
    *,
    store_id: int,
    repair_id: int,
    order: Order,
    reason: str,
    amount: Money,
    key: str,
    method: str = "original",
    actor: Actor = None,
) -> Charge:
    """Write down ``amount`` owed for a repair as one pending charge of its original ``order``. Call
    inside a transaction holding the repair's row lock (the repairs app computes what is owed under it).
    The same key returns its charge, unchanged."""
    found = Charge.objects.filter(idempotency_key=key).first()
    if found is not None:
        if found.repair_id != repair_id:
            raise IdempotencyKeyReused(_("This idempotency key was used for another charge."))
        return found
    if amount.amount <= 0:
        raise ChargeRefused(_("Nothing is owed on this repair."))
    check_method(order.customer, method, amount)
    gateway, source = _tender(order, method)
    return Charge.objects.create(
        store_id=store_id,
        repair_id=repair_id,
        order=order,
        reason=reason,
        gateway=gateway,
        amount=amount.rounded().amount,
        currency=amount.currency,
        idempotency_key=key,
        source_reference=source,
        requested_by=user_of(actor),
    )


_repair_settled: list[Callable[[Charge], None]] = []


def on_repair_charge_settled(callback: Callable[[Charge], None]) -> None:
    """``callback(charge)`` when a repair's charge is collected or fails, in the same transaction (the
    repairs app writes the repair's event and the shopper's email); refunds never import repairs."""
    if callback not in _repair_settled:
        _repair_settled.append(callback)


def _lock(charge: Charge) -> Charge:
    if charge.exchange_id is not None:
        # An exchange's rows first (the exchange, its orders, the return), in the order charge_exchange
        # takes them, then the charge's own: the same order everywhere, no deadlock.
        Exchange.objects.select_for_update().select_related("order", "ret__order").get(pk=charge.exchange_id)
    # The charge's row alone here: its exchange is now a nullable join, which PostgreSQL does not lock.
    return (
        Charge.objects.select_for_update(of=("self",))
        .select_related("order", "exchange__ret", "exchange__line")
        .get(pk=charge.pk)
    )


def _settled(row: Charge) -> None:
    if row.status == SUCCEEDED:
        row.payment = _collected(row)
        row.save(update_fields=["payment"])
    if row.exchange is None:
        for callback in _repair_settled:
            callback(row)
        return
    record_event(
        row.exchange.ret,
        "exchange_paid" if row.status == SUCCEEDED else "exchange_charge_failed",
        line=row.exchange.line,
        reason=row.last_error,
        data={"order": row.order.number, "amount": str(row.amount), "gateway": row.gateway},
    )


LIFECYCLE = attempts.Lifecycle(
    model=Charge,
    first=lambda gateway, charge: gateway.charge(charge),
    again=lambda gateway, charge: gateway.retrieve_charge(charge),
    lock=_lock,
    settled=_settled,
)


def _collected(charge: Charge) -> Payment:
    """The charge as a payment of its order, in the ledger (store credit books its own use). The exchange
    order's financial status follows; a repair's original order keeps its own (its refunds set it)."""
    order = Order.objects.select_for_update().get(pk=charge.order_id)
    payment = Payment.objects.create(
        order=order,
        position=order.payments.count(),
        method=PAYMENT_METHODS.get(charge.gateway, "manual"),
        gateway=charge.gateway,
        reference=charge.provider_reference,
        amount=charge.amount,
        captured_at=timezone.now(),
    )
    if charge.gateway != gateways.STORE_CREDIT:
        books.post(
            ledger.charge_collected(Money(Decimal(charge.amount), charge.currency)),
            store_id=charge.store_id,
            currency=charge.currency,
            charge=charge,
        )
    if charge.exchange_id is None:
        return payment
    paid = Decimal(order.payments.aggregate(t=AmountSum("amount"))["t"] or 0)
    order.financial_status = (
        Order.FinancialStatus.PAID if paid >= Decimal(order.total) else Order.FinancialStatus.PARTIALLY_PAID
    )
    order.save(update_fields=["financial_status", "updated_at"])
    return payment


def confirm_collected(charge: Charge, *, actor: Actor) -> Charge:
    """Staff say the shopper paid a manual charge."""
    if charge.gateway != gateways.MANUAL:
        raise ChargeRefused(_("Only a manual charge is marked as collected by hand."))
    return attempts.confirm_by_hand(LIFECYCLE, charge, actor=actor, reference=f"manual-charge-{charge.pk}")


def reconcile_pending(limit: int = 500) -> int:
    """Ask providers about pending charges (manual ones wait for staff). Safe to run twice."""
    return attempts.reconcile_pending(LIFECYCLE, limit)
