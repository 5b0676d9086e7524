"""Resolutions other than money: an exchange (a linked order for another variant), a replacement, a repair,
and keeping the item. Each one is atomic: out of stock, nothing changes.

A dearer exchange charges the difference (through ``hooks.exchange_payments``, which the refunds app
registers: refunds are downstream of returns) and is closed only once it is paid; a cheaper one refunds it
with the return, which closes it. An instant exchange ships before the return arrives and is closed only
once the return was received and inspected; it is charged in full when the return did not ship within
``INSTANT_EXCHANGE_DAYS`` of the approval while the exchange did.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog import stock as catalog_stock
from retour.catalog.models import StockMovement, Variant
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Order
from retour.orders.services.linked import linked_order
from retour.returns import hooks
from retour.returns.domain import states
from retour.returns.domain.refund_calculation import exchange_difference, units_share
from retour.returns.errors import ExchangeUnpaid, ReturnInvalid, TransitionRefused
from retour.returns.models import Exchange, Return, ReturnEvent, ReturnLine
from retour.returns.services import handling
from retour.returns.services.amounts import left_to_refund
from retour.returns.services.timeline import Actor, locked, record_event

# A return has shipped once it is in transit (a carrier's scan) or has arrived.
SHIPPED = (states.IN_TRANSIT, states.RECEIVED)
# Why an exchange is charged (the refunds app's ``Charge.Reason``).
DIFFERENCE, UNRETURNED = "difference", "unreturned"
INSTANT_STATES = (states.APPROVED, states.LABEL_ISSUED, states.IN_TRANSIT)


class OutOfStock(DomainError):
    code = "out_of_stock"
    status = 409


class DifferenceToRefund(DomainError):
    code = "difference_to_refund"
    status = 409


def instant_exchange_days() -> int:
    return int(getattr(settings, "INSTANT_EXCHANGE_DAYS", 14))


def _paid_for(line: ReturnLine) -> Money:
    ordered = line.order_line
    currency = line.ret.order.currency
    return units_share(Money(Decimal(ordered.net), currency), ordered.quantity, 0, line.quantity)


def exchange(
    ret: Return,
    line: ReturnLine,
    variant: Variant | None = None,
    *,
    actor: Actor,
    instant: bool = False,
    pay_with: str = "original",
) -> Exchange:
    """Ship ``variant`` (by default the one the shopper chose for an exchange, else the same one: a
    replacement) in a new order linked to the return.

    Same price: nothing due; dearer: the difference is charged ``pay_with`` the original payment (its card
    through Stripe, else a payment due that staff collect), store credit, or by hand; cheaper: it is
    refunded with the return.
    """
    with transaction.atomic():
        current = locked(ret)
        line = ReturnLine.objects.select_related("order_line__variant", "ret__order", "exchange_variant").get(
            pk=line.pk, ret=current
        )
        _check_exchangeable(current, line, instant)
        variant = variant or chosen_variant(line)
        target = variant or line.order_line.variant
        if target is None:
            raise ReturnInvalid(_("The ordered item has no variant in the catalogue to send again."))
        stock = _take(target, current.store_id, line.quantity, line.pk)
        kind = "exchange" if variant is not None else "replacement"
        price = Money(Decimal(stock.price), current.order.currency) * line.quantity
        difference = (
            Money.zero(price.currency)
            if kind == "replacement"
            else exchange_difference(_paid_for(line), price)
        )
        payments = hooks.exchange_payments()
        payments.check_method(current.order.customer, pay_with, difference)
        made = Exchange.objects.create(
            ret=current,
            line=line,
            order=_exchange_order(current, line, stock, price, difference, kind),
            variant=stock,
            kind=kind,
            instant=instant,
            difference=difference.amount,
        )
        record_event(
            current,
            kind,
            actor=actor,
            line=line,
            data={"order": made.order.number, "difference": str(difference.amount), "instant": instant},
        )
        charge = payments.open_charge(
            made,
            reason=DIFFERENCE,
            key=f"retour-charge-{current.store_id}-exchange-{made.pk}-difference",
            method=pay_with,
            actor=actor,
        )
    if charge is not None:  # the provider is called after commit, never under a lock
        payments.attempt(charge)
    return made


def chosen_variant(line: ReturnLine) -> Variant | None:
    """The variant the shopper chose for an exchange: what is sent when staff name no other (the admin's
    action and the API alike)."""
    return line.exchange_variant if line.resolution == "exchange" else None


def _check_exchangeable(current: Return, line: ReturnLine, instant: bool) -> None:
    allowed = INSTANT_STATES if instant else (states.INSPECTED,)
    if current.state not in allowed:
        raise TransitionRefused(
            _("A return that is %(state)s cannot be exchanged now.")
            % {"state": Return.State(current.state).label}
        )
    if Exchange.objects.filter(line=line).exists():
        raise ReturnInvalid(_("This item has already been exchanged."))


def _take(target: Variant, store_id: int, quantity: int, return_line_id: int) -> Variant:
    """Take ``quantity`` of ``target`` from stock under its row lock (the movement recorded), or refuse
    with nothing changed."""
    stock = Variant.objects.select_for_update().get(pk=target.pk, store_id=store_id)
    if stock.stock is not None and stock.stock < quantity:
        raise OutOfStock(
            _("“%(item)s” is out of stock: %(left)d left, %(wanted)d needed.")
            % {"item": str(stock), "left": max(stock.stock, 0), "wanted": quantity}
        )
    catalog_stock.move(stock.pk, -quantity, StockMovement.Reason.EXCHANGE, return_line_id=return_line_id)
    stock.refresh_from_db(fields=["stock"])
    return stock


def _exchange_order(
    current: Return, line: ReturnLine, stock: Variant, price: Money, difference: Money, kind: str
) -> Order:
    order = current.order
    count = Exchange.objects.filter(ret__order=order).count() + 1
    return linked_order(
        order,
        number=f"{order.number}-X{count}",
        source="exchange",
        stock=stock,
        quantity=line.quantity,
        seller=line.order_line.seller,
        financial_status=Order.FinancialStatus.PENDING
        if difference.amount > 0
        else Order.FinancialStatus.PAID,
        subtotal=price.amount,
        total=max(difference.amount, Decimal(0)),
        line_discount=Decimal(0) if kind == "exchange" else price.amount,
    )


def _inspected(current: Return, message: str) -> None:
    if current.state != states.INSPECTED:
        raise TransitionRefused(
            message % {"state": Return.State(current.state).label},
            current=current.state,
            target=states.RESOLVED,
        )


def repair(ret: Return, line: ReturnLine, *, actor: Actor, note: str = "") -> Return:
    """The item is repaired and sent back: the return resolves as repaired, once it has been inspected."""
    with transaction.atomic():
        current = locked(ret)
        _inspected(current, _("Only an inspected return is resolved as repaired; this one is %(state)s."))
        line = ReturnLine.objects.get(pk=line.pk, ret=current)
        hooks.exchange_payments().book_label_cost(current)
        record_event(current, "repair", actor=actor, line=line, reason=note)
        return handling.resolve(current, "repaired", actor=actor, reason=note)


def close_exchanged(ret: Return, *, actor: Actor) -> Return:
    """Resolve a return whose lines were all exchanged or replaced, once it has been inspected (for an
    instant exchange: once its return came back), every difference due is paid and every difference owed
    to the shopper refunded."""
    with transaction.atomic():
        current = locked(ret)
        lines = list(current.lines.all())
        made = list(Exchange.objects.filter(line__in=lines).select_related("order"))
        if not made or len(made) != len(lines):
            raise ReturnInvalid(_("Every item of the return must be exchanged or replaced first."))
        if any(x.instant for x in made):
            _inspected(
                current,
                _(
                    "An instant exchange is closed once its return has arrived and been "
                    "inspected; this one is %(state)s."
                ),
            )
        _inspected(current, _("Only an inspected return is closed as exchanged; this one is %(state)s."))
        payments = hooks.exchange_payments()
        _paid(made, payments)
        if payments.refund_pending(current) or left_to_refund(current):
            raise DifferenceToRefund(
                _("The price difference is still to be refunded: refund the return, which closes it.")
            )
        payments.book_label_cost(current)
        kinds = {x.kind for x in made}
        return handling.resolve(current, "exchanged" if "exchange" in kinds else "replaced", actor=actor)


def _paid(made: list[Exchange], payments: hooks.ExchangePayments) -> None:
    for x in made:
        owed = payments.owed(x)
        if owed.amount > 0:
            raise ExchangeUnpaid(
                _("%(amount)s is still to be paid for the exchange order %(order)s.")
                % {"amount": owed.rounded().format(), "order": x.order.number},
                amount=str(owed.amount),
                order=x.order.number,
            )


def charge_unreturned_instant_exchanges(now: datetime | None = None) -> int:
    """Charge every instant exchange whose return did not ship within the allowed days of its approval
    while the exchange did ship, whatever state the return moved to since. Once: ``charged_at`` is set
    under the exchange's row lock, and the charge's key is the exchange's."""
    now = now or timezone.now()
    days = instant_exchange_days()
    in_time = ReturnEvent.objects.filter(
        ret=OuterRef("ret"),
        to_state__in=SHIPPED,
        at__lte=ExpressionWrapper(
            OuterRef("ret__approved_at") + timedelta(days=days), output_field=DateTimeField()
        ),
    )
    due = (
        Exchange.objects.filter(
            instant=True,
            charged_at__isnull=True,
            ret__approved_at__lte=now - timedelta(days=days),
            order__fulfillment_status=Order.FulfillmentStatus.FULFILLED,
        )
        .exclude(Exists(in_time))
        .values_list("pk", flat=True)
    )
    charged = 0
    for pk in list(due):
        charge = _charge_unreturned(pk, now)
        if charge is not None:
            hooks.exchange_payments().attempt(charge)
            charged += 1
    return charged


def _charge_unreturned(pk: int, now: datetime) -> object | None:
    with transaction.atomic():
        row = Exchange.objects.select_for_update().select_related("ret", "order", "line").get(pk=pk)
        if row.charged_at is not None:
            return None
        row.charged_at = now
        row.save(update_fields=["charged_at"])
        row.order.total = row.order.subtotal  # the shopper keeps both items: the new one is owed in full
        row.order.financial_status = (
            Order.FinancialStatus.PARTIALLY_PAID
            if row.order.payments.exists()
            else Order.FinancialStatus.PENDING
        )
        row.order.save(update_fields=["total", "financial_status", "updated_at"])
        charge = hooks.exchange_payments().open_charge(
            row,
            reason=UNRETURNED,
            key=f"retour-charge-{row.ret.store_id}-exchange-{pk}-unreturned",
        )
        record_event(
            row.ret,
            "exchange_charged",
            actor_label="system",
            line=row.line,
            data={"order": row.order.number, "amount": str(getattr(charge, "amount", 0))},
            at=now,
        )
    return charge
