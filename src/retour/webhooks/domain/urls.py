"""Which receiver URLs an endpoint may have: https, or http on this machine only (a local receiver)."""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})


def acceptable(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  # a port that is not a number raises here
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
