"""Webhooks from Shopify and WooCommerce through Retour's one endpoint per platform: applied once through
the order writer of the imports; forged, replayed, duplicated and out-of-order ones change nothing and are
logged."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from fakes.shop_webhooks import later, sign
from retour.orders.importers.json_orders import loads
from retour.orders.models import Order
from retour.shopsync.models import ReceivedWebhook, SyncedOrder

pytestmark = pytest.mark.django_db


def outcomes() -> Counter[str]:
    return Counter(ReceivedWebhook.objects.values_list("outcome", flat=True))


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Order.objects.order_by("pk").values_list("number", "content_hash", "cancelled_at", "refunded_amount")
    )


def test_an_order_created_in_shopify_is_written_by_the_import_writer(
    shopify, send_shopify, docs_order
) -> None:
    answer = send_shopify("orders/create", docs_order, "wh-1")
    assert answer.status_code == 200, answer.content
    assert answer.json()["outcome"] == "applied"
    order = Order.objects.get(store=shopify.store, number="#9999")
    assert (order.external_id, order.currency, order.source) == ("820982911946154500", "USD", "shopify")
    assert (order.total, order.discount, order.shipping) == (
        Decimal("404.95"),
        Decimal("20.00"),
        Decimal("10.00"),
    )
    assert [line.title for line in order.lines.order_by("position")][:2] == [
        "Aviator sunglasses",
        "Lens Protection Plan (2 Year)",
    ]
    assert sum(line.order_discount_share for line in order.lines.all()) == Decimal("20.00")
    synced = SyncedOrder.objects.get()
    assert (synced.order, synced.external_id) == (order, "820982911946154500")


def test_an_order_updated_in_shopify_updates_the_same_order(shopify, send_shopify, docs_order) -> None:
    send_shopify("orders/create", docs_order, "wh-1")
    first = Order.objects.get()
    send_shopify("orders/updated", later(docs_order, 1, cancelled_at="2022-01-01T10:00:00-05:00"), "wh-2")
    order = Order.objects.get()
    assert order.pk == first.pk
    assert order.cancelled_at.isoformat() == "2022-01-01T15:00:00+00:00"
    assert outcomes() == {"applied": 2}


def test_refunds_create_adds_the_refund_to_its_order(shopify, send_shopify, docs_order, docs_refund) -> None:
    send_shopify("orders/create", docs_order, "wh-1")
    answer = send_shopify("refunds/create", docs_refund, "wh-2")
    assert answer.json()["outcome"] == "applied"
    assert Order.objects.get().refunded_amount == Decimal("85.00")  # its two transactions, 75.00 and 10.00
    send_shopify("refunds/create", docs_refund, "wh-3")  # the same refund again, under another id
    assert Order.objects.get().refunded_amount == Decimal("85.00")
    assert outcomes() == {"applied": 2, "unchanged": 1}


def test_a_refund_for_an_order_that_did_not_come_from_the_shop_changes_nothing(
    shopify, send_shopify, docs_refund
) -> None:
    answer = send_shopify("refunds/create", docs_refund, "wh-1")
    assert (answer.status_code, answer.json()["outcome"]) == (200, "unknown_order")
    assert not Order.objects.exists()


def test_forged_replayed_duplicated_and_out_of_order_webhooks_change_nothing_and_are_counted(
    shopify, send_shopify, docs_order, caplog
) -> None:
    send_shopify("orders/create", docs_order, "wh-1")
    newer = later(docs_order, 2, fulfillment_status="fulfilled")
    send_shopify("orders/updated", newer, "wh-2")
    before = snapshot()

    forged = later(docs_order, 3, cancelled_at="2022-01-02T10:00:00-05:00")
    assert send_shopify("orders/cancelled", forged, "wh-f1", secret="not-the-secret").status_code == 401
    assert send_shopify("orders/cancelled", forged, "wh-f2", signature="").status_code == 401
    assert send_shopify("orders/cancelled", forged, "wh-f3", domain="other.myshopify.com").status_code == 401
    body = json.dumps(newer).encode()
    tampered = body.replace(b'"#9999"', b'"#6666"')
    assert (
        send_shopify(
            "orders/updated", None, "wh-f4", body=tampered, signature=sign("shopify-app-secret", body)
        ).status_code
        == 401
    )

    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    assert (
        send_shopify("orders/cancelled", forged, "wh-r1", sent_at=three_days_ago).json()["outcome"]
        == "replayed"
    )
    assert send_shopify("orders/updated", newer, "wh-2").json()["outcome"] == "duplicate"
    assert (
        send_shopify(
            "orders/updated", later(docs_order, 1, cancelled_at="2022-01-01T00:00:00-05:00"), "wh-o1"
        ).json()["outcome"]
        == "stale"
    )

    assert snapshot() == before
    assert Order.objects.get().fulfillment_status == "fulfilled"  # the newest version stays
    assert outcomes() == {"applied": 2, "forged": 4, "replayed": 1, "duplicate": 1, "stale": 1}
    refused = [r for r in caplog.records if r.name == "retour.shopsync"]
    assert Counter(r.args[0] for r in refused) == {"forged": 4, "replayed": 1, "duplicate": 1, "stale": 1}


def test_an_order_that_does_not_add_up_is_refused_and_logged(shopify, send_shopify, docs_order) -> None:
    broken = {**docs_order, "total_price": "1.00", "total_price_set": None}
    answer = send_shopify("orders/create", broken, "wh-1")
    assert (answer.status_code, answer.json()["outcome"]) == (200, "invalid")
    assert not Order.objects.exists()
    assert "total" in ReceivedWebhook.objects.get().detail
    assert send_shopify("orders/create", broken, "wh-1").json()["outcome"] == "duplicate"


def test_a_topic_retour_does_not_use_is_logged_and_ignored(shopify, send_shopify) -> None:
    assert send_shopify("products/update", {"id": 1}, "wh-1").json()["outcome"] == "ignored"


def test_the_hookdeck_capture_of_a_real_delivery_is_applied(
    shopify, send_shopify, fixtures_dir: Path
) -> None:
    captured = loads((fixtures_dir / "shopify/webhooks/hookdeck_2024-10_orders.create.json").read_text())
    assert (
        send_shopify(captured["headers"]["x-shopify-topic"], captured["body"], "wh-1").json()["outcome"]
        == "applied"
    )
    order = Order.objects.get()
    assert (order.number, order.total, order.financial_status) == ("#9999", Decimal("388.00"), "voided")
    assert order.cancelled_at is not None
    # Its refund (captured the same way) gives back the two lines but moves no money: nothing changes.
    refund = loads((fixtures_dir / "shopify/webhooks/hookdeck_2024-10_refunds.create.json").read_text())
    assert refund["body"]["order_id"] == captured["body"]["id"]
    assert send_shopify("refunds/create", refund["body"], "wh-2").json()["outcome"] == "unchanged"
    assert Order.objects.get().refunded_amount == 0
    assert len(SyncedOrder.objects.get().payload["refunds"]) == 1


def test_woocommerce_order_webhooks_are_verified_and_applied_once(woo, send_woo, fixtures_dir: Path) -> None:
    order = json.loads((fixtures_dir / "woocommerce/wc-v3-docs_order-727_retrieve.json").read_text())
    assert send_woo("order.created", order, "d-1").json()["outcome"] == "applied"
    stored = Order.objects.get()
    assert (stored.number, stored.total, stored.tax, stored.source) == (
        "727",
        Decimal("29.35"),
        Decimal("1.35"),
        "woocommerce",
    )
    assert [line.title for line in stored.lines.order_by("position")][1].startswith("Ship Your Idea – Color")
    assert send_woo("order.updated", order, "d-1").json()["outcome"] == "duplicate"
    assert (
        send_woo("order.updated", {**order, "status": "cancelled"}, "d-2", secret="guess").status_code == 401
    )
    older = {**order, "status": "cancelled", "date_modified_gmt": "2017-03-22T19:00:00"}
    assert send_woo("order.updated", older, "d-3").json()["outcome"] == "stale"
    completed = {**order, "status": "completed", "date_modified_gmt": "2017-03-23T10:00:00"}
    assert send_woo("order.updated", completed, "d-4").json()["outcome"] == "applied"
    assert Order.objects.get().fulfillment_status == "fulfilled"
    assert outcomes() == {"applied": 2, "duplicate": 1, "forged": 1, "stale": 1}


def test_one_shopify_event_sent_to_two_subscriptions_is_applied_once(shopify, client, docs_order) -> None:
    body = json.dumps(docs_order, default=str).encode()
    for webhook_id in ("sub-1", "sub-2"):
        client.post(
            "/api/v1/shop/webhooks/shopify",
            data=body,
            content_type="application/json",
            headers={
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Hmac-Sha256": sign("shopify-app-secret", body),
                "X-Shopify-Shop-Domain": "retour-test.myshopify.com",
                "X-Shopify-Webhook-Id": webhook_id,
                "X-Shopify-Event-Id": "event-1",
            },
        )
    assert outcomes() == {"applied": 1, "duplicate": 1}
