"""Back to the shop: a return approved in Retour, its refund and an exchange's new order are created in
Shopify through its Admin GraphQL API (a local fake server that checks the token and each mutation), and
a refund is posted to WooCommerce's REST API, by the real worker, retried when the shop fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from fakes.shopify_server import FakeShopify
from fakes.woocommerce_server import FakeWooCommerce
from retour.orders.models import Order
from retour.refunds.services.paying import request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.resolutions import exchange
from retour.shopsync.models import Connection, OutgoingSync, ReceivedWebhook
from retour.shopsync.services import pulling, pushing
from retour.shopsync.tasks import push_due_syncs

# The real worker closes its database connection when done: each test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.now(UTC)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def fake_shopify(shopify: Connection) -> Any:
    server = FakeShopify(token="shpat_test_token").start()
    shopify.api_url = server.url
    shopify.save(update_fields=["api_url"])
    yield server
    server.stop()


def delivered(order: dict[str, Any]) -> dict[str, Any]:
    """Shopify's example order as a shop sends it once paid, shipped and delivered to France."""
    lines = [{**line, "fulfillment_status": "fulfilled"} for line in order["line_items"]]
    return {
        **order,
        "created_at": (NOW - timedelta(days=8)).isoformat(),
        "processed_at": (NOW - timedelta(days=8)).isoformat(),
        "updated_at": (NOW - timedelta(days=5)).isoformat(),
        "cancelled_at": None,
        "financial_status": "paid",
        "total_outstanding": "0.00",
        "fulfillment_status": "fulfilled",
        "customer_locale": "fr",
        "shipping_address": {**order["shipping_address"], "country_code": "FR"},
        "line_items": lines,
        "fulfillments": [
            {
                "id": 1,
                "status": "success",
                "shipment_status": "delivered",
                "created_at": (NOW - timedelta(days=7)).isoformat(),
                "updated_at": (NOW - timedelta(days=5)).isoformat(),
                "line_items": [{"id": line["id"]} for line in lines],
            }
        ],
    }


@pytest.fixture
def shop_order(policy_store, shopify, fake_shopify, docs_order, send_shopify) -> Order:
    assert send_shopify("orders/create", delivered(docs_order), "wh-1").json()["outcome"] == "applied"
    fake_shopify.fulfilled[docs_order["admin_graphql_api_id"]] = [
        line["admin_graphql_api_id"] for line in docs_order["line_items"]
    ]
    return Order.objects.get(number="#9999")


def returned(order: Order, capture: Any) -> Return:
    line = order.lines.order_by("position").first()
    assert line is not None
    with capture(execute=True):
        ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    assert ret.state == "approved"
    return ret


def test_an_approved_return_and_its_refund_are_created_in_shopify(
    shop_order, fake_shopify, docs_order, agent, django_capture_on_commit_callbacks
) -> None:
    ret = returned(shop_order, django_capture_on_commit_callbacks)
    run_worker()
    (made,) = fake_shopify.returns
    first_line = docs_order["line_items"][0]["admin_graphql_api_id"]
    (line,) = made["input"]["returnLineItems"]
    assert made["input"]["orderId"] == docs_order["admin_graphql_api_id"]
    assert line == {
        "fulfillmentLineItemId": first_line.replace("/LineItem/", "/FulfillmentLineItem/"),
        "quantity": 1,
        "returnReason": "SIZE_TOO_SMALL",
        "returnReasonNote": "",
    }
    sync = OutgoingSync.objects.get(kind="return")
    assert (sync.status, sync.attempts, sync.remote_id) == ("succeeded", 1, "gid://shopify/Return/1")

    with django_capture_on_commit_callbacks(execute=True):
        ret = handling.receive(ret, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        ret = handling.inspect(ret, [handling.Grading(x.pk, "unopened") for x in ret.lines.all()], actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        request_refund(ret, idempotency_key="credit", method="store_credit", actor=agent)
    run_worker()
    (refund,) = fake_shopify.refunds.values()
    given = refund["input"]
    assert given["refundLineItems"] == [
        {"lineItemId": first_line, "quantity": 1, "restockType": "NO_RESTOCK"}
    ]
    (transaction,) = given["transactions"]
    assert (transaction["kind"], transaction["gateway"]) == ("REFUND", "manual")
    refunded = ret.events.get(kind="refunded").data["amount"]
    assert (
        Decimal(transaction["amount"]) == Decimal(refunded) > 0
    )  # what Retour paid, recorded, not paid again
    sync = OutgoingSync.objects.get(kind="refund")
    assert (sync.status, sync.remote_id) == ("succeeded", "gid://shopify/Refund/1")
    assert [name for name, _ in fake_shopify.calls] == [
        "returnableFulfillments",
        "returnCreate",
        "refundCreate",
    ]
    run_worker()
    assert len(fake_shopify.calls) == 3  # each sent once


def test_a_shop_that_fails_is_tried_again_and_staff_can_send_again(
    shop_order, fake_shopify, django_capture_on_commit_callbacks
) -> None:
    fake_shopify.fail_next = 1
    returned(shop_order, django_capture_on_commit_callbacks)
    run_worker()
    sync = OutgoingSync.objects.get()
    assert (sync.status, sync.attempts) == ("failed", 1)
    assert "503" in sync.last_error
    waited = sync.next_attempt_at - sync.updated_at
    assert timedelta(seconds=55) < waited <= timedelta(minutes=1)
    run_worker()
    assert not fake_shopify.returns  # not due yet
    with django_capture_on_commit_callbacks(execute=True):
        pushing.retry(sync)
    run_worker()
    sync.refresh_from_db()
    assert (sync.status, sync.attempts, sync.remote_id) == ("succeeded", 2, "gid://shopify/Return/1")
    assert len(fake_shopify.returns) == 1


def test_a_sync_whose_sending_was_never_queued_is_sent_by_the_periodic_job(
    shop_order, fake_shopify, django_capture_on_commit_callbacks
) -> None:
    line = shop_order.lines.order_by("position").first()
    assert line is not None
    with django_capture_on_commit_callbacks(execute=True):
        create_return(shop_order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    DBTaskResult.objects.all().delete()  # its task is lost (a process stopped before queueing it)
    run_worker()
    assert not fake_shopify.returns
    push_due_syncs.enqueue()
    run_worker()
    assert len(fake_shopify.returns) == 1
    assert OutgoingSync.objects.get().status == "succeeded"
    push_due_syncs.enqueue()
    run_worker()
    assert len(fake_shopify.returns) == 1  # sent once


def test_a_wrong_access_token_is_refused_by_shopify_and_nothing_is_created(
    shop_order, shopify, fake_shopify, django_capture_on_commit_callbacks
) -> None:
    Connection.objects.filter(pk=shopify.pk).update(access_token="shpat_revoked")
    returned(shop_order, django_capture_on_commit_callbacks)
    run_worker()
    sync = OutgoingSync.objects.get()
    assert (sync.status, fake_shopify.refused_tokens, fake_shopify.returns) == ("failed", 1, [])
    assert "401" in sync.last_error


def test_a_replacement_is_created_in_shopify_as_a_new_order(
    shop_order, fake_shopify, docs_order, send_shopify, django_capture_on_commit_callbacks
) -> None:
    ret = returned(shop_order, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ret = handling.receive(ret, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        ret = handling.inspect(ret, [handling.Grading(x.pk, "unopened") for x in ret.lines.all()], actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        made = exchange(ret, ret.lines.get(), actor=None)
    run_worker()
    (order,) = fake_shopify.orders
    (line,) = order["input"]["lineItems"]
    assert line["title"].startswith("Aviator sunglasses")
    assert (line["sku"], line["quantity"]) == ("SKU2006-001", 1)
    assert line["priceSet"]["shopMoney"] == {"amount": "89.99", "currencyCode": "USD"}
    assert order["input"]["sourceIdentifier"] == made.order.number
    sync = OutgoingSync.objects.get(kind="exchange_order")
    assert (sync.status, sync.remote_id) == ("succeeded", order["id"])
    # Shopify then sends its orders/create for it: the copy of Retour's own order is not imported again.
    copy = {**docs_order, "id": 9000, "name": order["name"], "tags": "retour, exchange"}
    answer = send_shopify("orders/create", {**copy, "source_identifier": made.order.number}, "wh-copy")
    assert answer.json()["outcome"] == "ignored"
    assert not Order.objects.filter(number=order["name"]).exists()


def test_an_order_not_from_a_shop_sends_nothing(order, shopify, django_capture_on_commit_callbacks) -> None:
    returned(order, django_capture_on_commit_callbacks)
    assert not OutgoingSync.objects.exists()


@pytest.fixture
def woo_orders(fixtures_dir: Path) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = json.loads(
        (fixtures_dir / "woocommerce/wc-v3-docs_orders_list.json").read_text()
    )
    return orders


def test_woocommerce_orders_are_imported_through_its_rest_api_and_a_refund_is_posted_back(
    policy_store, woo, woo_orders, agent, django_capture_on_commit_callbacks
) -> None:
    recent = (NOW - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%S")
    orders = [
        {**o, "date_created_gmt": recent, "date_modified_gmt": recent, "status": "completed", "refunds": []}
        for o in woo_orders
    ]
    for o in orders:
        o["shipping"] = {**o["shipping"], "country": "FR"}
    server = FakeWooCommerce(orders).start()
    try:
        woo.api_url = server.url
        woo.save(update_fields=["api_url"])
        report = pulling.import_shop_orders(woo)
        assert (report.ok, report.created) == (True, 2)
        order = Order.objects.get(number="727")
        assert (order.total, order.source, order.shop_sync.external_id) == (
            Decimal("29.35"),
            "woocommerce",
            "727",
        )
        assert pulling.import_shop_orders(woo).unchanged == 2  # again: nothing changes

        line = order.lines.order_by("position").last()  # "Ship Your Idea", 12.00
        assert line is not None
        with django_capture_on_commit_callbacks(execute=True):
            ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
        with django_capture_on_commit_callbacks(execute=True):
            ret = handling.receive(ret, actor=None)
        with django_capture_on_commit_callbacks(execute=True):
            ret = handling.inspect(
                ret, [handling.Grading(x.pk, "unopened") for x in ret.lines.all()], actor=None
            )
        with django_capture_on_commit_callbacks(execute=True):
            request_refund(ret, idempotency_key="credit", method="store_credit", actor=agent)
        run_worker()
        (refund,) = server.refunds
        assert (refund["order"], refund["api_refund"], refund["line_items"]) == (
            727,
            False,
            [{"id": 316, "quantity": 1}],
        )
        assert Decimal(refund["amount"]) == Decimal(ret.events.get(kind="refunded").data["amount"]) > 0
        assert OutgoingSync.objects.get().status == "succeeded"
        assert server.refused == 0
    finally:
        server.stop()


def test_receiving_is_reachable_without_a_token_but_a_shop_must_sign(client, shopify) -> None:
    answer = client.post("/api/v1/shop/webhooks/shopify", data=b"{}", content_type="application/json")
    assert answer.status_code == 401
    assert ReceivedWebhook.objects.get().outcome == "forged"
