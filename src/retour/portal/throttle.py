"""Slowing down guessing: a client may try a few lookups, and an order number a few failures, per window.

Counted in the database, so every web process sees the same counts; only hashes are stored. Asking for
the emailed link is counted apart (a shopper who mistyped their email ten times can still ask for the
link), with its own limits so that nobody can flood an order's mailbox.

Behind a reverse proxy every request comes from the proxy's address: the client is counted by
``core.clients.client_address``, which believes ``X-Forwarded-For`` only from ``TRUSTED_PROXIES``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from retour.core.clients import client_address
from retour.portal.models import LookupAttempt

WINDOW = timedelta(minutes=15)
PER_CLIENT = 10  # lookups by one address in a window, whatever their outcome
FAILURES_PER_ORDER = 5  # failed lookups of one order number in a window, from anywhere
# A postal code is easier to guess than an email address: fewer failures, over a longer window.
POSTAL_WINDOW = timedelta(hours=1)
POSTAL_FAILURES_PER_ORDER = 3
LINKS_PER_CLIENT = 5  # emailed links asked by one address in a window
LINKS_PER_EMAIL = 3  # emailed links asked for one email address in a window, from anywhere
KEPT = timedelta(days=1)  # attempts older than this count for nothing: the periodic job deletes them


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_in_minutes: int = 0


def _hash(*parts: str) -> str:
    text = "\x1f".join((settings.SECRET_KEY, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


def client_key(request: HttpRequest) -> str:
    return _hash("client", client_address(request))


def order_key(store_code: str, number: str) -> str:
    """The order number as a shopper may type it: spaces, case and punctuation do not make another."""
    return _hash("order", store_code, _ALPHANUMERIC.sub("", number.upper()))


def email_key(store_code: str, email: str) -> str:
    return _hash("email", store_code, email.strip().casefold())


@dataclass(frozen=True)
class Attempt:
    """A lookup, counted before it is tried, and the verdict on it."""

    ids: tuple[int, ...]
    verdict: Verdict


def begin(client: str, order: str, *, postal: bool) -> Attempt:
    """Record a lookup as a failure until it succeeds, then count.

    Counting after recording is what makes the limits hold under parallel guesses: each request's count
    sees its own row and every row committed before it, so the request whose row is the limit's n-th + 1
    sees more than the limit, whatever the interleaving. A refused request takes its rows back, so that
    hammering does not lengthen the wait of the shopper who owns the order.
    """
    rows = [LookupAttempt(scope="client", key=client), LookupAttempt(scope="order", key=order)]
    if postal:
        rows.append(LookupAttempt(scope="postal", key=order))
    ids = _save(rows)
    now = timezone.now()
    recent = LookupAttempt.objects.filter(at__gte=now - WINDOW)
    limits: list[tuple[QuerySet[LookupAttempt], int, timedelta]] = [
        (recent.filter(scope="client", key=client), PER_CLIENT, WINDOW),
        (recent.filter(scope="order", key=order, succeeded=False), FAILURES_PER_ORDER, WINDOW),
    ]
    if postal:
        slower = LookupAttempt.objects.filter(at__gte=now - POSTAL_WINDOW, scope="postal", key=order)
        limits.append((slower.filter(succeeded=False), POSTAL_FAILURES_PER_ORDER, POSTAL_WINDOW))
    verdict = _over(limits, ids)
    return Attempt(() if not verdict.allowed else ids, verdict)


def succeeded(attempt: Attempt) -> None:
    """The lookup found the order: it is no failure."""
    LookupAttempt.objects.filter(pk__in=attempt.ids).update(succeeded=True)


def ask_link(client: str, email: str) -> Verdict:
    """May this client have a link emailed to this address now? Lookups and guesses at order numbers do
    not count: only the links asked, per address and per email address, counted as ``begin`` counts."""
    ids = _save([LookupAttempt(scope="link", key=client), LookupAttempt(scope="link-email", key=email)])
    recent = LookupAttempt.objects.filter(at__gte=timezone.now() - WINDOW)
    return _over(
        [
            (recent.filter(scope="link", key=client), LINKS_PER_CLIENT, WINDOW),
            (recent.filter(scope="link-email", key=email), LINKS_PER_EMAIL, WINDOW),
        ],
        ids,
    )


def _save(rows: list[LookupAttempt]) -> tuple[int, ...]:
    for row in rows:
        row.save()  # one by one, each committed (autocommit) before anything is counted
    return tuple(row.pk for row in rows)


def _over(limits: list[tuple[QuerySet[LookupAttempt], int, timedelta]], ids: tuple[int, ...]) -> Verdict:
    """Refused (the rows ``ids`` taken back) when a count is over its limit; how long to wait."""
    for attempts, limit, window in limits:
        if attempts.count() > limit:
            LookupAttempt.objects.filter(pk__in=ids).delete()
            first = attempts.order_by("at").values_list("at", flat=True).first()
            left = (first + window - timezone.now()) if first else window
            return Verdict(False, max(1, int(left.total_seconds() // 60) + 1))
    return Verdict(True)


def prune(now: datetime | None = None) -> int:
    """Delete the attempts too old to count; how many went."""
    moment = timezone.now() if now is None else now
    deleted, _by_model = LookupAttempt.objects.filter(at__lt=moment - KEPT).delete()
    return deleted
