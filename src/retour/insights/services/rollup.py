"""Keeping the analytics rollup (``RollupCell``) equal to what the orders and returns say.

The rollup is derived data. ``refresh_days`` writes again the cells of some order days from the facts;
``rebuild`` does it for every day of a store; ``follow`` (the worker's job, every minute) finds the order
days whose facts changed since it last looked (orders imported or changed, returns moving, past returns
imported, refunds paid, ledger postings, store credit spent) and refreshes only those. A day is always
written whole, in one transaction, from the same computation, so following the changes and rebuilding
give the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from retour.catalog.models import Store
from retour.core.bulk import insert_rows
from retour.insights import queries
from retour.insights.domain import metrics, rollup
from retour.insights.models import PastReturn, RollupCell, RollupState
from retour.orders.models import Order, OrderLine, Payment
from retour.refunds.models import LedgerTransaction, Refund, StoreCreditMovement
from retour.returns.models import Return

# Changes committed a little before the last look, by a transaction that was still open then, are
# caught by looking back this far each time (refreshing a day twice changes nothing).
LOOK_BACK = timedelta(minutes=10)
# Days computed at once by a rebuild: a month of orders in memory at a time.
REBUILD_DAYS = 31
BATCH = 2000


def compute(store: Store, start: date, end: date) -> rollup.Cells:
    """The cells of the orders ``store`` placed in ``[start, end)`` (its calendar days)."""
    period = metrics.Period(start, end, store.zone)
    orders = list(queries.load_orders(store, period))
    ids = [int(order.id) for order in orders if metrics.in_cohort(order, period)]
    returns = [*queries.load_past_returns(ids), *queries.load_returns(ids, store)]
    facts, products = _order_facts(ids)
    return rollup.build(orders, returns, store.zone, facts, products, _store_credit_spent(ids))


def _order_facts(ids: list[int]) -> tuple[dict[metrics.Key, rollup.OrderFacts], dict[metrics.Key, str]]:
    facts: dict[metrics.Key, rollup.OrderFacts] = {}
    products: dict[metrics.Key, str] = {}
    for part in _chunks(ids):
        payment: dict[int, str] = {}
        for order_id, method in (
            Payment.objects.filter(order_id__in=part)
            .order_by("order_id", "position")
            .values_list("order_id", "method")
        ):
            payment.setdefault(order_id, method)
        for pk, segment, country, source in Order.objects.filter(pk__in=part).values_list(
            "pk", "customer__segment", "shipping_country", "source"
        ):
            facts[pk] = rollup.OrderFacts(segment or "", country or "", source or "", payment.get(pk, ""))
        for pk, product_id, sku in OrderLine.objects.filter(order_id__in=part).values_list(
            "pk", "product_id", "sku"
        ):
            products[pk] = product_key(product_id, sku)
    return facts, products


def product_key(product_id: int | None, sku: str) -> str:
    """A line's product in the rollup: the catalogue's product, else its SKU (``sku:…``), else none."""
    if product_id is not None:
        return str(product_id)
    return f"sku:{sku}" if sku else ""


def _store_credit_spent(ids: list[int]) -> dict[metrics.Key, Decimal]:
    """Per order, the part of the store credit its returns issued that the shopper spent since: each
    account's credit issued by these returns times the share of all the credit it received that was used
    (at most all of it)."""
    issued: dict[tuple[int, int], Decimal] = defaultdict(Decimal)  # (order, account) -> credit
    for part in _chunks(ids):
        for order_id, account_id, amount in StoreCreditMovement.objects.filter(
            refund__order_id__in=part, amount__gt=0
        ).values_list("refund__order_id", "account_id", "amount"):
            issued[order_id, account_id] += amount
    if not issued:
        return {}
    accounts = {account for _order, account in issued}
    received: dict[int, Decimal] = defaultdict(Decimal)
    used: dict[int, Decimal] = defaultdict(Decimal)
    for account_id, amount, reason in StoreCreditMovement.objects.filter(account_id__in=accounts).values_list(
        "account_id", "amount", "reason"
    ):
        if amount > 0:
            received[account_id] += amount
        elif reason == "used":
            used[account_id] -= amount
    spent: dict[metrics.Key, Decimal] = defaultdict(Decimal)
    for (order_id, account_id), credit in issued.items():
        share = min(Decimal(1), used[account_id] / received[account_id]) if received[account_id] else 0
        spent[order_id] += credit * share
    return dict(spent)


def _chunks(ids: list[int], size: int = 1000) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _runs(days: Iterable[date]) -> Iterator[tuple[date, date]]:
    """Sorted days as ``[start, end)`` runs of consecutive days."""
    start: date | None = None
    previous: date | None = None
    for day in sorted(set(days)):
        if start is None or previous is None or day != previous + timedelta(days=1):
            if start is not None and previous is not None:
                yield start, previous + timedelta(days=1)
            start = day
        previous = day
    if start is not None and previous is not None:
        yield start, previous + timedelta(days=1)


def refresh_days(store: Store, days: Iterable[date]) -> int:
    """Write again every cell of these order days of ``store``; the number of cells written."""
    written = 0
    for start, end in _runs(days):
        for part_start in _range(start, end, REBUILD_DAYS):
            part_end = min(part_start + timedelta(days=REBUILD_DAYS), end)
            written += _write(store, part_start, part_end, compute(store, part_start, part_end))
    return written


def _range(start: date, end: date, step: int) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=step)


# The cell's columns, in the order ``_write`` gives them (core.bulk: no model instance per row, which was
# most of a rebuild's time).
COLUMNS = ("store_id", "day", "dimension", "key", "level", "category", "seller", *rollup.MEASURES)


@transaction.atomic
def _write(store: Store, start: date, end: date, cells: rollup.Cells) -> int:
    RollupCell.objects.filter(store=store, day__gte=start, day__lt=end).delete()
    rows = [
        (store.pk, *key, *(getattr(cell, name) for name in rollup.MEASURES)) for key, cell in cells.items()
    ]
    for part in range(0, len(rows), BATCH):
        insert_rows(RollupCell, COLUMNS, rows[part : part + BATCH])
    return len(rows)


def order_days(store: Store) -> tuple[date, date] | None:
    """The first and the day after the last day the store's orders were placed, in its time zone."""
    bounds = Order.objects.filter(store=store).aggregate(first=Min("ordered_at"), last=Max("ordered_at"))
    if bounds["first"] is None:
        return None
    zone = store.zone
    return bounds["first"].astimezone(zone).date(), bounds["last"].astimezone(zone).date() + timedelta(days=1)


def rebuild(store: Store, *, now: datetime | None = None) -> int:
    """Every cell of ``store`` computed again from the facts; the number of cells written."""
    now = now or timezone.now()
    bounds = order_days(store)
    written = 0
    with transaction.atomic():
        RollupCell.objects.filter(store=store).delete()
        if bounds is not None:
            written = refresh_days(store, _all_days(*bounds))
        RollupState.objects.update_or_create(store=store, defaults={"checked_until": now, "rebuilt_at": now})
    return written


def _all_days(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def changed_days(store: Store, since: datetime) -> set[date]:
    """The order days of ``store`` whose orders, returns, refunds, ledger or store credit changed at or
    after ``since``."""
    ordered: set[datetime] = set()
    ordered.update(
        Order.objects.filter(store=store, updated_at__gte=since).values_list("ordered_at", flat=True)
    )
    returns = Return.objects.filter(order__store=store)
    ordered.update(
        returns.filter(Q(updated_at__gte=since) | Q(events__at__gte=since)).values_list(
            "order__ordered_at", flat=True
        )
    )
    ordered.update(
        PastReturn.objects.filter(store=store, updated_at__gte=since).values_list(
            "order__ordered_at", flat=True
        )
    )
    ordered.update(
        Refund.objects.filter(order__store=store)
        .filter(Q(created_at__gte=since) | Q(completed_at__gte=since))
        .values_list("order__ordered_at", flat=True)
    )
    postings = LedgerTransaction.objects.filter(store=store, created_at__gte=since)
    ordered.update(
        postings.filter(request__isnull=False).values_list("request__ret__order__ordered_at", flat=True)
    )
    labelled = postings.filter(memo="return label").values_list("reference", flat=True)
    ordered.update(returns.filter(number__in=labelled).values_list("order__ordered_at", flat=True))
    accounts = StoreCreditMovement.objects.filter(
        created_at__gte=since, account__customer__store=store
    ).values_list("account_id", flat=True)
    ordered.update(
        StoreCreditMovement.objects.filter(account_id__in=accounts, refund__isnull=False).values_list(
            "refund__order__ordered_at", flat=True
        )
    )
    zone = store.zone
    return {moment.astimezone(zone).date() for moment in ordered if moment is not None}


def follow(store: Store, *, now: datetime | None = None) -> int:
    """Refresh the order days whose facts changed since the last look (a store never rolled up is
    rebuilt); the number of cells written."""
    now = now or timezone.now()
    state = RollupState.objects.filter(store=store).first()
    if state is None:
        return rebuild(store, now=now)
    written = refresh_days(store, changed_days(store, state.checked_until - LOOK_BACK))
    RollupState.objects.filter(pk=state.pk).update(checked_until=now)
    return written


def follow_all(*, now: datetime | None = None) -> int:
    return sum(follow(store, now=now) for store in Store.objects.order_by("pk"))
