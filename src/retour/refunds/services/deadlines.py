"""When the shopper should see the money, and the legal deadlines staff must keep, for one return.

Expected dates count the business days of the store's country. The legal deadline applies only to a
withdrawal (a line decided under ``eu_withdrawal`` or ``uk_cancellation``): the refund is due 14 days
after it, and unless there is nothing to wait for, the trader may hold it until the goods are back or the
shopper shows proof of sending them (the parcel in transit). France adds the L242-4 surcharge for a late
refund: its steps are shown before they are owed, and what is owed is recorded when a refund is paid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from retour.core.aggregates import AmountSum
from retour.core.money import Money
from retour.orders.models import Order
from retour.refunds import gateways
from retour.refunds.domain.timing import (
    Expected,
    LegalDeadline,
    Surcharge,
    expected_after_sending,
    expected_refund_date,
    france_late_refund_surcharge,
    legal_refund_deadline,
    refund_due_by,
    surcharge_schedule,
)
from retour.refunds.models import RefundRequest
from retour.returns.domain import states
from retour.returns.domain.refund_calculation import WITHDRAWAL_BASES
from retour.returns.models import Return, Withdrawal
from retour.returns.services import amounts


@dataclass(frozen=True)
class Deadlines:
    country: str  # the shopper's: whose law applies
    expected: Expected  # if the refund were sent today, by the order's first way of paying
    legal_due: date | None  # a withdrawal: 14 days after it (the request)
    may_wait_for_goods: bool
    surcharge: list[tuple[date, Surcharge]]  # France only: each step of L242-4 before it is owed
    legal_basis: str = ""  # the withdrawal right the deadline comes from
    goods_back_on: date | None = None
    proof_of_sending_on: date | None = None  # the parcel in transit (a carrier scan, a tracking number)
    refund_due_by: date | None = None  # a refund is late after this; None while the trader may still wait
    surcharge_owed: Money | None = None  # France: owed on refunds already paid late


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
    return expected_after_sending(method, today, order.store.country.upper(), returnless=returnless)


def withdrawal_basis(ret: Return) -> str:
    """The withdrawal right a line of ``ret`` was decided under, if any."""
    for line in ret.lines.select_related("decision", "inspection_decision"):
        if line.final_decision.legal_basis in WITHDRAWAL_BASES:
            return line.final_decision.legal_basis
    return ""


def _local(ret: Return, moment: object) -> date:
    return timezone.localdate(moment, ret.store.zone)  # type: ignore[arg-type]


def _withdrawn_on(ret: Return) -> date:
    """The day the shopper withdrew: their statement, or the return's request."""
    statement = Withdrawal.objects.filter(ret=ret).first()
    return _local(ret, statement.at if statement is not None else ret.created_at)


def _first(ret: Return, state: str) -> date | None:
    event = ret.events.filter(to_state=state).order_by("at", "id").first()
    return _local(ret, event.at) if event is not None else None


def _legal(ret: Return) -> LegalDeadline:
    deadline = legal_refund_deadline(_withdrawn_on(ret))
    if ret.return_method == Return.Method.KEEP:  # nothing comes back: nothing to wait for
        return replace(deadline, may_wait_for_goods=False)
    return deadline


def for_return(ret: Return, today: date | None = None) -> Deadlines:
    order = ret.order
    country = _country(order)
    today = today or timezone.localdate(timezone.now(), order.store.zone)
    expected = expected_refund_date(_refund_method(order), today, order.store.country.upper())
    basis = withdrawal_basis(ret)
    if not basis:
        return Deadlines(country, expected, None, False, [])
    legal = _legal(ret)
    goods = _first(ret, states.RECEIVED)
    proof = _first(ret, states.IN_TRANSIT)
    due_by = refund_due_by(legal, min((d for d in (goods, proof) if d is not None), default=None))
    schedule: list[tuple[date, Surcharge]] = []
    owed: Money | None = None
    if country == "FR":
        schedule = _schedule(ret, due_by or legal.due)
        total = RefundRequest.objects.filter(ret=ret).aggregate(t=AmountSum("late_surcharge"))["t"]
        owed = Money(Decimal(total or 0), order.currency)
    return Deadlines(
        country, expected, legal.due, legal.may_wait_for_goods, schedule, basis, goods, proof, due_by, owed
    )


def _schedule(ret: Return, due: date) -> list[tuple[date, Surcharge]]:
    """The surcharge's steps from ``due`` (the 14-day date while the trader may still wait: the earliest
    they can start), on what the return refunds as it was quoted (``amounts.owed``): the amount a refund
    pays, one fee for the return."""
    amount = amounts.owed(ret)
    rate = _legal_rate()
    schedule = surcharge_schedule(amount, due, legal_rate=rate if rate is not None else Decimal(0))
    if rate is None:  # the first step needs the legal rate, which the operator has not set
        schedule = [(day, step) for day, step in schedule if step.rule != "legal_interest"]
    return schedule


def record_paid(request: RefundRequest, paid_on: date) -> Surcharge | None:
    """Write on a request just paid in full the deadline it was held to and, paid late to a French
    shopper, the L242-4 surcharge now owed (shown to staff). Returns the surcharge when one is owed."""
    assert request.ret is not None  # a return's refund: a payout (no return) has no legal deadline
    found = for_return(request.ret, paid_on)
    request.paid_on = paid_on
    request.legal_due_on = found.refund_due_by
    late = (paid_on - found.refund_due_by).days if found.refund_due_by is not None else 0
    request.days_late = max(late, 0)
    surcharge = None
    if found.country == "FR" and found.refund_due_by is not None and late > 0:
        rate = _legal_rate()
        surcharge = france_late_refund_surcharge(
            Money(Decimal(request.amount), request.currency),
            found.refund_due_by,
            paid_on,
            legal_rate=rate if rate is not None else Decimal(0),
        )
        request.late_surcharge = surcharge.amount.amount
        request.late_surcharge_rule = surcharge.rule
    request.save(
        update_fields=["paid_on", "legal_due_on", "days_late", "late_surcharge", "late_surcharge_rule"]
    )
    return surcharge
