from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fakes.shop_webhooks import as_body, sign
from retour.catalog.models import Store
from retour.orders.importers.json_orders import loads
from retour.shopsync.models import Connection
from retour.shopsync.services import connections

SECRET = "shopify-app-secret"  # a test secret
WOO_SECRET = "woo-webhook-secret"


@pytest.fixture
def shopify(store: Store) -> Connection:
    return connections.connect(store, "shopify", "retour-test.myshopify.com", SECRET, "shpat_test_token")


@pytest.fixture
def woo(store: Store) -> Connection:
    return connections.connect(store, "woocommerce", "shop.example.com", WOO_SECRET, "ck_test", "cs_test")


@pytest.fixture
def docs_order(fixtures_dir: Path) -> dict[str, Any]:
    """Shopify's documentation example of an order (orders/paid, API 2026-04): #9999, 5 lines, 404.95 USD."""
    path = fixtures_dir / "shopify" / "webhooks" / "shopify-docs_2026-04_orders.paid.metadata.json"
    order: dict[str, Any] = loads(path.read_text())["response"]
    return order


@pytest.fixture
def docs_refund(fixtures_dir: Path) -> dict[str, Any]:
    path = fixtures_dir / "shopify" / "webhooks" / "shopify-docs_2026-04_refunds.create.metadata.json"
    refund: dict[str, Any] = loads(path.read_text())["response"]
    return refund


@pytest.fixture
def send_shopify(client: Client) -> Callable[..., Any]:
    """POST a Shopify webhook to Retour's endpoint, signed like Shopify signs it (or as told)."""

    def send(
        topic: str,
        payload: object,
        webhook_id: str,
        *,
        secret: str = SECRET,
        domain: str = "retour-test.myshopify.com",
        sent_at: datetime | None = None,
        body: bytes | None = None,
        signature: str | None = None,
    ) -> Any:
        raw = as_body(payload) if body is None else body
        sent = (sent_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return client.post(
            "/api/v1/shop/webhooks/shopify",
            data=raw,
            content_type="application/json",
            headers={
                "X-Shopify-Topic": topic,
                "X-Shopify-Hmac-Sha256": signature if signature is not None else sign(secret, raw),
                "X-Shopify-Shop-Domain": domain,
                "X-Shopify-Webhook-Id": webhook_id,
                "X-Shopify-Triggered-At": sent,
                "X-Shopify-API-Version": "2026-01",
            },
        )

    return send


@pytest.fixture
def send_woo(client: Client) -> Callable[..., Any]:
    def send(topic: str, payload: object, delivery_id: str, *, secret: str = WOO_SECRET) -> Any:
        raw = as_body(payload)
        return client.post(
            "/api/v1/shop/webhooks/woocommerce",
            data=raw,
            content_type="application/json",
            headers={
                "X-WC-Webhook-Topic": topic,
                "X-WC-Webhook-Signature": sign(secret, raw),
                "X-WC-Webhook-Source": "https://shop.example.com/",
                "X-WC-Webhook-Delivery-ID": delivery_id,
                "X-WC-Webhook-ID": "12",
            },
        )

    return send
