"""Keeping the analytics rollup (``RollupCell``) equal to what the orders and returns say.

The rollup is derived data. ``refresh_days`` writes again the cells of some order days from the facts;
``rebuild`` does it for every day of a store; ``follow`` (the worker's job, every minute) finds the order
days whose facts changed since it last looked (orders changed, returns moving, past returns imported,
refunds paid, ledger postings, store credit spent) and refreshes only those. Both keep the chasing
rollup too (``chasing_rollup``: returns by the day they were asked for). A day is always written
whole, in one transaction, from the same computation, so following the changes and rebuilding give the
same cells.

New orders (an import) are added instead, 10,000 at a time: their cells are computed alone and added
to the cells they count in (every figure of a cell is a sum over its orders), in the transaction that
records them as taken in (``RolledUpOrder``, with the ``updated_at`` they had when read). An order is
thus added once; one changed after it was read has its day written again. Writing again every day an
import touches would cost the days' other orders too: at a million orders, far more than the import.

Beside the days, the monthly and yearly cells (``rollup.months``, ``rollup.years``): days are written a
calendar month at most at a time (a month of orders in memory). A whole month written (a rebuild) has
its month's cells summed in memory and its year's summed again from the stored months; some days
written again add what changed in them (new cells less stored) to their month's and year's cells. New
orders' cells are added to their days', months' and years' cells in one statement, the database summing
the months and years (``_add``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any
from uuid import uuid4

from django.db import IntegrityError, connection, transaction
from django.db.models import DecimalField, Max, Min, QuerySet, Sum
from django.utils import timezone

from retour.catalog.models import Store
from retour.core.aggregates import AmountSum
from retour.core.bulk import insert_rows
from retour.insights import queries
from retour.insights.domain import metrics, rollup
from retour.insights.models import PastReturn, RolledUpOrder, RollupCell, RollupState
from retour.insights.services import chasing_rollup
from retour.orders.models import Customer, Order, OrderLine, Payment
from retour.refunds.models import LedgerTransaction, Refund, StoreCreditMovement
from retour.returns.models import Return

# Changes committed a little before the last look, by a transaction that was still open then, are
# caught by looking back this far each time (refreshing a day twice changes nothing).
LOOK_BACK = timedelta(minutes=10)
BATCH = 2000
ORDERS_AT_ONCE = 10_000
# The cell's columns, in the order they are written (core.bulk: no model instance per row, which was
# most of a rebuild's time), and those that name a cell.
COLUMNS = ("store_id", "day", "dimension", "key", "level", "category", "seller", *rollup.MEASURES)
UNIQUE = ("store_id", "dimension", "level", "day", "category", "seller", "key")
NewOrder = tuple[int, datetime, datetime]  # an order never taken in: id, updated_at, ordered_at
logger = logging.getLogger(__name__)


def compute(store: Store, start: date, end: date, only: list[int] | None = None) -> rollup.Cells:
    """The cells of the orders ``store`` placed in ``[start, end)`` (its calendar days); with ``only``,
    of those orders alone (at most ``ORDERS_AT_ONCE``)."""
    period = metrics.Period(start, end, store.zone)
    orders = list(queries.load_orders(store, period, only=only))
    ids = [int(order.id) for order in orders if metrics.in_cohort(order, period)]
    returns = [*queries.load_past_returns(ids), *queries.load_returns(ids, store)]
    facts, products = _order_facts(ids)
    return rollup.build(orders, returns, store.zone, facts, products, _store_credit_spent(ids))


def _order_facts(ids: list[int]) -> tuple[dict[metrics.Key, rollup.OrderFacts], dict[metrics.Key, str]]:
    facts: dict[metrics.Key, rollup.OrderFacts] = {}
    products: dict[metrics.Key, str] = {}
    for part in queries.chunks(ids):
        payment: dict[int, str] = {}
        for order_id, method in (
            Payment.objects.filter(order_id__any=part)
            .order_by("order_id", "position")
            .values_list("order_id", "method")
        ):
            payment.setdefault(order_id, method)
        # The customers' segments read apart: joined, the customers' table was read whole each time.
        orders = list(
            Order.objects.filter(pk__any=part)
            .order_by()
            .values_list("pk", "customer_id", "shipping_country", "source")
        )
        customers = {customer for _pk, customer, _country, _source in orders if customer is not None}
        segments = dict(
            Customer.objects.filter(pk__any=list(customers)).order_by().values_list("pk", "segment")
        )
        for pk, customer, country, source in orders:
            segment = segments.get(customer, "") if customer is not None else ""
            facts[pk] = rollup.OrderFacts(segment or "", country or "", source or "", payment.get(pk, ""))
        # In no order (the model's ordering joins the orders to sort by their dates).
        for pk, product_id, sku in (
            OrderLine.objects.filter(order_id__any=part).order_by().values_list("pk", "product_id", "sku")
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
    for part in queries.chunks(ids):
        refunds = dict(Refund.objects.filter(order_id__any=part).values_list("pk", "order_id"))
        if not refunds:
            continue  # new orders: no join to make
        for refund_id, account_id, amount in StoreCreditMovement.objects.filter(
            refund_id__any=list(refunds), amount__gt=0
        ).values_list("refund_id", "account_id", "amount"):
            issued[refunds[refund_id], account_id] += amount
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


@transaction.atomic
def refresh_days(store: Store, days: Iterable[date]) -> int:
    """Write again every cell of these order days of ``store``, and of their months and years; the
    number of cells written."""
    written = 0
    years: set[date] = set()
    for start, end in _runs(days):
        for part_start, part_end in _month_parts(start, end):
            cells, whole = _refresh(store, part_start, part_end)
            written += cells
            if whole:
                years.add(rollup.year_of(part_start))
    for year in sorted(years):
        written += _write_year(store, year)
    return written


def _month_parts(start: date, end: date) -> Iterator[tuple[date, date]]:
    """``[start, end)`` cut at the first of each month: parts of at most a month, each within one."""
    while start < end:
        part_end = min(rollup.next_month(start), end)
        yield start, part_end
        start = part_end


def _refresh(store: Store, start: date, end: date) -> tuple[int, bool]:
    """Write again the cells of the days ``[start, end)``, all in one month, and what they change in
    that month's and year's cells: the number of cells written, and whether the month was written whole
    (its cells then summed in memory, its year's to be summed again from its months). Some days of a
    month add what changed in them to their month's and year's cells (at a million orders, summing a
    month or a year again would cost seconds for a return that moved)."""
    period = metrics.Period(start, end, store.zone)
    placed = Order.objects.filter(store=store, ordered_at__gte=period.since, ordered_at__lt=period.until)
    # Read before the facts: an order changed in between is seen older than it is, so written again.
    seen = list(placed.values_list("pk", "updated_at"))
    cells = compute(store, start, end)
    month = rollup.month_of(start)
    whole = start == month and end == rollup.next_month(month)
    days = _of(store, rollup.DIMENSIONS).filter(day__gte=start, day__lt=end)
    before = {} if whole else _stored(days)
    days.delete()
    RolledUpOrder.objects.filter(order__in=placed).delete()
    _insert(store, cells)
    _taken_in(store, seen)
    if whole:
        return len(cells) + _write_month(store, month, rollup.months(cells)), True
    changed = rollup.changes(cells, before)
    _add(store, changed, days=False)
    _drop_empty(store, changed)
    return len(cells) + len(changed), False


def _stored(cells: QuerySet[RollupCell]) -> rollup.Cells:
    """These cells as they are stored."""
    names = ("day", "dimension", "key", "level", "category", "seller")
    return {
        rollup.CellKey(*row[: len(names)]): rollup.Cell(*row[len(names) :])
        for row in cells.values_list(*names, *rollup.MEASURES)
    }


def _drop_empty(store: Store, changed: rollup.Cells) -> None:
    """The cells of the months and years of these changed days left with nothing (what they counted
    changed day or key) are deleted, as a rebuild would not write them."""
    if not changed:
        return
    nothing = dict.fromkeys(rollup.MEASURES, 0)
    days = {first(key.day) for key in changed for first in (rollup.month_of, rollup.year_of)}
    dimensions = {coarser(key.dimension) for key in changed for coarser in (rollup.monthly, rollup.yearly)}
    _of(store, dimensions).filter(day__in=days, **nothing).delete()


def _of(store: Store, dimensions: Iterable[str]) -> QuerySet[RollupCell]:
    """The store's cells of these dimensions, every scope: to be cut to some days, which the index then
    finds (it names the level before the day)."""
    return RollupCell.objects.filter(store=store, dimension__in=list(dimensions), level__in=rollup.LEVELS)


def _insert(store: Store, cells: rollup.Cells) -> None:
    """Insert the cells in the order of the index (dimension, scope level, day, category, seller,
    key): a page reads a dimension's cells of some days, and the rows it reads then lie in a few
    pages of the table, not one page a row (a month of a million-order store's product cells would
    otherwise be spread over the month's every page)."""
    rows = sorted(_rows(store, list(cells.items())), key=_in_index_order)
    for part in range(0, len(rows), BATCH):
        insert_rows(RollupCell, COLUMNS, rows[part : part + BATCH])


def _write_month(store: Store, month: date, cells: rollup.Cells) -> int:
    """The monthly cells of ``month`` replaced by ``cells``; their number."""
    _of(store, MONTHLY_DIMENSIONS).filter(day=month).delete()
    _insert(store, cells)
    return len(cells)


def _write_year(store: Store, year: date) -> int:
    """The yearly cells of ``year`` summed again from its monthly cells as they are stored; their
    number."""
    _of(store, YEARLY_DIMENSIONS).filter(day=year).delete()
    cells = _summed_again(store, (year, rollup.next_year(year)), MONTHLY_DIMENSIONS, year, rollup.YEARLY)
    _insert(store, cells)
    return len(cells)


MONTHLY_DIMENSIONS = [rollup.monthly(dimension) for dimension in rollup.DIMENSIONS]
YEARLY_DIMENSIONS = [rollup.yearly(dimension) for dimension in rollup.DIMENSIONS]
_AMOUNTS = {field.name for field in RollupCell._meta.concrete_fields if isinstance(field, DecimalField)}


def _summed_again(
    store: Store, days: tuple[date, date], dimensions: list[str] | tuple[str, ...], dated: date, suffix: str
) -> rollup.Cells:
    """The cells of ``dimensions`` dated in ``[days)`` summed per dimension and key, as the cells of the
    coarser ``suffix`` (monthly, yearly) dated ``dated``: the sums computed by the database, exact
    (``AmountSum``)."""
    names = ("dimension", "key", "level", "category", "seller")
    rows = (
        _of(store, dimensions)
        .filter(day__gte=days[0], day__lt=days[1])
        .values(*names)
        .annotate(**{name: AmountSum(name) if name in _AMOUNTS else Sum(name) for name in rollup.MEASURES})
        .order_by()
    )
    return {
        rollup.CellKey(
            dated, _base(row["dimension"]) + suffix, *(row[name] for name in names[1:])
        ): rollup.Cell(**{name: row[name] for name in rollup.MEASURES})
        for row in rows
    }


def _base(dimension: str) -> str:
    """The daily dimension of a daily, monthly or yearly one."""
    return dimension.removesuffix(rollup.MONTHLY).removesuffix(rollup.YEARLY)


def _in_index_order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    _store, day, dimension, key, level, category, seller, *_measures = row
    return dimension, level, day, category, seller, key


_MEASURES_OF = attrgetter(*rollup.MEASURES)


def _rows(store: Store, cells: list[tuple[rollup.CellKey, rollup.Cell]]) -> list[tuple[object, ...]]:
    return [(store.pk, *key, *_MEASURES_OF(cell)) for key, cell in cells]


def _taken_in(store: Store, seen: list[tuple[int, datetime]]) -> None:
    rows: list[tuple[object, ...]] = [(pk, store.pk, at) for pk, at in seen]
    for part in range(0, len(rows), BATCH):
        insert_rows(RolledUpOrder, ("order_id", "store_id", "seen"), rows[part : part + BATCH])


def add_orders(store: Store, new: list[NewOrder]) -> int:
    """Add the cells of these orders, never taken in (``(id, updated_at, ordered_at)``), to the rollup,
    ``ORDERS_AT_ONCE`` at a time; the number of cells they touched. A batch another worker took in
    first is left to it (the order can be taken in once only)."""
    touched = 0
    zone = store.zone
    for start in range(0, len(new), ORDERS_AT_ONCE):
        part = new[start : start + ORDERS_AT_ONCE]
        days = [ordered_at.astimezone(zone).date() for _pk, _at, ordered_at in part]
        try:
            with transaction.atomic():
                _taken_in(store, [(pk, at) for pk, at, _ordered in part])
                cells = compute(store, min(days), max(days) + timedelta(days=1), [pk for pk, *_ in part])
                _add(store, cells)  # and to their months' and years' cells
        except IntegrityError:
            logger.info("rollup: orders of %s already taken in by another worker", store.code)
            continue
        touched += len(cells)
    return touched


def _add(store: Store, cells: rollup.Cells, *, days: bool = True) -> None:
    """These daily cells' figures added to the stored cells of their months and years, and with
    ``days`` to those of their days too (each created when there is none): the cells copied into a
    temporary table, then one upsert, the months' and years' sums made by the database (summing them in
    Python, then sending three times the rows, was most of taking in new orders)."""
    if not cells:
        return
    quote = connection.ops.quote_name
    table = quote(RollupCell._meta.db_table)
    names = ", ".join(quote(_column(name)) for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {_ADDED} AS SELECT {names} FROM {table} WHERE 1 = 0")  # noqa: S608 - our names
        insert_rows(RollupCell, COLUMNS, _rows(store, list(cells.items())), table=_ADDED)
        cursor.execute(_upsert(days))
        cursor.execute(f"DROP TABLE {_ADDED}")


_ADDED = "rollup_added"
# The first day of a day's month and year, in each database's words.
_FIRST_OF = {
    "postgresql": {
        rollup.MONTHLY: "CAST(date_trunc('month', day) AS date)",
        rollup.YEARLY: "CAST(date_trunc('year', day) AS date)",
    },
    "sqlite": {rollup.MONTHLY: "date(day, 'start of month')", rollup.YEARLY: "date(day, 'start of year')"},
}


def _upsert(days: bool) -> str:
    """The statement adding the temporary table's daily cells (with ``days``) and their sums per month
    and year to the stored cells, in the order of the index (each index page visited once)."""
    quote = connection.ops.quote_name
    table = quote(RollupCell._meta.db_table)
    columns = [quote(_column(name)) for name in COLUMNS]
    store, day, dimension, *named = columns[: len(COLUMNS) - len(rollup.MEASURES)]
    measures = [quote(name) for name in rollup.MEASURES]
    parts = [f"SELECT {', '.join(columns)} FROM {_ADDED}"] if days else []  # noqa: S608 - our names
    for suffix, first in _FIRST_OF[connection.vendor].items():
        named_as = [store, f"{first} AS {day}", f"{dimension} || '{suffix}' AS {dimension}", *named]
        sums = [f"SUM({name}) AS {name}" for name in measures]
        parts.append(
            f"SELECT {', '.join(named_as + sums)} FROM {_ADDED} "  # noqa: S608 - our names
            f"GROUP BY {', '.join([store, first, dimension, *named])}"
        )
    unique = ", ".join(quote(_column(name)) for name in UNIQUE)
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in measures)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our names
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS added WHERE 1 = 1 "
        f"ORDER BY {unique} ON CONFLICT ({unique}) DO UPDATE SET {added}"
    )


def _column(name: str) -> str:
    field: Any = RollupCell._meta.get_field(name)
    return str(field.column)


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
        RolledUpOrder.objects.filter(store=store).delete()
        if bounds is not None:
            # Whole months: each month's cells summed in memory, each year's once from its months.
            first, last = bounds
            written = refresh_days(store, _all_days(rollup.month_of(first), rollup.next_month(last)))
        written += chasing_rollup.rebuild(store)
        RollupState.objects.update_or_create(
            store=store, defaults={"checked_until": now, "rebuilt_at": now, "version": uuid4().hex}
        )
    _analyze()
    return written


def _analyze() -> None:
    """Let the database's planner know the rollup's new size, so that a page's read takes the period
    index rather than a scan of every cell of the period."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(RollupCell._meta.db_table)}")


def _all_days(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def changed_days(store: Store, since: datetime) -> set[date]:
    """The order days of ``store`` whose orders, returns, refunds, ledger or store credit changed at or
    after ``since``."""
    changed, _new = _orders_since(store, since)
    return _days_of(store, changed | _facts_changed(store, since))


def new_orders(store: Store, since: datetime) -> list[NewOrder]:
    """The store's orders saved at or after ``since`` and never taken in: ``(id, updated_at,
    ordered_at)``, in the order of their ids."""
    return _orders_since(store, since)[1]


def _orders_since(store: Store, since: datetime) -> tuple[set[datetime], list[NewOrder]]:
    """The store's orders saved at or after ``since``: when those changed since the rollup took them in
    were placed, and those never taken in (``new_orders``). Two plain reads (the orders by their index on
    ``updated_at``, then the rollup's record of them by id) rather than a join per question: a minute's
    orders were read twice, each row probing the other table."""
    # Sorted here: asked to sort by id, SQLite read the table in id order rather than take the index.
    rows = sorted(
        Order.objects.filter(store=store, updated_at__gte=since)
        .order_by()
        .values_list("pk", "updated_at", "ordered_at")
    )
    seen: dict[int, datetime] = {}
    for part in queries.chunks([pk for pk, _at, _ordered in rows]):
        seen.update(RolledUpOrder.objects.filter(order_id__any=part).values_list("order_id", "seen"))
    changed = {ordered for pk, at, ordered in rows if pk in seen and seen[pk] < at}
    return changed, [row for row in rows if row[0] not in seen]


def _facts_changed(store: Store, since: datetime) -> set[datetime]:
    """When the orders were placed whose returns, past returns, refunds, ledger postings or store credit
    changed at or after ``since``."""
    ordered: set[datetime] = set()
    # Each question alone, so that each takes its index (one ``OR`` across a join reads every row).
    for moved in queries.returns_moved(store, since):
        ordered.update(moved.values_list("order__ordered_at", flat=True))
    ordered.update(
        PastReturn.objects.filter(store=store, updated_at__gte=since).values_list(
            "order__ordered_at", flat=True
        )
    )
    for paid in queries.refunds_paid(since):
        ordered.update(paid.filter(order__store=store).values_list("order__ordered_at", flat=True))
    postings = LedgerTransaction.objects.filter(store=store, created_at__gte=since)
    ordered.update(
        postings.filter(request__isnull=False).values_list("request__ret__order__ordered_at", flat=True)
    )
    labelled = postings.filter(memo="return label").values_list("reference", flat=True)
    ordered.update(
        Return.objects.filter(store=store, number__in=labelled).values_list("order__ordered_at", flat=True)
    )
    accounts = StoreCreditMovement.objects.filter(
        created_at__gte=since, account__customer__store=store
    ).values_list("account_id", flat=True)
    ordered.update(
        StoreCreditMovement.objects.filter(account_id__in=accounts, refund__isnull=False).values_list(
            "refund__order__ordered_at", flat=True
        )
    )
    return ordered


def _days_of(store: Store, moments: Iterable[datetime | None]) -> set[date]:
    zone = store.zone
    return {moment.astimezone(zone).date() for moment in moments if moment is not None}


def follow(store: Store, *, now: datetime | None = None) -> int:
    """Refresh the order days whose facts changed since the last look, then add the new orders of the
    other days (a store never rolled up is rebuilt); the number of cells written."""
    now = now or timezone.now()
    state = RollupState.objects.filter(store=store).first()
    if state is None:
        return rebuild(store, now=now)
    since = state.checked_until - LOOK_BACK
    changed, new = _orders_since(store, since)
    days = _days_of(store, changed | _facts_changed(store, since))
    zone = store.zone
    new = [row for row in new if row[2].astimezone(zone).date() not in days]
    written = refresh_days(store, days) + add_orders(store, new)
    written += chasing_rollup.refresh_days(store, chasing_rollup.changed_days(store, since))
    changes: dict[str, object] = {"checked_until": now}
    if written:
        changes["version"] = uuid4().hex
    RollupState.objects.filter(pk=state.pk).update(**changes)
    return written


def version(store: Store) -> str | None:
    """The version of the facts the store's rollup has followed (None: never rolled up)."""
    found = RollupState.objects.filter(store=store).values_list("version", flat=True).first()
    return found or None


def follow_all(*, now: datetime | None = None) -> int:
    return sum(follow(store, now=now) for store in Store.objects.order_by("pk"))
