"""Who is asking: the client's address, seen through the reverse proxies the operator trusts.

Behind a reverse proxy every request comes from the proxy's address: with ``TRUSTED_PROXIES`` set, the
client is the last address of ``X-Forwarded-For`` that is not one of those proxies (a client can put
anything at the start of that header, never after the address its proxy appends). The lookup limits
(portal/throttle.py) count by it and ``/metrics`` answers only the addresses in ``METRICS_ALLOWED``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def is_in(address: str, within: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == network.version and ip in network for network in within)


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's, or behind trusted proxies the last one they forwarded."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not proxies or not is_in(remote, proxies):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if is_in(hop, proxies):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # not an address a proxy writes: count the proxy rather than believe it
    return hops[0] if hops else remote
