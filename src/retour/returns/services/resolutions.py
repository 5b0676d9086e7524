"""Resolutions other than money: an exchange (a linked order for another variant), a replacement, a repair,
and keeping the item. Each one is atomic: out of stock, nothing changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog.models import Variant
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.refunds.domain.calculation import exchange_difference, units_share
from retour.returns.domain import states
from retour.returns.errors import ReturnInvalid, TransitionRefused
from retour.returns.models import Exchange, Return, ReturnLine
from retour.returns.services import handling
from retour.returns.services.timeline import Actor, locked, record_event


class OutOfStock(DomainError):
    code = "out_of_stock"
    status = 409


def instant_exchange_days() -> int:
    return int(getattr(settings, "INSTANT_EXCHANGE_DAYS", 14))


def _paid_for(line: ReturnLine) -> Money:
    ordered = line.order_line
    currency = line.ret.order.currency
    return units_share(Money(Decimal(ordered.net), currency), ordered.quantity, 0, line.quantity)


def exchange(
    ret: Return, line: ReturnLine, variant: Variant | None = None, *, actor: Actor, instant: bool = False
) -> Exchange:
    """Ship ``variant`` (the same one by default: a replacement) in a new order linked to the return.

    Same price: nothing due; dearer: the difference is due; cheaper: it is refunded with the return.
    """
    kind = "exchange" if variant is not None else "replacement"
    with transaction.atomic():
        current = locked(ret)
        line = ReturnLine.objects.select_related("order_line__variant", "ret__order").get(
            pk=line.pk, ret=current
        )
        allowed = (
            (states.APPROVED, states.LABEL_ISSUED, states.IN_TRANSIT) if instant else (states.INSPECTED,)
        )
        if current.state not in allowed:
            raise TransitionRefused(
                _("A return that is %(state)s cannot be exchanged now.")
                % {"state": Return.State(current.state).label}
            )
        if Exchange.objects.filter(line=line).exists():
            raise ReturnInvalid(_("This item has already been exchanged."))
        target = variant or line.order_line.variant
        if target is None:
            raise ReturnInvalid(_("The ordered item has no variant in the catalogue to send again."))
        stock = Variant.objects.select_for_update().get(pk=target.pk, store_id=current.store_id)
        if stock.stock is not None and stock.stock < line.quantity:
            raise OutOfStock(
                _("“%(item)s” is out of stock: %(left)d left, %(wanted)d needed.")
                % {"item": str(stock), "left": max(stock.stock, 0), "wanted": line.quantity}
            )
        if stock.stock is not None:
            stock.stock -= line.quantity
            stock.save(update_fields=["stock"])
        order = current.order
        currency = order.currency
        price = Money(Decimal(stock.price), currency) * line.quantity
        difference = (
            Money.zero(currency) if kind == "replacement" else exchange_difference(_paid_for(line), price)
        )
        count = Exchange.objects.filter(ret__order=order).count() + 1
        new = Order.objects.create(
            store_id=current.store_id,
            number=f"{order.number}-X{count}",
            customer=order.customer,
            email=order.email,
            language=order.language,
            currency=currency,
            ordered_at=timezone.now(),
            financial_status=Order.FinancialStatus.PENDING
            if difference.amount > 0
            else Order.FinancialStatus.PAID,
            subtotal=price.amount,
            total=max(difference.amount, Decimal(0)),
            shipping_country=order.shipping_country,
            shipping_postal_code=order.shipping_postal_code,
            billing_country=order.billing_country,
            source="exchange",
        )
        OrderLine.objects.create(
            order=new,
            position=1,
            product_id=stock.product_id,
            variant=stock,
            seller=line.order_line.seller,
            sku=stock.sku,
            title=str(stock),
            quantity=line.quantity,
            unit_price=stock.price,
            line_discount=Decimal(0) if kind == "exchange" else price.amount,
        )
        made = Exchange.objects.create(
            ret=current,
            line=line,
            order=new,
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
            data={"order": new.number, "difference": str(difference.amount), "instant": instant},
        )
    return made


def repair(ret: Return, line: ReturnLine, *, actor: Actor, note: str = "") -> Return:
    """The item is repaired and sent back: the return resolves as repaired."""
    with transaction.atomic():
        record_event(ret, "repair", actor=actor, line=line, reason=note)
        return handling.resolve(ret, "repaired", actor=actor, reason=note)


def close_exchanged(ret: Return, *, actor: Actor) -> Return:
    """Resolve a return whose lines were all exchanged or replaced once it has been inspected."""
    lines = list(ret.lines.all())
    kinds = set(Exchange.objects.filter(line__in=lines).values_list("kind", flat=True))
    if not kinds or Exchange.objects.filter(line__in=lines).count() != len(lines):
        raise ReturnInvalid(_("Every item of the return must be exchanged or replaced first."))
    return handling.resolve(ret, "exchanged" if "exchange" in kinds else "replaced", actor=actor)


def charge_unreturned_instant_exchanges(now: datetime | None = None) -> int:
    """An instant exchange shipped before the return arrived is charged when the return has not shipped
    within the allowed days and the exchange did ship. Once: ``charged_at`` is set under a row lock."""
    now = now or timezone.now()
    limit = now - timedelta(days=instant_exchange_days())
    charged = 0
    due = Exchange.objects.filter(
        instant=True,
        charged_at__isnull=True,
        ret__state__in=[*states.AWAITING_SHIPMENT, states.EXPIRED, states.CANCELLED],
        ret__approved_at__lte=limit,
        order__fulfillment_status=Order.FulfillmentStatus.FULFILLED,
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            row = (
                Exchange.objects.select_for_update()
                .select_related("ret", "order", "line__order_line")
                .get(pk=pk)
            )
            if row.charged_at is not None:
                continue
            amount = Money(Decimal(row.order.subtotal), row.order.currency)
            row.charged_at = now
            row.save(update_fields=["charged_at"])
            Order.objects.filter(pk=row.order_id).update(
                financial_status=Order.FinancialStatus.PENDING, total=amount.amount
            )
            record_event(
                row.ret,
                "exchange_charged",
                actor_label="system",
                line=row.line,
                data={"order": row.order.number, "amount": str(amount.amount)},
                at=now,
            )
            charged += 1
    return charged
