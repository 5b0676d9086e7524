"""Chasing and refund speed of the returns a store was asked for in a period (issue 11, item 5).

Read from Retour's own records (imported past returns hold no approval, reminder or refund request):

- requested: ``Return.created_at`` in the period (the store's days);
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
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q

from retour.catalog.models import Seller, Store
from retour.insights.cost_queries import Filters
from retour.insights.domain import chasing, metrics
from retour.insights.queries import _chunks, _return_lines
from retour.refunds.models import RefundRequest
from retour.returns.models import Return, ReturnEvent

SHIPPED_STATES = (Return.State.IN_TRANSIT, Return.State.RECEIVED)


@dataclass(frozen=True)
class StoreChasing:
    store: Store
    period: metrics.Period
    result: chasing.Chasing

    def as_dict(self) -> dict[str, object]:
        return chasing.report(self.result, self.store.currency)


def _filtered(store: Store, period: metrics.Period, filters: Filters | None) -> Q:
    q = Q(store=store, created_at__gte=period.since, created_at__lt=period.until)
    if filters is not None and filters.category is not None:
        q &= Q(lines__order_line__category=filters.category)
    if filters is not None and filters.seller is not None:
        if filters.seller == "":
            q &= Q(lines__order_line__seller__kind=Seller.Kind.STORE)
        else:
            q &= Q(lines__order_line__seller__code=filters.seller)
    return q


def store_chasing(store: Store, start: date, end: date, *, filters: Filters | None = None) -> StoreChasing:
    period = metrics.Period(start, end, store.zone)
    rows = list(
        Return.objects.filter(_filtered(store, period, filters))
        .distinct()
        .order_by("pk")
        .values_list("pk", "created_at", "approved_at", "return_method", "state")
    )
    return StoreChasing(store, period, chasing.compute(_chases(store, rows)))


def _chases(store: Store, rows: list[tuple[int, datetime, datetime | None, str, str]]) -> list[chasing.Chase]:
    found = []
    by_pk = {row[0]: row for row in rows}
    for part in _chunks(list(by_pk)):
        lines = _return_lines(part, store.currency)
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
                )
            )
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
