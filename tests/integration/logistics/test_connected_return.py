"""Issue 13's path for carriers, end to end: a return asked for in the portal gets a label bought from
EasyPost through its SDK (against the fake), goes in transit and is delivered by EasyPost's signed tracking
webhooks, and each step's outgoing webhook reaches the store's system, signed and verified with the
``verify`` of docs/webhooks.md; the shopper is emailed at each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fakes.easypost_server import FakeEasyPost
from fakes.webhook_receiver import WebhookReceiver
from integration.portal.steps import choose_items, confirm, lines, look_up, pick, resolution
from retour.logistics.models import Shipment
from retour.notifications.models import Notification
from retour.returns.models import Return
from retour.webhooks import services as webhooks

# The real worker closes its database connection when done: each test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    "return.requested",
    "return.approved",
    "return.label_issued",
    "return.in_transit",
    "return.delivered",
]


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_portal_return_is_labelled_tracked_and_told_to_the_stores_system(
    shopper_order, fake_easypost: FakeEasyPost, lyon_warehouse, receiver: WebhookReceiver
):
    order = shopper_order
    endpoint = webhooks.register(order.store, receiver.url, STEPS, "ops@example.com", "fr")
    receiver.secret = endpoint.secret
    # The shopper asks for the return in the portal and chooses to send it back by label.
    shopper = Client(headers={"Accept-Language": "fr"})
    look_up(shopper, order)
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull, 1, "size_fit", "unopened"))
    confirm(shopper, order, {**resolution(pull, "refund"), "method": "label"})
    ret = Return.objects.get()
    assert ret.state == "label_issued"
    shipment = Shipment.objects.get(ret=ret)
    assert (shipment.carrier, shipment.postage_paid, shipment.tracking_number) == (
        "LaPoste",
        True,
        ret.tracking_number,
    )
    page = shopper.get(reverse("portal:return", args=[ret.number])).content.decode()
    assert "affranchie par la boutique" in page
    assert ret.tracking_number in page
    # EasyPost tells us where the parcel is, signed.
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
    run_worker()
    # Each step reached the store's system, signed and verified by the documented verify().
    assert receiver.received
    assert all(ok for _, _, ok in receiver.received)
    assert [event["type"] for event in receiver.events] == STEPS
    assert receiver.events[-1]["data"]["event"]["data"]["tracking"] == ret.tracking_number
    # The shopper had the label (postage paid), then was told it is on its way, then that it arrived.
    sent = set(Notification.objects.filter(ret=ret, status="sent").values_list("kind", flat=True))
    assert {"label_issued", "in_transit", "delivered"} <= sent
