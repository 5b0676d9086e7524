"""Outgoing webhooks end to end: a fact committed, a delivery recorded, the real worker sending it to a
real local receiver that checks the signature with the verify() of docs/webhooks.md."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from factories import delivered_line
from fakes.webhook_receiver import WebhookReceiver
from retour.claims.services import deciding
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.refunds.services.paying import request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.timeline import record_event
from retour.webhooks import services
from retour.webhooks.domain import schedule
from retour.webhooks.models import Delivery, Endpoint
from retour.webhooks.tasks import send_due_webhooks
from smtp import free_port

# The real worker closes its database connection when done: each test commits for real.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def endpoint_for(receiver: WebhookReceiver, store, events=("return.approved",), language="fr") -> Endpoint:  # type: ignore[no-untyped-def]
    endpoint = services.register(store, receiver.url, events, "ops@example.com", language)
    receiver.secret = endpoint.secret
    return endpoint


def ask(order, capture) -> Return:  # type: ignore[no-untyped-def]
    line = order.lines.order_by("position").first()
    with capture(execute=True):
        return create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])


def make_due() -> None:
    """The retry's time has come: its next attempt moved to now, then the periodic job's run."""
    Delivery.objects.update(next_attempt_at=timezone.now())
    send_due_webhooks.enqueue()
    run_worker()


def test_an_approved_return_is_delivered_signed_and_verified(
    order, receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint = endpoint_for(receiver, order.store)
    ret = ask(order, django_capture_on_commit_callbacks)
    assert ret.state == "approved"
    delivery = Delivery.objects.get()  # approved only: the request was not picked
    assert receiver.received == []  # recorded, not sent: the request did not wait for the receiver
    before = int(time.time())
    run_worker()
    assert len(receiver.received) == 1
    headers, _body, verified = receiver.received[0]
    assert verified
    assert before - 1 <= int(headers["Webhook-Timestamp"]) <= int(time.time()) + 1
    event = receiver.events[0]
    approved = ret.events.get(kind="approved")
    assert event["id"] == headers["Webhook-Id"] == f"evt_r{approved.pk}" == delivery.event_id
    assert event["type"] == "return.approved"
    assert event["data"]["return"] == {
        "number": ret.number,
        "state": "approved",
        "order": order.number,
        "store": order.store.code,
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 1, 204)
    assert delivery.delivered_at is not None
    assert delivery.endpoint == endpoint
    run_worker()
    assert len(receiver.received) == 1  # sent once


def test_a_failing_receiver_is_retried_with_backoff_then_succeeds(
    order, receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint_for(receiver, order.store)
    receiver.answers = [500, 503]
    ask(order, django_capture_on_commit_callbacks)
    run_worker()
    delivery = Delivery.objects.get()
    waited = delivery.next_attempt_at - delivery.updated_at
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 500)
    assert delivery.response_body == '{"status": 500}'
    assert timedelta(seconds=55) < waited <= timedelta(minutes=1)
    send_due_webhooks.enqueue()
    run_worker()
    assert len(receiver.received) == 1  # not due yet: nothing sent
    make_due()
    delivery.refresh_from_db()
    waited = delivery.next_attempt_at - delivery.updated_at
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 2, 503)
    assert timedelta(minutes=4, seconds=55) < waited <= timedelta(minutes=5)
    make_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 3, 204)
    assert delivery.next_attempt_at is None
    ids = {headers["Webhook-Id"] for headers, _, _ in receiver.received}
    assert len(receiver.received) == 3
    assert ids == {delivery.event_id}  # the same event each time, signed afresh
    assert all(ok for _, _, ok in receiver.received)
    assert Endpoint.objects.get().failing_since is None  # a success clears the failures


def test_a_delivery_is_replayed_with_the_same_id(order, receiver, django_capture_on_commit_callbacks) -> None:
    endpoint_for(receiver, order.store)
    ask(order, django_capture_on_commit_callbacks)
    run_worker()
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("webhooks", "replay", str(delivery.pk), verbosity=0)
    run_worker()
    assert [h["Webhook-Id"] for h, _, ok in receiver.received if ok] == [delivery.event_id] * 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    assert Delivery.objects.count() == 1


def _failing_deliveries(endpoint: Endpoint, count: int) -> None:
    """Deliveries at their last attempt (11 failed already, as three days of retries leave them)."""
    for n in range(count):
        Delivery.objects.create(
            endpoint=endpoint,
            event_id=f"evt_test{n}",
            event_type="return.approved",
            payload={"id": f"evt_test{n}", "type": "return.approved", "data": {}},
            attempts=11,
            status="failed",
            next_attempt_at=timezone.now(),
        )


def test_an_endpoint_whose_deliveries_are_given_up_is_paused_and_its_owner_told(
    store, receiver, smtp
) -> None:
    endpoint = endpoint_for(receiver, store)
    receiver.answers = [500] * 5
    _failing_deliveries(endpoint, 5)
    send_due_webhooks.enqueue()
    run_worker()
    assert list(Delivery.objects.values_list("status", flat=True)) == ["given_up"] * 5
    endpoint.refresh_from_db()
    assert endpoint.status == "paused"
    assert endpoint.paused_at is not None
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "ops@example.com"
    assert str(message["Subject"]).strip() == f"Retour a suspendu votre point de réception {receiver.url}"
    assert "reprenez" in message.get_body(("plain",)).get_content()
    # Paused: a new fact is not recorded for it, and what waits is not sent.
    Delivery.objects.filter(event_id="evt_test0").update(status="failed", next_attempt_at=timezone.now())
    send_due_webhooks.enqueue()
    run_worker()
    assert len(receiver.received) == 5
    # Resumed: what waited is sent.
    services.resume(endpoint)
    send_due_webhooks.enqueue()
    run_worker()
    assert len(receiver.received) == 6
    assert Delivery.objects.get(event_id="evt_test0").status == "succeeded"


def test_an_endpoint_failing_for_a_day_is_paused_and_its_owner_told_in_english(
    store, receiver, smtp, settings
) -> None:
    settings.EMAIL_PORT = free_port()  # the mail server is down at first
    endpoint = endpoint_for(receiver, store, language="en")
    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=25))
    receiver.answers = [500]
    Delivery.objects.create(
        endpoint=endpoint,
        event_id="evt_day",
        event_type="return.approved",
        payload={"id": "evt_day"},
        next_attempt_at=timezone.now(),
    )
    send_due_webhooks.enqueue()
    run_worker()
    endpoint.refresh_from_db()
    assert endpoint.status == "paused"
    assert Delivery.objects.get().status == "failed"  # kept, to be sent when resumed
    assert endpoint.owner_told_at is None  # the mail server was down: told at a later run
    assert smtp.messages == []
    settings.EMAIL_PORT = smtp.port
    for _ in range(2):
        send_due_webhooks.enqueue()
        run_worker()
    assert [str(m["Subject"]).strip() for m in smtp.messages] == [
        f"Retour paused your webhook endpoint {receiver.url}"
    ]


def test_an_unknown_or_foreign_event_changes_nothing(
    order, other_store, receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint_for(receiver, order.store, events=("return.requested", "return.approved", "return.received"))
    theirs = services.register(other_store, receiver.url, ["return.approved"], "other@example.com")
    ret = ask(order, django_capture_on_commit_callbacks)
    assert set(Delivery.objects.values_list("event_type", flat=True)) == {
        "return.requested",
        "return.approved",
    }
    with django_capture_on_commit_callbacks(execute=True):
        record_event(ret, "made_up_kind")  # not an event anyone subscribes to
    fact = services.Fact(order.store_id, "evt_forged", "return.exploded", timezone.now(), {})
    assert services.record([fact]) == []  # an event type that does not exist
    again = services.return_facts(ret.events.get(kind="approved"))
    assert services.record(again) == []  # the same event twice: delivered once
    assert Delivery.objects.count() == 2
    assert not Delivery.objects.filter(endpoint=theirs).exists()  # another store's endpoint
    run_worker()
    assert len(receiver.events) == 2
    # A request forged without the secret is refused by the receiver, with the documented verify().
    receiver.secret = "whsec_forged"
    with django_capture_on_commit_callbacks(execute=True):
        services.replay(Delivery.objects.get(event_type="return.approved"))
    run_worker()
    assert receiver.received[-1][2] is False
    assert Delivery.objects.get(event_type="return.approved").response_status == 401


def test_a_return_refunded_in_store_credit_sends_each_step_in_order(
    order, agent, receiver, django_capture_on_commit_callbacks
) -> None:
    endpoint_for(receiver, order.store, events=schedule.EVENTS)
    lines = list(order.lines.order_by("position"))
    with django_capture_on_commit_callbacks(execute=True):
        ret = create_return(order, [LineRequest(lines[0].pk, lines[0].quantity, "defective", "unopened")])
    with django_capture_on_commit_callbacks(execute=True):
        ret = handling.receive(ret, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        gradings = [handling.Grading(line.pk, "unopened") for line in ret.lines.all()]
        ret = handling.inspect(ret, gradings, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        request_refund(ret, idempotency_key="credit", method="store_credit", actor=agent)
    run_worker()
    assert all(ok for _, _, ok in receiver.received)
    types = sorted(e["type"] for e in receiver.events)
    assert types == sorted(
        [
            "return.requested",
            "return.approved",
            "return.received",
            "return.inspected",
            "return.refunded",
            "store_credit.issued",
            "return.resolved",
        ]
    )
    credit = next(e for e in receiver.events if e["type"] == "store_credit.issued")
    assert credit["data"]["event"]["data"]["method"] == "store_credit"
    assert Delivery.objects.filter(status="succeeded").count() == 7


def test_a_claim_filed_then_denied_sends_both_events(
    make_order, receiver, django_capture_on_commit_callbacks
) -> None:
    ordered = timezone.now() - timedelta(days=20)
    order = make_order(
        "#5001",
        ordered_at=ordered.isoformat(),
        lines=[delivered_line("Vase", 1, "80.00", seller="atelier-nord", seller_name="Atelier Nord")],
        shipping="5.00",
        payments=[{"method": "card", "amount": "85.00"}],
        shipments=[
            {
                "shipped_at": (ordered + timedelta(days=1)).isoformat(),
                "estimated_delivery_latest": str((ordered + timedelta(days=4)).date()),
            }
        ],
    )
    endpoint_for(receiver, order.store, events=["claim.filed", "claim.decided"])
    with django_capture_on_commit_callbacks(execute=True):
        claim, _ = file_claim(
            order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)], message="Jamais reçu.")
        )
    with django_capture_on_commit_callbacks(execute=True):
        deciding.decide(claim, "denied", note="Livré selon le transporteur.", key="deny-1")
    run_worker()
    assert [
        (e["type"], e["data"]["claim"]["number"])
        for e in sorted(receiver.events, key=lambda e: int(e["id"].removeprefix("evt_c")))
    ] == [
        ("claim.filed", claim.number),
        ("claim.decided", claim.number),
    ]
    assert all(ok for _, _, ok in receiver.received)
    decided = next(e for e in receiver.events if e["type"] == "claim.decided")
    assert decided["data"]["claim"]["state"] == "denied"


def test_a_slow_receiver_times_out_into_a_retry(order, receiver, django_capture_on_commit_callbacks) -> None:
    endpoint_for(receiver, order.store)
    receiver.delay = services.TIMEOUT_SECONDS + 1
    started = time.monotonic()
    ask(order, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < services.TIMEOUT_SECONDS  # the request never waits for it
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, None)
    assert "timed out" in delivery.response_body
    receiver.delay = 0
    make_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
