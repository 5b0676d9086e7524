"""Tracking: EasyPost's signed webhooks (and polling when they do not come) move a return to in_transit,
then "delivered to the warehouse", each with its event and the shopper's email; a forged, replayed,
duplicated, out-of-order, unreadable event, or one about a parcel that is not ours, changes nothing and
is logged with its outcome."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from fakes.easypost_server import FakeEasyPost, iso, sign
from retour.logistics import tracking
from retour.logistics.models import Shipment, TrackingEvent
from retour.logistics.services import issue_label
from retour.notifications.models import Notification
from retour.returns.models import Return

pytestmark = pytest.mark.django_db

URL = "/api/v1/carriers/easypost/events"


def post(body: bytes, headers: dict[str, str]) -> Any:
    signature = {k: v for k, v in headers.items() if k == "X-Hmac-Signature"}
    return Client().post(URL, data=body, content_type="application/json", headers=signature)


def state(ret: Return) -> str:
    return Return.objects.get(pk=ret.pk).state


def kinds(ret: Return) -> list[str]:
    return list(ret.events.order_by("id").values_list("kind", flat=True))


def tracker_at(fake: FakeEasyPost, code: str, status: str, at: datetime, **changes: Any) -> dict[str, Any]:
    """The parcel's tracker as the carrier would have sent it at ``at`` (one scan, that one)."""
    tracker = copy.deepcopy(fake.tracker_of(code))
    detail = {"object": "TrackingDetail", "status": status, "datetime": iso(at), "message": status}
    tracker.update(status=status, updated_at=iso(at), tracking_details=[detail], **changes)
    return tracker


@pytest.fixture
def sent(approved, fake_easypost, lyon_warehouse) -> Return:
    """A return whose label was bought from the carrier."""
    return issue_label(approved())


def test_signed_webhooks_move_the_return_in_transit_then_delivered(sent: Return, fake_easypost: FakeEasyPost):
    code = sent.tracking_number
    now = datetime.now(UTC)
    answer = post(*fake_easypost.event(code, "in_transit", now - timedelta(hours=5)))
    assert (answer.status_code, answer.json()) == (200, {"outcome": "applied"})
    assert state(sent) == "in_transit"
    post(*fake_easypost.event(code, "out_for_delivery", now - timedelta(hours=2)))  # on its way still
    answer = post(*fake_easypost.event(code, "delivered", now - timedelta(hours=1)))
    assert answer.json() == {"outcome": "applied"}
    assert state(sent) == "in_transit"  # the warehouse receives it line by line: then "received"
    assert kinds(sent)[-2:] == ["in_transit", "delivered"]
    delivered = sent.events.get(kind="delivered")
    assert (delivered.actor_label, delivered.data) == ("carrier", {"tracking": code, "carrier": "LaPoste"})
    shipment = Shipment.objects.get(ret=sent)
    assert (shipment.tracking_status, shipment.delivered_at) == (
        "delivered",
        now.replace(microsecond=0) - timedelta(hours=1),
    )
    # The shopper is told at each step (the label's email, then in transit, then delivered).
    assert set(Notification.objects.filter(ret=sent).values_list("kind", flat=True)) >= {
        "label_issued",
        "in_transit",
        "delivered",
    }
    assert tracking.outcome_counts() == {"applied": 3}  # out for delivery: kept as the latest word


def test_forged_replayed_duplicated_out_of_order_and_foreign_events_change_nothing_and_are_counted(
    sent: Return, fake_easypost: FakeEasyPost
):
    code = sent.tracking_number
    now = datetime.now(UTC)
    applied = fake_easypost.event(code, "in_transit", now - timedelta(hours=3))
    assert post(*applied).json() == {"outcome": "applied"}
    before = (
        state(sent),
        kinds(sent),
        Shipment.objects.values_list("tracking_status", "tracking_updated_at").get(),
    )

    def signed(tracker: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        return fake_easypost.event(code, "", now, tracker=tracker)

    delivered = tracker_at(fake_easypost, code, "delivered", now - timedelta(hours=1))
    cases = {
        # a stranger's body, or our body with a wrong or no signature
        "forged": [
            fake_easypost.event(code, "delivered", now, tracker=delivered, secret="not-the-secret"),
            (applied[0], {}),
            (applied[0].replace(b"in_transit", b"delivered"), applied[1]),  # altered after signing
        ],
        "duplicate": [applied],  # EasyPost's retry of the same event, or someone replaying it
        "replayed": [signed(tracker_at(fake_easypost, code, "delivered", now - timedelta(days=4)))],
        "out_of_order": [signed(tracker_at(fake_easypost, code, "pre_transit", now - timedelta(hours=4)))],
        "unknown_parcel": [
            signed(tracker_at(fake_easypost, code, "delivered", now, tracking_code="LZ999FR"))
        ],
        "foreign": [
            signed(tracker_at(fake_easypost, code, "delivered", now, shipment_id="shp_someone_else")),
            signed(tracker_at(fake_easypost, code, "delivered", now, carrier="UPS")),
        ],
        "malformed": [(b"{not json", {"X-Hmac-Signature": sign(b"{not json")})],
    }
    for expected, requests in cases.items():
        for body, headers in requests:
            answer = post(body, headers)
            assert answer.json() == {"outcome": expected}, expected
            assert answer.status_code == (401 if expected == "forged" else 200)
    after = (
        state(sent),
        kinds(sent),
        Shipment.objects.values_list("tracking_status", "tracking_updated_at").get(),
    )
    assert after == before  # nothing moved
    assert tracking.outcome_counts() == {
        "applied": 1,
        "forged": 3,
        "duplicate": 1,
        "replayed": 1,
        "out_of_order": 1,
        "unknown_parcel": 1,
        "foreign": 2,
        "malformed": 1,
    }
    refused = TrackingEvent.objects.exclude(outcome="applied")
    assert all(event.body for event in refused.exclude(outcome="duplicate"))  # what came is kept to look at


def test_a_delivered_event_after_the_warehouse_received_the_parcel_changes_nothing_more(
    sent: Return, fake_easypost: FakeEasyPost
):
    from retour.returns.services import handling

    handling.receive(sent, actor=None)
    answer = post(*fake_easypost.event(sent.tracking_number, "delivered", datetime.now(UTC)))
    assert answer.json() == {"outcome": "applied"}  # the parcel's own state is kept
    assert state(sent) == "received"
    assert "delivered" not in kinds(sent)


def test_polling_moves_the_return_when_no_webhook_comes(sent: Return, fake_easypost: FakeEasyPost):
    code, now = sent.tracking_number, datetime.now(UTC)
    assert tracking.poll() == {"no_change": 1}  # pre_transit: nothing to do, nothing logged
    fake_easypost.move(code, "in_transit", now + timedelta(minutes=1))
    assert tracking.poll() == {"applied": 1}
    assert state(sent) == "in_transit"
    assert tracking.poll() == {"no_change": 1}  # asked again: the same answer, not logged twice
    fake_easypost.move(code, "delivered", now + timedelta(minutes=2))
    assert tracking.poll() == {"applied": 1}
    assert kinds(sent)[-1] == "delivered"
    assert tracking.poll() == {}  # delivered: no longer asked
    assert list(TrackingEvent.objects.values_list("source", "outcome")) == [
        ("polling", "applied"),
        ("polling", "applied"),
    ]
    asked = [path for method, path, _ in fake_easypost.requests if path.startswith("/v2/trackers/")]
    assert len(asked) == 4


def test_without_a_webhook_secret_every_event_is_refused(sent, fake_easypost, settings):
    settings.EASYPOST_WEBHOOK_SECRET = ""
    answer = post(*fake_easypost.event(sent.tracking_number, "in_transit", datetime.now(UTC)))
    assert (answer.status_code, answer.json()) == (401, {"outcome": "forged"})
    assert state(sent) == "label_issued"
