"""The deliveries are an outbox: written in the same transaction as the event that causes them, so a
rolled-back event has no delivery and a committed one always has its delivery, sent by the real worker
even when the wake-up queued at the commit is lost (a crash right after the commit)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from fakes.webhook_receiver import WebhookReceiver
from retour.returns.models import Return, ReturnEvent
from retour.returns.services.creating import LineRequest, create_return
from retour.webhooks import services
from retour.webhooks.models import Delivery
from retour.webhooks.tasks import send_due_webhooks

# Real transactions: the test commits and rolls back for real, and the real worker runs.
pytestmark = pytest.mark.django_db(transaction=True)


class Crash(Exception):
    """Something fails after the return was written, before its transaction commits."""


def subscribe(receiver: WebhookReceiver, store) -> None:  # type: ignore[no-untyped-def]
    endpoint = services.register(store, receiver.url, ["return.approved"], "ops@example.com")
    receiver.secret = endpoint.secret


def ask(order) -> Return:  # type: ignore[no-untyped-def]
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_an_event_rolled_back_leaves_no_delivery(order, receiver) -> None:  # type: ignore[no-untyped-def]
    subscribe(receiver, order.store)
    written = []
    queued = set(DBTaskResult.objects.values_list("pk", flat=True))  # the order's import queued its own

    def ask_then_crash() -> None:
        with transaction.atomic():
            ret = ask(order)
            written.append((ret.state, Delivery.objects.filter(event_type="return.approved").count()))
            raise Crash

    with pytest.raises(Crash):
        ask_then_crash()
    assert written == [("approved", 1)]  # the delivery was written with the event
    assert not ReturnEvent.objects.exists()
    assert not Delivery.objects.exists()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == queued  # nor a wake-up for the worker
    send_due_webhooks.enqueue()
    run_worker()
    assert receiver.received == []


def test_an_event_committed_has_its_delivery_even_when_the_wake_up_is_lost(order, receiver) -> None:  # type: ignore[no-untyped-def]
    subscribe(receiver, order.store)
    with transaction.atomic():
        ret = ask(order)
        approved = ret.events.get(kind="approved")
        assert Delivery.objects.filter(event_id=f"evt_r{approved.pk}").count() == 1  # before the commit
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.event_type) == ("pending", "return.approved")
    DBTaskResult.objects.all().delete()  # the crash: the worker's wake-up queued at the commit is lost
    send_due_webhooks.enqueue()  # the periodic job finds the pending row
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 1, 204)
    assert [event["id"] for event in receiver.events] == [f"evt_r{approved.pk}"]
    assert all(verified for _, _, verified in receiver.received)
    assert services.record(services.return_facts(approved)) == []  # still once per endpoint and event
    send_due_webhooks.enqueue()
    run_worker()
    assert len(receiver.received) == 1  # sent once
