"""Orders from the shops' webhooks bring their customers' profiles up to date through the worker (the
segments app follows every import through the one order writer)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from retour.orders.models import Order
from retour.segments.models import CustomerProfile

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_shopify_order_webhook_computes_its_customers_profile(shopify, send_shopify, docs_order) -> None:
    assert send_shopify("orders/create", docs_order, "wh-1").json()["outcome"] == "applied"
    order = Order.objects.get(store=shopify.store, number="#9999")
    assert order.customer is not None
    assert not CustomerProfile.objects.exists()  # the worker computes it, once the webhook committed
    run_worker()
    profile = CustomerProfile.objects.get(customer=order.customer)
    assert (profile.orders_total, profile.returns_365d) == (1, 0)


def test_a_woocommerce_order_webhook_computes_its_customers_profile(
    woo, send_woo, fixtures_dir: Path
) -> None:
    order = json.loads((fixtures_dir / "woocommerce/wc-v3-docs_order-727_retrieve.json").read_text())
    assert send_woo("order.created", order, "d-1").json()["outcome"] == "applied"
    run_worker()
    stored = Order.objects.get(store=woo.store, number="727")
    assert stored.customer is not None
    assert CustomerProfile.objects.get(customer=stored.customer).orders_total == 1
