"""The same orders imported twice at once (two `retour import-orders`, twenty identical
`POST /api/v1/orders`): one order each, and every caller gets a clean answer, never an IntegrityError.

On PostgreSQL the calls run at the same instant on their own connections; the SQLite test database cannot
wait for a lock, so there they queue (see tests/concurrency.py), as SQLite's write lock makes them do.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from concurrency import run_at_once
from factories import json_order
from retour.catalog.models import Product, Store
from retour.orders.models import Customer, Order, OrderLine, Payment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store(store: Store) -> Store:
    """A store that has imported before: its own seller exists (creating it would make the first import
    hold a row lock the second waits for, hiding the race)."""
    store.own_seller()
    return store


def test_two_imports_of_the_same_file_at_once_store_each_order_once(store: Store, forezia_csv: Path):
    summaries: list[str] = []

    def import_file() -> None:
        out = io.StringIO()
        call_command(
            "import_orders", str(forezia_csv), "--format", "shopify-csv", "--store", store.code, stdout=out
        )
        summaries.append(out.getvalue().strip())

    errors = run_at_once(import_file, 2)

    assert not errors, errors
    assert sorted(summaries) == [
        "Imported 19 orders (0 lines written): 0 new, 0 updated, 19 unchanged.",
        "Imported 19 orders (40 lines written): 19 new, 0 updated, 0 unchanged.",
    ]
    assert Order.objects.filter(store=store).count() == 19
    assert OrderLine.objects.count() == 40
    assert Customer.objects.filter(store=store).count() == len(
        set(Order.objects.exclude(email="").values_list("email", flat=True))
    )


def test_twenty_identical_posts_at_once_make_one_order(store: Store, api_token: str):
    body = json.dumps(
        json_order(
            customer={"email": "ayumu@example.com"},
            lines=[{"sku": "SNOW-1", "title": "Snowboard", "quantity": 1, "unit_price": "600.00"}],
            payments=[{"method": "card", "amount": "600.00"}],
        )
    )
    answers: list[tuple[int, str]] = []

    def post() -> None:
        client = Client(headers={"Authorization": f"Bearer {api_token}"})
        response = client.post(f"/api/v1/orders?store={store.code}", body, content_type="application/json")
        answers.append((response.status_code, response.json().get("status", response.json().get("code"))))

    errors = run_at_once(post, 20)

    assert not errors, errors
    assert sorted(answers) == [(200, "unchanged")] * 19 + [(201, "created")]
    order = Order.objects.get(store=store, number="R-1001")
    assert order.lines.count() == 1
    assert Payment.objects.filter(order=order).count() == 1
    assert Customer.objects.filter(store=store).count() == 1
    assert Product.objects.filter(store=store).count() == 1
