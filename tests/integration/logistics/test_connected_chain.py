"""Issue 13's whole connected chain for one return, each step through the real code and fakes only at the
network edge: a shop connected to the fake Shopify sends the order (signed ``orders/create``), the shopper
asks for the return in the portal, its approval buys a label through the EasyPost SDK against the fake,
EasyPost's signed tracking webhooks move it in transit then delivered, the warehouse receives and inspects
it, it is refunded and the refund is created in the fake Shopify (``refundCreate``); each step's outgoing
webhook reaches the store's system, signed and verified with the ``verify`` of docs/webhooks.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from fakes.easypost_server import FakeEasyPost
from fakes.shopify_server import FakeShopify
from fakes.webhook_receiver import WebhookReceiver
from integration.portal.steps import choose_items, confirm, lines, look_up, pick, resolution
from integration.shopsync.conftest import docs_order, send_shopify, shopify  # noqa: F401
from integration.shopsync.test_shop_push import delivered, fake_shopify  # noqa: F401
from retour.catalog.models import Store
from retour.logistics.addresses import add_address
from retour.logistics.models import Shipment
from retour.orders.models import Order
from retour.refunds.services.paying import request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.shopsync.models import OutgoingSync
from retour.webhooks import services as webhooks

# The real worker closes its database connection when done: each test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    "return.requested",
    "return.approved",
    "return.label_issued",
    "return.in_transit",
    "return.delivered",
    "return.received",
    "return.inspected",
    "return.refunded",
    "return.resolved",
]


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def warehouse_of(store: Store) -> None:
    add_address(
        store,
        label="Entrepôt de Lyon",
        name="Maison Lumière – Service retours",
        street1="12 rue de l’Atelier",
        postal_code="69002",
        city="Lyon",
        country="FR",
        phone="+33 4 00 00 00 00",
    )


def test_a_shop_order_goes_from_the_portal_to_a_refund_in_the_shop_told_at_each_step(
    policy_store,
    shopify,  # noqa: F811
    fake_shopify: FakeShopify,  # noqa: F811
    fake_easypost: FakeEasyPost,
    docs_order,  # noqa: F811
    send_shopify,  # noqa: F811
    receiver: WebhookReceiver,
    agent,
) -> None:
    # The store's system listens to every step; the store sends returns to its Lyon warehouse.
    endpoint = webhooks.register(shopify.store, receiver.url, STEPS, "ops@example.com", "fr")
    receiver.secret = endpoint.secret
    warehouse_of(shopify.store)
    # The order arrives from Shopify, signed with the shop's secret.
    assert send_shopify("orders/create", delivered(docs_order), "wh-chain-1").json()["outcome"] == "applied"
    fake_shopify.fulfilled[docs_order["admin_graphql_api_id"]] = [
        line["admin_graphql_api_id"] for line in docs_order["line_items"]
    ]
    order = Order.objects.get(number="#9999")
    # The shopper asks for the return in the portal, sent back by label.
    shopper = Client(headers={"Accept-Language": "fr"})
    assert look_up(shopper, order).status_code == 302
    first = lines(order)[0]
    choose_items(shopper, order, pick(first, 1, "size_fit", "unopened"))
    confirm(shopper, order, {**resolution(first, "refund"), "method": "label"})
    ret = Return.objects.get()
    assert ret.state == "label_issued"
    shipment = Shipment.objects.get(ret=ret)
    assert (shipment.postage_paid, shipment.tracking_number) == (True, ret.tracking_number)
    assert ret.tracking_number
    assert fake_easypost.bought == 1
    assert ret.tracking_number in {s.get("tracking_code") for s in fake_easypost.shipments.values()}
    # EasyPost tells where the parcel is, signed: in transit, then delivered to the warehouse.
    carrier = Client()
    now = datetime.now(UTC)
    for status, minutes in (("in_transit", 1), ("delivered", 2)):
        body, headers = fake_easypost.event(ret.tracking_number, status, now + timedelta(minutes=minutes))
        answer = carrier.post(
            "/api/v1/carriers/easypost/events", data=body, content_type="application/json", headers=headers
        )
        assert answer.json() == {"outcome": "applied"}
    assert Return.objects.get(pk=ret.pk).state == "in_transit"
    assert ret.events.filter(kind="delivered").exists()
    # The warehouse receives and inspects it; it is refunded (as store credit, Retour's own tender).
    ret = handling.receive(Return.objects.get(pk=ret.pk), actor=None)
    ret = handling.inspect(ret, [handling.Grading(x.pk, "unopened") for x in ret.lines.all()], actor=None)
    request_refund(ret, idempotency_key="chain", method="store_credit", actor=agent)
    run_worker()
    # The return and its refund are in Shopify's books, each created once.
    assert [name for name, _ in fake_shopify.calls] == [
        "returnableFulfillments",
        "returnCreate",
        "refundCreate",
    ]
    (refund,) = fake_shopify.refunds.values()
    (transaction,) = refund["input"]["transactions"]
    assert Decimal(transaction["amount"]) == Decimal(ret.events.get(kind="refunded").data["amount"]) > 0
    assert refund["input"]["refundLineItems"] == [
        {
            "lineItemId": docs_order["line_items"][0]["admin_graphql_api_id"],
            "quantity": 1,
            "restockType": "NO_RESTOCK",
        }
    ]
    assert set(OutgoingSync.objects.values_list("kind", "status")) == {
        ("return", "succeeded"),
        ("refund", "succeeded"),
    }
    # Each step reached the store's system once, signed and verified by the documented verify().
    assert receiver.received
    assert all(ok for _, _, ok in receiver.received)
    assert all(headers["Webhook-Signature"].startswith("v1,") for headers, _, _ in receiver.received)
    assert [event["type"] for event in receiver.events] == STEPS
    assert {event["data"]["event"]["data"].get("tracking") for event in receiver.events[3:5]} == {
        ret.tracking_number
    }
