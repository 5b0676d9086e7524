"""Refund liability and the cash-flow forecast of a store: what is owed now, what will be paid, the backtest.

The facts the forecast learns from (``insights.domain.forecast``) are read here as plain records:

- sold lines: the lines of the store's orders that were not cancelled and go by parcel (downloads and
  e-gift cards never come back by post), with their paid value, the day ordered and the day their parcel
  was delivered (store time);
- returns, one fact per returned line: the imported past returns (asked on ``requested_at``, received on
  ``received_at``, ended on ``resolved_at``; their ``refunded`` is cash paid on ``resolved_at``), and the
  returns made in Retour (asked on ``created_at``, received and ended on the day of their timeline's
  events, their cash refunds paid on the day each refund to a payment succeeded). A return's cash is
  shared among its lines by their value.

Store credit is not cash: it is left out of what is paid and forecast. What is owed now is the returns
approved and not resolved yet, and the resolved ones whose refund has not gone through, each for what it
refunds as quoted (``returns.services.amounts.owed``) less what was already paid, with the payment date
the ETA model gives (``refunds.domain.timing``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from retour.catalog.models import Store
from retour.core.aggregates import AmountSum
from retour.core.money import minor_units
from retour.insights.domain import forecast as model
from retour.insights.domain.metrics import VOID, paid_value, returned_value
from retour.insights.models import PastReturn, PastReturnLine
from retour.orders.models import OrderLine, Payment, Shipment
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS
from retour.refunds import gateways
from retour.refunds.domain import timing
from retour.refunds.models import Refund, RefundRequest
from retour.returns.domain import states
from retour.returns.domain.refund_calculation import WITHDRAWAL_BASES
from retour.returns.models import Return, ReturnEvent, ReturnLine
from retour.returns.services import amounts

ZERO = Decimal(0)
# The days a forecast may be made on: a year of history before, twelve weeks after, within the calendar.
EARLIEST, LATEST = date(1970, 1, 1), date(9000, 12, 31)
STORE_CREDIT = "store_credit"
ENDED = (states.RESOLVED, states.REJECTED, states.CANCELLED, states.EXPIRED)
OWED_STATES = (states.APPROVED, states.LABEL_ISSUED, states.IN_TRANSIT, states.RECEIVED, states.INSPECTED)
# Business days from each state to the refund being sent, as the ETA model counts them
# (timing.PARCEL_TO_REFUND_DAYS: the carrier's 3 days of transit, then the warehouse's 2 of inspection).
DAYS_TO_REFUND = {
    states.APPROVED: timing.PARCEL_TO_REFUND_DAYS,
    states.LABEL_ISSUED: timing.PARCEL_TO_REFUND_DAYS,
    states.IN_TRANSIT: timing.PARCEL_TO_REFUND_DAYS,
    states.RECEIVED: 2,
    states.INSPECTED: 0,
    states.RESOLVED: 0,
}


def today_of(store: Store) -> date:
    return timezone.localdate(timezone.now(), store.zone)


# -- facts ---------------------------------------------------------------------------------------------


def history(store: Store) -> model.History:
    """Everything the forecast may learn from, as of now (each forecast looks only before its origin)."""
    return model.History(list(sold_lines(store)), [*past_return_facts(store), *return_facts(store)])


def sold_lines(store: Store) -> Iterator[model.SoldLine]:
    """A line is delivered when its own parcel is, or, when it names none, on its order's last delivery
    (as ``policies.order_facts.delivered_on`` says)."""
    zone = store.zone
    last_delivery = dict(
        Shipment.objects.filter(order__store=store, delivered_at__isnull=False)
        .values("order_id")
        .annotate(last=Max("delivered_at"))
        .values_list("order_id", "last")
    )
    rows = (
        OrderLine.objects.filter(order__store=store, order__cancelled_at__isnull=True, requires_shipping=True)
        .order_by()
        .values_list(
            "pk",
            "category",
            "quantity",
            "unit_price",
            "line_discount",
            "order_discount_share",
            "order__ordered_at",
            "order_id",
            "shipment_id",
            "shipment__delivered_at",
        )
        .iterator(chunk_size=5000)
    )
    for pk, category, quantity, price, discount, share, ordered_at, order_id, shipment_id, own in rows:
        delivered_at = own if shipment_id is not None else last_delivery.get(order_id)
        yield model.SoldLine(
            key=pk,
            category=category or "",
            value=paid_value(price, quantity, discount, share),
            ordered_on=ordered_at.astimezone(zone).date(),
            delivered_on=delivered_at.astimezone(zone).date() if delivered_at is not None else None,
        )


def past_return_facts(store: Store) -> Iterator[model.ReturnFact]:
    zone = store.zone
    lines: dict[int, list[tuple[int, str, Decimal]]] = defaultdict(list)
    for past_return_id, line_id, category, amount in (
        PastReturnLine.objects.filter(past_return__store=store)
        .order_by()
        .values_list("past_return_id", "order_line_id", "order_line__category", "amount")
        .iterator(chunk_size=5000)
    ):
        lines[past_return_id].append((line_id, category or "", amount))
    for pk, status, requested_at, received_at, resolved_at, refunded in (
        PastReturn.objects.filter(store=store)
        .order_by()
        .values_list("pk", "status", "requested_at", "received_at", "resolved_at", "refunded")
        .iterator(chunk_size=5000)
    ):
        requested = requested_at.astimezone(zone).date()
        ended = resolved_at.astimezone(zone).date() if resolved_at is not None else None
        if ended is None and status in VOID:  # void, no date given: it ended when it was asked for
            ended = requested
        paid = ended if refunded > 0 and status != PastReturn.Status.OPEN else None
        yield from _split(
            lines[pk],
            requested=requested,
            received=received_at.astimezone(zone).date() if received_at is not None else None,
            ended=ended,
            paid=paid,
            refunded=refunded if paid is not None else ZERO,
        )


def return_facts(store: Store) -> Iterator[model.ReturnFact]:
    zone = store.zone
    returns = list(Return.objects.filter(store=store).order_by().values_list("pk", "created_at"))
    ids = [pk for pk, _created in returns]
    firsts: dict[tuple[int, str], date] = {}
    for ret_id, state, at in (
        ReturnEvent.objects.filter(ret__store=store, to_state__in=(states.RECEIVED, *ENDED))
        .order_by("at", "id")
        .values_list("ret_id", "to_state", "at")
    ):
        firsts.setdefault((ret_id, state), at.astimezone(zone).date())
    cash: dict[int, Decimal] = defaultdict(Decimal)
    paid_on: dict[int, date] = {}
    for ret_id, amount, completed_at in (
        Refund.objects.filter(request__ret__store=store, status=Refund.Status.SUCCEEDED)
        .exclude(gateway=STORE_CREDIT)
        .values_list("request__ret_id", "amount", "completed_at")
    ):
        cash[ret_id] += amount
        if completed_at is not None:
            day = completed_at.astimezone(zone).date()
            paid_on[ret_id] = max(day, paid_on.get(ret_id, day))
    lines: dict[int, list[tuple[int, str, Decimal]]] = defaultdict(list)
    for ret_id, line_id, category, quantity, line_quantity, price, discount, share, currency in (
        ReturnLine.objects.filter(ret_id__in=ids)
        .order_by("ret_id", "id")
        .values_list(
            "ret_id",
            "order_line_id",
            "order_line__category",
            "quantity",
            "order_line__quantity",
            "order_line__unit_price",
            "order_line__line_discount",
            "order_line__order_discount_share",
            "order_line__order__currency",
        )
    ):
        value = paid_value(price, line_quantity, discount, share)
        amount = returned_value(value, line_quantity, quantity, currency or store.currency)
        lines[ret_id].append((line_id, category or "", amount))
    for pk, created_at in returns:
        ended = min((firsts[pk, state] for state in ENDED if (pk, state) in firsts), default=None)
        yield from _split(
            lines[pk],
            requested=created_at.astimezone(zone).date(),
            received=firsts.get((pk, states.RECEIVED)),
            ended=ended,
            paid=paid_on.get(pk) if cash.get(pk) else None,
            refunded=cash.get(pk, ZERO),
        )


def _split(
    lines: list[tuple[int, str, Decimal]],
    *,
    requested: date,
    received: date | None,
    ended: date | None,
    paid: date | None,
    refunded: Decimal,
) -> Iterator[model.ReturnFact]:
    """One fact per returned line; the return's cash shared among them by value (evenly if all nil)."""
    total = sum((amount for _line, _category, amount in lines), ZERO)
    for line_id, category, amount in lines:
        share = amount / total if total > 0 else Decimal(1) / len(lines)
        yield model.ReturnFact(
            line=line_id,
            category=category,
            value=amount,
            requested_on=requested,
            received_on=received,
            ended_on=ended,
            paid_on=paid,
            refunded=refunded * share,
        )


# -- what is owed now --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    number: str
    state: str
    amount: Decimal  # what it refunds as quoted, less what was already paid
    currency: str
    expected_from: date  # the ETA model's dates
    expected_by: date


@dataclass(frozen=True)
class Liability:
    returns: tuple[Owed, ...]

    @property
    def total(self) -> Decimal:
        return sum((owed.amount for owed in self.returns), ZERO)

    def by_week(self, today: date, weeks: int = 12) -> list[Decimal]:
        """What is owed, by the week (from ``today``) its latest expected date falls in; the overdue and
        the later ones in the first and last weeks."""
        totals = [ZERO] * weeks
        for owed in self.returns:
            week = min(max((owed.expected_by - today).days // 7, 0), weeks - 1)
            totals[week] += owed.amount
        return totals


def owed_now(store: Store, today: date | None = None) -> Liability:
    """What the store owed at the end of ``today`` (default: its today): the returns it had agreed to take
    back and not paid yet, as their timelines stood then (approved, label issued, in transit, received,
    inspected, or resolved as a refund whose payment had not gone through), each for what it refunds less
    what its refunds had paid by then."""
    today = today or today_of(store)
    cutoff = datetime.combine(today + timedelta(days=1), time(), store.zone)
    unpaid = set(
        RefundRequest.objects.filter(ret__store=store, ret__isnull=False)
        .filter(Q(paid_on__isnull=True) | Q(paid_on__gt=today))
        .values_list("ret_id", flat=True)
    )
    then = _states_at(store, cutoff, unpaid)
    owing = [
        pk
        for pk, state in then.items()
        if state in OWED_STATES or (state == states.RESOLVED and pk in unpaid)
    ]
    paid = dict(
        Refund.objects.filter(
            request__ret_id__in=owing, status=Refund.Status.SUCCEEDED, completed_at__lt=cutoff
        )
        .values("request__ret_id")
        .annotate(total=Sum("amount"))
        .values_list("request__ret_id", "total")
    )
    rows = list(
        Return.objects.filter(pk__in=owing)
        .order_by("created_at", "pk")
        .values_list("pk", "number", "outcome", "order_id", "order__currency")
    )
    quoted = quoted_amounts(owing)
    methods = _methods({order_id for _pk, _number, _outcome, order_id, _currency in rows})
    country = store.country.upper()
    found = []
    for pk, number, outcome, order_id, currency in rows:
        state = then[pk]
        if state == states.RESOLVED and outcome not in states.PAID_OUTCOMES:
            continue
        amount = (quoted.get(pk, ZERO) - Decimal(paid.get(pk) or 0)).quantize(
            Decimal(1).scaleb(-minor_units(currency)), ROUND_HALF_UP
        )
        if amount <= 0:
            continue
        method = STORE_CREDIT if outcome == STORE_CREDIT else methods.get(order_id, gateways.MANUAL)
        found.append(_owed(number, state, amount, currency, method, country, today))
    return Liability(tuple(found))


def quoted_amounts(returns: list[int]) -> dict[int, Decimal]:
    """What each return refunds in all as its decisions were quoted (``returns.services.amounts.owed``),
    read in bulk: the refund amounts its lines' final decisions store (every line not refused at
    inspection nor exchanged), summed in one query. A return that may also refund the outbound shipping
    (a line withdrawn under the law or the seller's fault, on an order that charged shipping) is quoted
    whole by ``amounts.owed``, which knows whether the order comes back whole."""
    counted = (
        ReturnLine.objects.filter(ret_id__in=returns, exchange__isnull=True)
        .exclude(inspection=ReturnLine.Inspection.REJECTED)
        .order_by()
    )
    found: dict[int, Decimal] = {
        ret_id: Decimal(total or 0)
        for ret_id, total in counted.values("ret_id")
        .annotate(total=AmountSum(Coalesce("inspection_decision__refund_amount", "decision__refund_amount")))
        .values_list("ret_id", "total")
    }
    shipping = counted.filter(ret__order__shipping__gt=0).filter(
        Q(reason__in=SELLER_FAULT_REASONS)
        | Q(inspection_decision__isnull=True, decision__legal_basis__in=WITHDRAWAL_BASES)
        | Q(inspection_decision__legal_basis__in=WITHDRAWAL_BASES)
    )
    whole = set(shipping.values_list("ret_id", flat=True).distinct())
    for ret in Return.objects.filter(pk__in=whole).select_related("order"):
        found[ret.pk] = amounts.owed(ret).amount
    return found


def _methods(orders: set[int]) -> dict[int, str]:
    """The gateway that pays back each order's first way of paying (what "the original payment" means)."""
    found: dict[int, str] = {}
    for order_id, method, gateway in (
        Payment.objects.filter(order_id__in=orders)
        .order_by("order_id", "position", "pk")
        .values_list("order_id", "method", "gateway")
    ):
        found.setdefault(order_id, gateways.gateway_name(method, gateway))
    return found


def _states_at(store: Store, cutoff: datetime, unpaid: set[int]) -> dict[int, str]:
    """The returns that may have been owed at ``cutoff`` (open, or with a refund request not paid then)
    and their state at that time: now, their current state; before, their timeline's last change before
    ``cutoff``, among the returns asked for in the year before it (none stays open longer: approvals
    expire, parcels arrive)."""
    if cutoff > timezone.now():
        current = Return.objects.filter(store=store).filter(Q(state__in=OWED_STATES) | Q(pk__in=unpaid))
        return dict(current.values_list("pk", "state"))
    found: dict[int, str] = {}
    for ret_id, state in (
        ReturnEvent.objects.filter(
            ret__store=store, ret__created_at__gte=cutoff - timedelta(days=365), at__lt=cutoff
        )
        .exclude(to_state="")
        .order_by("at", "id")
        .values_list("ret_id", "to_state")
    ):
        found[ret_id] = state
    return found


def _owed(
    number: str, state: str, amount: Decimal, currency: str, method: str, country: str, today: date
) -> Owed:
    sent_on = timing.add_business_days(today, DAYS_TO_REFUND.get(state, 0), country)
    expected = timing.expected_refund_date(method, sent_on, country)
    return Owed(number, state, amount, currency, expected.earliest, expected.latest)


# -- the forecast and its backtest ---------------------------------------------------------------------


def forecast(store: Store, today: date | None = None) -> model.Forecast:
    """The 12 weeks from the day after ``today`` (default: the store's today), learnt from everything
    known by the end of ``today``."""
    return model.forecast(history(store), (today or today_of(store)) + timedelta(days=1))


def backtest(store: Store, today: date | None = None, *, weeks: int = 26) -> model.Backtest:
    return model.backtest(history(store), today or today_of(store), weeks=weeks)


@dataclass(frozen=True)
class Outlook:
    """For the dashboard: owed now and the cash forecast for the next four weeks (with its band)."""

    owed: Decimal
    next_4_weeks: Decimal
    next_4_weeks_low: Decimal
    next_4_weeks_high: Decimal
    currency: str


def refund_outlook(store: Store, today: date | None = None) -> Outlook:
    today = today or today_of(store)
    made = forecast(store, today)
    low, high = made.band(4)
    return Outlook(
        owed=owed_now(store, today).total,
        next_4_weeks=money(made.total(4), store.currency),
        next_4_weeks_low=money(low, store.currency),
        next_4_weeks_high=money(high, store.currency),
        currency=store.currency,
    )


def money(value: float, currency: str) -> Decimal:
    """An estimate shown as an amount: half-up to the currency's minor unit."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-minor_units(currency)), ROUND_HALF_UP)
