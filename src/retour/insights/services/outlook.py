"""The refund outlook (what is owed now, the 12-week cash forecast) computed by the worker and stored, so
that pages read it instead of computing it (at 100,000 orders the computation takes tens of seconds: it
learns from every sold line and return of the store).

The worker (``tasks.refresh_outlooks``, every few minutes) keeps one ``StoredOutlook`` a store and day:
today's is computed when there is none yet, and again once the facts the analytics rollup follows have
changed (``services.rollup.version``; orders, returns, refunds), at most every ``REFRESH_AFTER``; the
dashboard's trend compares with the outlook of ``TREND_DAYS`` before, which the worker makes sure exists.
A day's outlook, once the day is over, is what was known then: it is kept, never computed again.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from retour.catalog.models import Store
from retour.insights import cashflow, forecast_report
from retour.insights.domain.forecast import Forecast
from retour.insights.models import StoredOutlook
from retour.insights.services.rollup import version

REFRESH_AFTER = timedelta(minutes=15)
TREND_DAYS = 28  # the dashboard's period: its trend is the outlook as of the day before it


def compute(store: Store, as_of: date) -> StoredOutlook:
    """The outlook as of the end of ``as_of``, computed from the facts now and stored (replacing the day's
    previous one)."""
    started = time.perf_counter()
    facts = version(store) or ""  # read first: facts changed while computing make it stale at once
    made = cashflow.forecast(store, as_of)
    liability = cashflow.owed_now(store, as_of)
    return _save(store, as_of, made, liability, facts, time.perf_counter() - started)


def _save(
    store: Store, as_of: date, made: Forecast, liability: cashflow.Liability, facts: str, seconds: float
) -> StoredOutlook:
    data = forecast_report.forecast_data(store, made, liability)
    with transaction.atomic():
        row, _created = StoredOutlook.objects.update_or_create(
            store=store,
            as_of=as_of,
            defaults={
                "computed_at": timezone.now(),
                "seconds": seconds,
                "version": facts,
                "owed": liability.total,
                "next_4_weeks": Decimal(data["next_4_weeks"]["expected"]),
                "next_4_weeks_low": Decimal(data["next_4_weeks"]["low"]),
                "next_4_weeks_high": Decimal(data["next_4_weeks"]["high"]),
                "data": data,
            },
        )
    return row


def _stored(brief: bool) -> QuerySet[StoredOutlook]:
    """Stored outlooks; ``brief``: without the forecast's data (the dashboard reads only the totals)."""
    return StoredOutlook.objects.defer("data") if brief else StoredOutlook.objects.all()


def of_day(store: Store, as_of: date, *, brief: bool = False) -> StoredOutlook:
    """The outlook stored for ``as_of``, computed and stored when there is none."""
    found = _stored(brief).filter(store=store, as_of=as_of).first()
    return found if found is not None else compute(store, as_of)


def current(store: Store, *, brief: bool = False) -> StoredOutlook:
    """The latest outlook stored up to the store's today (perhaps yesterday's, until the worker computes
    today's: pages show when it was computed); computed now only when the store has none yet."""
    found = _stored(brief).filter(store=store, as_of__lte=cashflow.today_of(store)).order_by("-as_of").first()
    return found if found is not None else compute(store, cashflow.today_of(store))


def as_of(store: Store, day: date, *, brief: bool = False) -> StoredOutlook:
    """What a page shows as of ``day``: the current outlook for the store's today (or later), else that
    day's."""
    if day >= cashflow.today_of(store):
        return current(store, brief=brief)
    return of_day(store, day, brief=brief)


def stale(row: StoredOutlook | None, facts: str, now: datetime) -> bool:
    """Whether today's outlook ``row`` is to be computed again: there is none, or the facts changed since
    and it is at least ``REFRESH_AFTER`` old."""
    return row is None or (row.version != facts and now - row.computed_at >= REFRESH_AFTER)


def refresh(store: Store, *, now: datetime | None = None) -> int:
    """Bring the store's outlooks up to date (today's, and the trend's day); the number computed."""
    now = now or timezone.now()
    today = timezone.localdate(now, store.zone)
    done = 0
    if stale(StoredOutlook.objects.filter(store=store, as_of=today).first(), version(store) or "", now):
        compute(store, today)
        done += 1
    trend = today - timedelta(days=TREND_DAYS)
    if not StoredOutlook.objects.filter(store=store, as_of=trend).exists():
        compute(store, trend)
        done += 1
    return done


def refresh_all(*, now: datetime | None = None) -> int:
    return sum(refresh(store, now=now) for store in Store.objects.order_by("pk"))
