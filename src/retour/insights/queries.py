"""What the metrics read: a store's orders placed in a period and every return of them, as plain records.

Returns are the imported past returns (their figures as the other tool gave them) and the returns made in
Retour, read from Retour's own records:

- status: rejected, cancelled, expired as such (void); resolved as its outcome (replaced counts as
  exchanged, repaired as its own resolved outcome); every other state is ``open``;
- each line's amount: the paid value of its units (``metrics.returned_value``), as for past returns;
- received: the return reached ``received`` (its timeline has that transition);
- refunded: what its refunds paid back to a payment or a gift card (succeeded refunds but store credit);
  store credit: succeeded store-credit refunds plus every succeeded refund's store-credit bonus;
- fees charged: the fee income its refund requests booked in the ledger (less any reversal);
- label cost: the return label posted in the ledger for it (shipping cost, referenced by its number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from retour.catalog.models import Seller, Store
from retour.insights.domain import metrics
from retour.insights.models import PastReturn, PastReturnLine, handling_cost_per_unit
from retour.orders.models import Order, OrderLine, Shipment
from retour.refunds.domain import ledger
from retour.refunds.models import LedgerEntry, LedgerTransaction, Refund
from retour.returns.models import Return, ReturnEvent, ReturnLine

ZERO = Decimal(0)
# Retour's resolved outcomes, named as the metrics' statuses.
OUTCOME_STATUS = {"replaced": metrics.EXCHANGED}
VOID_STATES = {Return.State.REJECTED, Return.State.CANCELLED, Return.State.EXPIRED}


@dataclass(frozen=True)
class StoreMetrics:
    """A report's inputs and result: the contract's object is ``metrics.report(result, currency)``."""

    store: Store
    period: metrics.Period
    handling_cost_per_unit: Decimal
    result: metrics.Metrics

    def as_dict(self) -> dict[str, object]:
        return metrics.report(self.result, self.store.currency)


def store_metrics(
    store: Store, start: date, end: date, *, handling_cost: Decimal | None = None
) -> StoreMetrics:
    """The metrics of ``store``'s orders placed in ``[start, end)`` (calendar days in its time zone)."""
    period = metrics.Period(start, end, store.zone)
    cost = handling_cost_per_unit(store) if handling_cost is None else handling_cost
    orders, returns = cohort_records(store, period)
    result = metrics.compute(orders, returns, period, handling_cost_per_unit=cost)
    return StoreMetrics(store, period, cost, result)


def cohort_records(
    store: Store, period: metrics.Period, *, returned_only: bool = False
) -> tuple[list[metrics.Order], list[metrics.ReturnRecord]]:
    """The orders placed in ``period`` and every return (past or made in Retour) of its cohort; with
    ``returned_only``, only the orders that have a return (what counts returns alone, as the cost, needs
    no other order)."""
    orders = list(load_orders(store, period, returned_only=returned_only))
    ids = [int(order.id) for order in orders if metrics.in_cohort(order, period)]
    return orders, [*load_past_returns(ids), *load_returns(ids, store)]


def _orders_placed(store: Store, period: metrics.Period) -> Q:
    return Q(store=store, ordered_at__gte=period.since, ordered_at__lt=period.until)


def load_orders(
    store: Store, period: metrics.Period, *, returned_only: bool = False, only: list[int] | None = None
) -> Iterator[metrics.Order]:
    """The store's orders placed in ``period`` (not exchange orders: they replace a sale, they are none);
    with ``returned_only``, those with a return (past or made in Retour); with ``only``, those of these
    ids."""
    placed = Order.objects.filter(_orders_placed(store, period)).exclude(source="exchange")
    if only is not None:
        placed = placed.filter(pk__any=only)
    if returned_only:
        placed = placed.filter(
            Exists(PastReturn.objects.filter(order=OuterRef("pk")))
            | Exists(Return.objects.filter(order=OuterRef("pk")))
        )
    deliveries: dict[int, list[bool]] = defaultdict(list)
    for order_id, delivered_at in Shipment.objects.filter(order__in=placed).values_list(
        "order_id", "delivered_at"
    ):
        deliveries[order_id].append(delivered_at is not None)
    lines: dict[int, list[metrics.Line]] = defaultdict(list)
    for row in (
        OrderLine.objects.filter(order__in=placed)
        .order_by("order_id", "position")
        .values_list(
            "pk",
            "order_id",
            "quantity",
            "unit_price",
            "line_discount",
            "order_discount_share",
            "category",
            "seller__code",
            "seller__kind",
        )
    ):
        pk, order_id, quantity, price, discount, share, category, seller, kind = row
        lines[order_id].append(
            metrics.Line(
                id=pk,
                quantity=quantity,
                paid_value=metrics.paid_value(price, quantity, discount, share),
                category=category or "",
                seller="" if kind == Seller.Kind.STORE else seller,
            )
        )
    for pk, ordered_at, cancelled_at in placed.order_by().values_list("pk", "ordered_at", "cancelled_at"):
        yield metrics.Order(
            id=pk,
            ordered_at=ordered_at,
            lines=tuple(lines[pk]),
            cancelled=cancelled_at is not None,
            shipments_delivered=tuple(deliveries[pk]),
        )


def returns_moved(store: Store, since: datetime) -> Iterator[QuerySet[Return]]:
    """The store's returns updated at or after ``since``, then those given a timeline event since: two
    questions, each by its own index (the events by their moment, then their returns by id; joined,
    SQLite read every return of the store to find the events of the last minutes)."""
    returns = Return.objects.filter(store=store).order_by()
    yield returns.filter(updated_at__gte=since)
    events = ReturnEvent.objects.filter(at__gte=since).order_by().values_list("ret_id", flat=True)
    moved = list(dict.fromkeys(events))
    for part in chunks(moved):
        yield returns.filter(pk__any=part)


def refunds_paid(since: datetime) -> Iterator[QuerySet[Refund]]:
    """The refunds created or completed at or after ``since``, any store's (to be cut to a store): found
    by the index on each moment, then by id (asked with the store, SQLite read the store's every order
    to find the refunds of the last minutes)."""
    for paid in (Q(created_at__gte=since), Q(completed_at__gte=since)):
        found = list(Refund.objects.filter(paid).order_by().values_list("pk", flat=True))
        for part in chunks(found):
            yield Refund.objects.filter(pk__any=part).order_by()


def chunks(ids: list[int], size: int = 2000) -> Iterator[list[int]]:
    """``ids`` a few thousand at a time, for ``__any``: past about 3,000 ids, PostgreSQL's planner (its
    default ``random_page_cost``) reads a million-row table whole rather than look each id up in its index
    (the first payment of 10,000 orders: 18 ms by 2,000 ids, 113 ms by 5,000)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def load_past_returns(order_ids: list[int]) -> Iterator[metrics.ReturnRecord]:
    """The imported past returns of these orders, with the figures they were imported with."""
    for part in chunks(order_ids):
        found = list(
            PastReturn.objects.filter(order_id__any=part).values_list(
                "pk",
                "order_id",
                "status",
                "received_at",
                "refunded",
                "store_credit",
                "fees_charged",
                "label_cost",
            )
        )
        if not found:
            continue  # new orders: no join to make
        lines: dict[int, list[metrics.ReturnedLine]] = defaultdict(list)
        for past_return_id, line_id, quantity, reason, resolution, amount in (
            PastReturnLine.objects.filter(past_return_id__any=[row[0] for row in found])
            .order_by("past_return_id", "position")
            .values_list("past_return_id", "order_line_id", "quantity", "reason", "resolution", "amount")
        ):
            lines[past_return_id].append(metrics.ReturnedLine(line_id, quantity, reason, resolution, amount))
        for row in found:
            pk, order_id, status, received_at, refunded, credit, fees, label = row
            yield metrics.ReturnRecord(
                order=order_id,
                status=status,
                lines=tuple(lines[pk]),
                received=received_at is not None,
                refunded=refunded,
                store_credit=credit,
                fees_charged=fees,
                label_cost=label,
                labelled=label > 0,
            )


def status_of(state: str, outcome: str) -> str:
    """A Retour return's state and outcome as the metrics' status."""
    if state in VOID_STATES:
        return state
    if state == Return.State.RESOLVED:
        return OUTCOME_STATUS.get(outcome, outcome or metrics.REFUNDED)
    return metrics.OPEN


def load_returns(order_ids: list[int], store: Store) -> Iterator[metrics.ReturnRecord]:
    """The returns made in Retour for these orders, their money from Retour's refunds and ledger."""
    for part in chunks(order_ids):
        returns = list(
            Return.objects.filter(order_id__any=part).values_list(
                "pk", "number", "order_id", "state", "outcome", "return_method", "tracking_number"
            )
        )
        if not returns:
            continue
        ids = [row[0] for row in returns]
        lines = _return_lines(ids, store.currency)
        received = set(
            ReturnEvent.objects.filter(ret_id__any=ids, to_state=Return.State.RECEIVED).values_list(
                "ret_id", flat=True
            )
        )
        refunded, credit = _refunds(ids)
        fees = _ledger(Q(request__ret_id__any=ids), ledger.FEE_INCOME, "request__ret_id", credit_side=True)
        numbers = {number: pk for pk, number, *_rest in returns}
        labels_by_number = _ledger(
            # a label bought, less its cost given back when voided (logistics): what it really cost
            Q(store=store, memo__in=("return label", "return label voided"), reference__in=list(numbers)),
            ledger.SHIPPING_COST,
            "reference",
            credit_side=False,
        )
        for pk, number, order_id, state, outcome, method, tracking in returns:
            yield metrics.ReturnRecord(
                order=order_id,
                status=status_of(state, outcome),
                lines=tuple(lines[pk]),
                received=pk in received,
                refunded=refunded.get(pk, ZERO),
                store_credit=credit.get(pk, ZERO),
                fees_charged=fees.get(pk, ZERO),
                label_cost=labels_by_number.get(number, ZERO),
                labelled=method == Return.Method.LABEL and bool(tracking),
            )


def _return_lines(ids: list[int], currency: str) -> dict[int, list[metrics.ReturnedLine]]:
    lines: dict[int, list[metrics.ReturnedLine]] = defaultdict(list)
    for row in (
        ReturnLine.objects.filter(ret_id__any=ids)
        .order_by("ret_id", "id")
        .values_list(
            "ret_id",
            "order_line_id",
            "quantity",
            "reason",
            "resolution",
            "disposition",
            "order_line__quantity",
            "order_line__unit_price",
            "order_line__line_discount",
            "order_line__order_discount_share",
            "order_line__order__currency",
        )
    ):
        (
            ret_id,
            line_id,
            quantity,
            reason,
            resolution,
            disposition,
            line_quantity,
            price,
            discount,
            share,
            line_currency,
        ) = row
        paid = metrics.paid_value(price, line_quantity, discount, share)
        amount = metrics.returned_value(paid, line_quantity, quantity, line_currency or currency)
        lines[ret_id].append(metrics.ReturnedLine(line_id, quantity, reason, resolution, amount, disposition))
    return lines


def _refunds(ids: list[int]) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Per return: money paid back (to a payment or a gift card), and store credit issued."""
    refunded: dict[int, Decimal] = defaultdict(Decimal)
    credit: dict[int, Decimal] = defaultdict(Decimal)
    for ret_id, gateway, amount, bonus in Refund.objects.filter(
        request__ret_id__any=ids, status=Refund.Status.SUCCEEDED
    ).values_list("request__ret_id", "gateway", "amount", "bonus"):
        if gateway == "store_credit":
            credit[ret_id] += amount
        else:
            refunded[ret_id] += amount
        credit[ret_id] += bonus
    return refunded, credit


def _ledger(ties: Q, account: str, key: str, *, credit_side: bool) -> dict[object, Decimal]:
    """Per ``key`` of the ledger transactions ``ties`` selects: the balance of ``account`` (credits less
    debits when ``credit_side``, else debits less credits)."""
    totals: dict[object, Decimal] = defaultdict(Decimal)
    transactions = LedgerTransaction.objects.filter(ties)
    for tie, debit, credit in LedgerEntry.objects.filter(
        transaction__in=transactions, account=account
    ).values_list(f"transaction__{key}", "debit", "credit"):
        totals[tie] += (credit - debit) if credit_side else (debit - credit)
    return totals
