"""The shop's side of a webhook: a body signed as Shopify and WooCommerce sign theirs (base64 of
HMAC-SHA256 of the raw body with the shared secret), and an order as the shop sends it again later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def as_body(payload: object) -> bytes:
    return json.dumps(payload, default=str).encode()


def later(payload: dict[str, Any], hours: int, **changes: Any) -> dict[str, Any]:
    """The same order as the shop would send it ``hours`` after its last update, with ``changes``."""
    stamp = datetime.fromisoformat(str(payload["updated_at"])) + timedelta(hours=hours)
    return {**payload, "updated_at": stamp.isoformat(), **changes}
