"""Signing outgoing webhooks as Standard Webhooks and Stripe do (docs/webhooks.md).

Each request carries ``Webhook-Id`` (the event's id, the same on every retry), ``Webhook-Timestamp``
(Unix seconds when this attempt was signed) and ``Webhook-Signature: v1,<signature>``, where the signature
is the base64 of HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 bytes, ``whsec_`` prefix
included), of ``"{id}.{timestamp}.{body}"``. ``verify`` is the receiver's side, as docs/webhooks.md
gives it to copy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105  # the prefix, not a secret
TOLERANCE_SECONDS = 5 * 60  # a signature older or newer than this is refused (a replayed request)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Webhook-Id": webhook_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": "v1," + signature(secret, webhook_id, timestamp, body),
    }


def verify(
    secret: str,
    request_headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``body`` was signed with ``secret`` less than ``tolerance`` seconds ago (the receiver's
    side: it needs only the standard library, docs/webhooks.md gives it to copy)."""
    found = {name.lower(): value for name, value in request_headers.items()}
    webhook_id = found.get("webhook-id", "")
    stamp = found.get("webhook-timestamp", "")
    if not webhook_id or not stamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > tolerance:
        return False
    signed = f"{webhook_id}.{stamp}.".encode() + body
    expected = base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()
    for candidate in found.get("webhook-signature", "").split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False
