"""A shop that delivers the same webhook several times at once (its retry crossing a slow answer, two
web processes): one delivery is applied, the others are duplicates, and nobody gets an error."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client

from concurrency import run_at_once
from fakes.shop_webhooks import as_body, sign
from retour.catalog.models import Store
from retour.orders.models import Order
from retour.shopsync.models import ReceivedWebhook

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_webhook_delivered_five_times_at_once_is_applied_once(
    shopify: Any, docs_order: dict[str, Any]
) -> None:
    Store.objects.get(pk=shopify.store_id).own_seller()  # as in a store that has orders already
    body = as_body(docs_order)
    headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": sign("shopify-app-secret", body),
        "X-Shopify-Shop-Domain": "retour-test.myshopify.com",
        "X-Shopify-Webhook-Id": "wh-same",
    }
    answers: list[tuple[int, str]] = []

    def deliver() -> None:
        answer = Client().post(
            "/api/v1/shop/webhooks/shopify", data=body, content_type="application/json", headers=headers
        )
        answers.append((answer.status_code, answer.json()["outcome"]))

    assert run_at_once(deliver, 5) == []
    assert Counter(answers) == {(200, "applied"): 1, (200, "duplicate"): 4}
    assert Order.objects.count() == 1
    assert Counter(ReceivedWebhook.objects.values_list("outcome", flat=True)) == {
        "applied": 1,
        "duplicate": 4,
    }
