"""Slowing down guessing: a client may try a few lookups, and an order number a few failures, per window.

Counted in the database, so every web process sees the same counts; only hashes are stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from retour.portal.models import LookupAttempt

WINDOW = timedelta(minutes=15)
PER_CLIENT = 10  # lookups by one address in a window, whatever their outcome
FAILURES_PER_ORDER = 5  # failed lookups of one order number in a window, from anywhere


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_in_minutes: int = 0


def _hash(*parts: str) -> str:
    text = "\x1f".join((settings.SECRET_KEY, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


def client_key(request: HttpRequest) -> str:
    return _hash("client", request.META.get("REMOTE_ADDR", ""))


def order_key(store_code: str, number: str) -> str:
    return _hash("order", store_code, number.strip().lstrip("#").upper())


def check(client: str, order: str | None) -> Verdict:
    since = timezone.now() - WINDOW
    recent = LookupAttempt.objects.filter(at__gte=since)
    by_client = recent.filter(scope="client", key=client)
    if by_client.count() >= PER_CLIENT:
        return _wait(by_client)
    if order is not None:
        failures = recent.filter(scope="order", key=order, succeeded=False)
        if failures.count() >= FAILURES_PER_ORDER:
            return _wait(failures)
    return Verdict(True)


def _wait(attempts: QuerySet[LookupAttempt]) -> Verdict:
    first = attempts.order_by("at").values_list("at", flat=True).first()
    left = (first + WINDOW - timezone.now()) if first else WINDOW
    return Verdict(False, max(1, int(left.total_seconds() // 60) + 1))


def record(client: str, order: str | None, *, succeeded: bool) -> None:
    LookupAttempt.objects.create(scope="client", key=client, succeeded=succeeded)
    if order is not None:
        LookupAttempt.objects.create(scope="order", key=order, succeeded=succeeded)
