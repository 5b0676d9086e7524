"""The signatures shops put on their webhooks, checked against the raw body as it arrived.

Shopify (``X-Shopify-Hmac-Sha256``) and WooCommerce (``X-WC-Webhook-Signature``) both send the base64 of
HMAC-SHA256 of the request's body, keyed with the secret the store shares with the shop (its UTF-8 bytes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def body_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def is_signed(secret: str, body: bytes, given: str) -> bool:
    """True when ``given`` is the body's signature with ``secret`` (compared in constant time)."""
    if not secret or not given:
        return False
    return hmac.compare_digest(body_signature(secret, body).encode(), given.strip().encode())
