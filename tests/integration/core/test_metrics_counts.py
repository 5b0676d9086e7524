"""/metrics counts what issue 13 lists beyond requests: webhook deliveries by event and status (sent,
failed, given up) and refunds by status (paid, failed), read from the database at each scrape."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from retour.refunds.models import Refund, RefundRequest
from retour.webhooks import services
from retour.webhooks.models import Delivery

pytestmark = pytest.mark.django_db


def refund(order, status: str, key: str) -> Refund:  # type: ignore[no-untyped-def]
    request = RefundRequest.objects.create(
        store_id=order.store_id, idempotency_key=key, amount="10.00", currency="EUR"
    )
    return Refund.objects.create(
        request=request,
        order=order,
        gateway="stripe",
        amount=Decimal("10.00"),
        currency="EUR",
        idempotency_key=f"provider-{key}",
        status=status,
    )


def gauge(text: str, name: str, labels: str) -> float:
    found = re.search(rf"^{name}\{{{re.escape(labels)}\}} (\S+)$", text, re.MULTILINE)
    assert found, f"{name}{{{labels}}} not in /metrics"
    return float(found.group(1))


def test_metrics_count_webhook_deliveries_by_event_and_status_and_refunds_paid_and_failed(
    order,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,
) -> None:
    services.register(
        order.store, "http://127.0.0.1:9/hooks", ["return.approved", "return.refunded"], "ops@example.com"
    )
    now = timezone.now()
    facts = [services.Fact(order.store_id, f"evt_r{n}", "return.approved", now, {}) for n in range(3)] + [
        services.Fact(order.store_id, "evt_r9", "return.refunded", now, {})
    ]
    with django_capture_on_commit_callbacks(execute=False):  # counted as written; the worker is not run
        services.record(facts)
    Delivery.objects.filter(event_id__in=["evt_r0", "evt_r1"]).update(status=Delivery.Status.SUCCEEDED)
    Delivery.objects.filter(event_id="evt_r2").update(status=Delivery.Status.FAILED)
    Delivery.objects.filter(event_id="evt_r9").update(status=Delivery.Status.GIVEN_UP)
    refund(order, Refund.Status.SUCCEEDED, "paid-1")
    refund(order, Refund.Status.SUCCEEDED, "paid-2")
    refund(order, Refund.Status.FAILED, "declined")

    text = Client().get("/metrics").content.decode()

    assert "# TYPE retour_webhook_deliveries gauge" in text
    deliveries = "retour_webhook_deliveries"
    assert gauge(text, deliveries, 'event="return.approved",status="succeeded"') == 2
    assert gauge(text, deliveries, 'event="return.approved",status="failed"') == 1
    assert gauge(text, deliveries, 'event="return.refunded",status="given_up"') == 1
    assert f'{deliveries}{{event="return.refunded",status="succeeded"}}' not in text
    assert gauge(text, "retour_refunds", 'status="succeeded"') == 2
    assert gauge(text, "retour_refunds", 'status="failed"') == 1
    assert gauge(text, "retour_refunded_amount", 'currency="EUR"') == 20.0
