"""Slowing down guessing: a client may try a few lookups, and an order number a few failures, per window.

Counted in the database, so every web process sees the same counts; only hashes are stored. Asking for
the emailed link is counted apart (a shopper who mistyped their email ten times can still ask for the
link), with its own limits so that nobody can flood an order's mailbox.

Behind a reverse proxy every request comes from the proxy's address: with ``TRUSTED_PROXIES`` set, the
client is the last address of ``X-Forwarded-For`` that is not one of those proxies (a client can put
anything at the start of that header, never after the address its proxy appends).
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from retour.portal.models import LookupAttempt

WINDOW = timedelta(minutes=15)
PER_CLIENT = 10  # lookups by one address in a window, whatever their outcome
FAILURES_PER_ORDER = 5  # failed lookups of one order number in a window, from anywhere
LINKS_PER_CLIENT = 5  # emailed links asked by one address in a window
LINKS_PER_ORDER = 3  # emailed links asked for one order number in a window, from anywhere
KEPT = timedelta(days=1)  # attempts older than this count for nothing: the periodic job deletes them


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_in_minutes: int = 0


def _hash(*parts: str) -> str:
    text = "\x1f".join((settings.SECRET_KEY, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _proxies(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _is_proxy(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: HttpRequest) -> str:
    """The shopper's address: the connection's, or behind trusted proxies the last one they forwarded."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = _proxies(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not proxies or not _is_proxy(remote, proxies):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _is_proxy(hop, proxies):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # not an address a proxy writes: count the proxy rather than believe it
    return hops[0] if hops else remote


def client_key(request: HttpRequest) -> str:
    return _hash("client", client_address(request))


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


def check_link(client: str, order: str) -> Verdict:
    """May this client ask for the emailed link to this order number now (lookups do not count)?"""
    recent = LookupAttempt.objects.filter(at__gte=timezone.now() - WINDOW)
    for scope, key, limit in (("link", client, LINKS_PER_CLIENT), ("link-order", order, LINKS_PER_ORDER)):
        asked = recent.filter(scope=scope, key=key)
        if asked.count() >= limit:
            return _wait(asked)
    return Verdict(True)


def record_link(client: str, order: str) -> None:
    LookupAttempt.objects.bulk_create(
        [
            LookupAttempt(scope="link", key=client, succeeded=True),
            LookupAttempt(scope="link-order", key=order),
        ]
    )


def prune(now: datetime | None = None) -> int:
    """Delete the attempts too old to count; how many went."""
    moment = timezone.now() if now is None else now
    deleted, _by_model = LookupAttempt.objects.filter(at__lt=moment - KEPT).delete()
    return deleted
