"""POST /api/v1/returns/import: past returns through the API, all or nothing, idempotent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from factories import json_line, json_order
from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.insights.models import PastReturn
from retour.orders.importers import json_orders
from retour.orders.services.importing import import_orders

pytestmark = pytest.mark.django_db

URL = "/api/v1/returns/import"


def client_with(*codenames: str) -> Client:
    user = User.objects.create_user("importer", "importer@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="insights", codename__in=codenames)
    )
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 'tests')[1]}"})


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def past(number: str, amount: str, status: str = "refunded") -> dict[str, Any]:
    return {
        "number": number,
        "order": "P-1",
        "requested_at": "2026-02-03T10:15:00+01:00",
        "status": status,
        "lines": [
            {"sku": "CAP", "quantity": 1, "reason": "size_fit", "resolution": "refund", "amount": amount}
        ],
        "refunded": amount,
    }


@pytest.fixture
def delivered_order(store: Store) -> Store:
    order = json_order(
        number="P-1",
        ordered_at="2026-02-01T10:00:00+01:00",
        lines=[json_line(title="Cap", sku="CAP", quantity=3, unit_price="12.50", fulfilled_quantity=3)],
        shipments=[{"delivered_at": "2026-02-02T10:00:00+01:00"}],
    )
    assert import_orders(store, [json_orders.parse_one(order, 1)]).ok
    return store


def test_past_returns_are_imported_once_and_updated_when_changed(delivered_order: Store):
    client = client_with("add_pastreturn", "change_pastreturn")
    body = [past("OLD-1", "12.50"), past("OLD-2", "12.50", "rejected")]
    response = post(client, body)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0, "lines": 2}
    assert post(client, body).json() == {"created": 0, "updated": 0, "unchanged": 2, "lines": 0}
    body[1]["status"] = "cancelled"
    assert post(client, body).json() == {"created": 0, "updated": 1, "unchanged": 1, "lines": 1}
    assert PastReturn.objects.get(number="OLD-2").status == "cancelled"


def test_a_bad_item_is_reported_with_its_place_and_nothing_is_written(delivered_order: Store):
    client = client_with("add_pastreturn", "change_pastreturn")
    response = post(client, [past("OLD-1", "12.50"), past("OLD-2", "12.49")])
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "past_returns_invalid"
    assert problem["errors"] == [
        {"item": 2, "field": "lines[0].amount", "message": "12.49 is not the paid value of 1 × CAP: 12.50"}
    ]
    assert not PastReturn.objects.exists()


def test_staff_without_the_permission_may_not_import(delivered_order: Store):
    response = post(client_with(), [past("OLD-1", "12.50")])
    assert response.status_code == 403
    assert not PastReturn.objects.exists()
