"""Each step of a repair goes out as a signed webhook ``repair.<step>``, once, to the endpoints that
chose it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from fakes.webhook_receiver import WebhookReceiver
from retour.repairs.domain.states import REPAIRER, STAFF
from retour.repairs.models import Repair, Repairer
from retour.repairs.services import steps
from retour.returns.services.creating import LineRequest, create_return
from retour.webhooks import services
from retour.webhooks.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_each_repair_step_is_sent_once_as_its_own_event(
    make_order, receiver: WebhookReceiver, django_capture_on_commit_callbacks
) -> None:
    order = make_order("#2001", delivered=datetime.now(UTC) - timedelta(days=120))
    Repairer.objects.create(store=order.store, code="atelier", name="Atelier", address="Paris")
    endpoint = services.register(
        order.store,
        receiver.url,
        ["repair.requested", "repair.approved", "repair.sent", "repair.received", "repair.unrepairable"],
        "ops@example.com",
        "fr",
    )
    receiver.secret = endpoint.secret
    line = order.lines.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        ret = create_return(order, [LineRequest(line.pk, 1, "defective", "used", "repair")])
    repair = Repair.objects.get(ret=ret)
    for target, role, note in (
        ("sent", STAFF, ""),
        ("received", REPAIRER, ""),
        ("unrepairable", REPAIRER, "HS"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            steps.update(repair, target, role=role, note=note)
    run_worker()
    run_worker()

    types = [e["type"] for e in receiver.events]
    assert sorted(types) == sorted(
        ["repair.requested", "repair.approved", "repair.sent", "repair.received", "repair.unrepairable"]
    )
    assert all(ok for _, _, ok in receiver.received)
    last = next(e for e in receiver.events if e["type"] == "repair.unrepairable")
    assert last["data"]["repair"]["number"] == repair.number
    assert last["data"]["event"]["from"] == "received"
    assert Delivery.objects.filter(event_type__startswith="repair.").count() == 5
