"""When the shopper should see the money, and the legal deadlines staff must keep, for one return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from retour.core.money import Money
from retour.orders.models import Order
from retour.policies.domain.vocabulary import region_of
from retour.refunds import gateways
from retour.refunds.domain.timing import (
    Expected,
    Surcharge,
    expected_after_sending,
    expected_refund_date,
    legal_refund_deadline,
    surcharge_schedule,
)
from retour.returns.models import Return


@dataclass(frozen=True)
class Deadlines:
    country: str
    expected: Expected  # if the refund were sent today, by the order's first way of paying
    legal_due: date | None  # EU/EEA and UK: 14 days after the withdrawal (the request)
    may_wait_for_goods: bool
    surcharge: list[tuple[date, Surcharge]]  # France only: each step of L242-4 before it is owed


def _legal_rate() -> Decimal | None:
    try:
        return Decimal(settings.FR_LEGAL_INTEREST_RATE) if settings.FR_LEGAL_INTEREST_RATE else None
    except InvalidOperation:
        return None


def _country(order: Order) -> str:
    return (order.shipping_country or order.billing_country or order.store.country).upper()


def _refund_method(order: Order) -> str:
    """The gateway that pays back the order's first way of paying (what "the original payment" means)."""
    payment = order.payments.order_by("position").first()
    return gateways.gateway_name(payment.method, payment.gateway) if payment is not None else "manual"


def expected_for_new_return(
    order: Order, *, store_credit: bool, returnless: bool, today: date | None = None
) -> Expected:
    """What the shopper is told before confirming: when the money should arrive if they send it today."""
    today = today or timezone.localdate(timezone.now(), order.store.zone)
    method = gateways.STORE_CREDIT if store_credit else _refund_method(order)
    return expected_after_sending(method, today, _country(order), returnless=returnless)


def for_return(ret: Return, today: date | None = None) -> Deadlines:
    order = ret.order
    country = _country(order)
    today = today or timezone.localdate(timezone.now(), order.store.zone)
    expected = expected_refund_date(_refund_method(order), today, country)
    if region_of(country) == "other":
        return Deadlines(country, expected, None, False, [])
    requested_on = timezone.localdate(ret.created_at, order.store.zone)
    legal = legal_refund_deadline(requested_on)
    schedule: list[tuple[date, Surcharge]] = []
    if country == "FR":
        amount = Money(
            sum(
                (Decimal(line.decision.refund_amount) for line in ret.lines.select_related("decision")),
                Decimal(0),
            ),
            order.currency,
        )
        rate = _legal_rate()
        schedule = surcharge_schedule(amount, legal.due, legal_rate=rate if rate is not None else Decimal(0))
        if rate is None:
            schedule = [(day, step) for day, step in schedule if step.rule != "legal_interest"]
    return Deadlines(country, expected, legal.due, legal.may_wait_for_goods, schedule)
