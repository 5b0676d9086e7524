"""Keeping the chasing rollup (``ChasingCell``) equal to what the returns' timelines and refund requests say.

The chasing page counts the returns made in Retour by the day they were asked for (imported past returns
have no approval, reminder or refund request), not by their order's day: it has a small rollup of its
own, kept by the analytics rollup's job (``services.rollup.follow`` and ``rebuild``). A request day is
always written whole, in one transaction, from the same computation (``domain.chasing.cells``), so
following the changes and rebuilding give the same cells.

What a return is, read from its records:

- approved, with something to send back: ``approved_at`` set, the return method not "keep", and not
  cancelled by the shopper (a cancelled return was never going to be sent);
- shipped: the first ``in_transit`` or ``received`` transition of its timeline after the approval;
- reminders: its ``reminder`` events (the day after approval each was due on, in ``data["day"]``);
- expired: the return is in ``expired``;
- refund paid: the last ``paid_on`` of its refund requests, once all of them are paid; late: one of them
  ``days_late``; surcharges: their ``late_surcharge`` (France, L242-4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Q

from retour.catalog.models import Seller, Store
from retour.core.bulk import insert_rows
from retour.insights.domain import chasing, metrics
from retour.insights.models import ChasingCell
from retour.insights.queries import _return_lines, chunks, refunds_paid, returns_moved
from retour.refunds.models import RefundRequest
from retour.returns.models import Return, ReturnEvent, ReturnLine

SHIPPED_STATES = (Return.State.IN_TRANSIT, Return.State.RECEIVED)
COLUMNS = ("store_id", "day", "dimension", "key", "level", "category", "seller", "count", "value", "seconds")
DAYS_AT_ONCE = 31
BATCH = 2000


def chases(store: Store, start: date, end: date) -> list[chasing.Chase]:
    """The store's returns asked for in ``[start, end)`` (its calendar days), as the chasing counts them."""
    period = metrics.Period(start, end, store.zone)
    rows = list(
        Return.objects.filter(store=store, created_at__gte=period.since, created_at__lt=period.until)
        .order_by("pk")
        .values_list("pk", "created_at", "approved_at", "return_method", "state")
    )
    found = []
    by_pk = {row[0]: row for row in rows}
    for part in chunks(list(by_pk)):
        lines = _return_lines(part, store.currency)
        scopes = _line_scopes(part)
        shipped: dict[int, datetime] = {}
        reminders: dict[int, list[chasing.Reminder]] = defaultdict(list)
        events = ReturnEvent.objects.filter(ret_id__in=part).filter(
            Q(to_state__in=SHIPPED_STATES) | Q(kind="reminder")
        )
        for ret_id, kind, to_state, at, data in events.order_by("at", "id").values_list(
            "ret_id", "kind", "to_state", "at", "data"
        ):
            if kind == "reminder":
                reminders[ret_id].append(chasing.Reminder(int((data or {}).get("day", 0)), at))
            elif to_state in SHIPPED_STATES:
                shipped.setdefault(ret_id, at)
        refunds = _refunds(part)
        for pk in part:
            _pk, created_at, approved_at, method, state = by_pk[pk]
            paid_on, days_late, surcharge = refunds.get(pk, (None, 0, Decimal(0)))
            departure = shipped.get(pk)
            found.append(
                chasing.Chase(
                    requested_on=created_at.astimezone(store.zone).date(),
                    value=sum((line.amount for line in lines.get(pk, [])), Decimal(0)),
                    approved_at=approved_at,
                    to_ship=approved_at is not None
                    and method != Return.Method.KEEP
                    and state != Return.State.CANCELLED,
                    shipped_at=departure if departure and approved_at and departure >= approved_at else None,
                    reminders=tuple(reminders.get(pk, ())),
                    expired=state == Return.State.EXPIRED,
                    refund_paid_on=paid_on,
                    days_late=days_late,
                    surcharge=surcharge,
                    lines=tuple(scopes.get(pk, ())),
                )
            )
    return found


def _line_scopes(ids: list[int]) -> dict[int, set[tuple[str, str]]]:
    """Per return, the (category, seller) of its lines: the line's own category, its seller's code
    ("" for the store itself), as the rollup names them."""
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    rows = ReturnLine.objects.filter(ret_id__in=ids).values_list(
        "ret_id", "order_line__category", "order_line__seller__code", "order_line__seller__kind"
    )
    for ret_id, category, seller, kind in rows:
        found[ret_id].add((category or "", "" if kind == Seller.Kind.STORE or seller is None else seller))
    return found


def _refunds(ids: list[int]) -> dict[int, tuple[date | None, int, Decimal]]:
    """Per return: the day its refund was paid in full (None while a request is unpaid), the most days
    late, and the surcharges owed."""
    paid: dict[int, list[date | None]] = defaultdict(list)
    late: dict[int, int] = defaultdict(int)
    owed: dict[int, Decimal] = defaultdict(Decimal)
    for ret_id, paid_on, days_late, surcharge in RefundRequest.objects.filter(ret_id__in=ids).values_list(
        "ret_id", "paid_on", "days_late", "late_surcharge"
    ):
        paid[ret_id].append(paid_on)
        late[ret_id] = max(late[ret_id], days_late)
        owed[ret_id] += surcharge
    result: dict[int, tuple[date | None, int, Decimal]] = {}
    for ret_id, days in paid.items():
        complete = None if any(day is None for day in days) else max(d for d in days if d is not None)
        result[ret_id] = (complete, late[ret_id], owed[ret_id])
    return result


def refresh_days(store: Store, days: Iterable[date]) -> int:
    """Write again every chasing cell of these request days of ``store``; the number of cells written."""
    written = 0
    for start, end in _parts(sorted(set(days))):
        written += _refresh(store, start, end)
    return written


def _parts(days: list[date]) -> Iterator[tuple[date, date]]:
    """Runs of consecutive days, at most ``DAYS_AT_ONCE`` long, as ``[start, end)``."""
    start: date | None = None
    previous: date | None = None
    for day in days:
        if start is None or previous is None:
            start = day
        elif day != previous + timedelta(days=1) or (day - start).days >= DAYS_AT_ONCE:
            yield start, previous + timedelta(days=1)
            start = day
        previous = day
    if start is not None and previous is not None:
        yield start, previous + timedelta(days=1)


@transaction.atomic
def _refresh(store: Store, start: date, end: date) -> int:
    cells = chasing.cells(chases(store, start, end))
    ChasingCell.objects.filter(store=store, day__gte=start, day__lt=end).delete()
    rows: list[tuple[object, ...]] = [
        (store.pk, day, dimension, key, *scope, tally.count, tally.value, tally.seconds)
        for (day, dimension, key, scope), tally in cells.items()
    ]
    for part in range(0, len(rows), BATCH):
        insert_rows(ChasingCell, COLUMNS, rows[part : part + BATCH])
    return len(rows)


def rebuild(store: Store) -> int:
    """Every chasing cell of ``store`` computed again; the number written."""
    ChasingCell.objects.filter(store=store).delete()
    bounds = Return.objects.filter(store=store).aggregate(first=Min("created_at"), last=Max("created_at"))
    if bounds["first"] is None:
        return 0
    zone = store.zone
    day, last = bounds["first"].astimezone(zone).date(), bounds["last"].astimezone(zone).date()
    written = 0
    while day <= last:
        part_end = min(day + timedelta(days=DAYS_AT_ONCE), last + timedelta(days=1))
        written += _refresh(store, day, part_end)
        day = part_end
    return written


def changed_days(store: Store, since: datetime) -> set[date]:
    """The request days of ``store``'s returns whose timeline, state or refunds changed at or after
    ``since``."""
    asked: set[datetime] = set()
    # Each question alone, so that each takes its index (one ``OR`` across a join reads every row).
    for moved in returns_moved(store, since):
        asked.update(moved.values_list("created_at", flat=True))
    for paid in refunds_paid(since):
        asked.update(
            paid.filter(order__store=store, request__isnull=False).values_list(
                "request__ret__created_at", flat=True
            )
        )
    asked.update(
        RefundRequest.objects.filter(ret__store=store, created_at__gte=since).values_list(
            "ret__created_at", flat=True
        )
    )
    zone = store.zone
    return {moment.astimezone(zone).date() for moment in asked if moment is not None}
