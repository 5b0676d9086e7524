"""``GET /api/v1/returns``: the review queue and other lists, paginated; and every call kept to the stores
the request may reach (``?store=CODE``, a token bound to a store)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def ask(order: Order, reason: str = "defective") -> Return:
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, reason, "unopened")])


def token_client(user, store: Store | None = None) -> Client:
    _record, token = ApiToken.issue(user, "tests", store=store)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def second_store(other_store: Store, make_order) -> Store:
    """Another store with its policy and one delivered order, #1001 too."""
    policies.load_policy(other_store, policies.template_text("marketplace-standard"))
    order = make_order("#9999")  # the same shape, moved to the other store below
    values = {
        "number": "#1001",
        "ordered_at": order.ordered_at.isoformat(),
        "currency": "EUR",
        "language": "fr",
        "customer": {"email": "other@example.com", "country": "FR", "language": "fr"},
        "shipping_country": "FR",
        "fulfillment_status": "fulfilled",
        "lines": [{"title": "Lampe", "quantity": 1, "unit_price": "40.00", "fulfilled_quantity": 1}],
        "payments": [{"method": "card", "amount": "40.00", "captured_at": order.ordered_at.isoformat()}],
        "shipments": [
            {"shipped_at": order.ordered_at.isoformat(), "delivered_at": order.ordered_at.isoformat()}
        ],
    }
    report = import_orders(other_store, [json_orders.parse_one(values, 1)])
    assert report.ok, report.errors
    return other_store


def test_the_review_queue_lists_requested_returns_oldest_first_page_by_page(
    make_order, agent, client_for, review_policy
):
    waiting = [ask(make_order(f"#31{i}")) for i in range(3)]
    ask(make_order("#3199"), reason="size_fit")  # approved at once: not in the queue
    now = timezone.now()
    for age, ret in zip((1, 3, 2), waiting, strict=True):
        Return.objects.filter(pk=ret.pk).update(created_at=now - timedelta(days=age))
    client = client_for(agent)
    first = client.get("/api/v1/returns", {"state": "requested", "limit": 2})
    assert first.status_code == 200, first.content
    page = first.json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [item["number"] for item in page["items"]] == [waiting[1].number, waiting[2].number]
    assert page["items"][0]["state"] == "requested"
    assert page["items"][0]["lines"] == 1
    rest = client.get("/api/v1/returns", {"state": "requested", "limit": 2, "offset": 2}).json()
    assert [item["number"] for item in rest["items"]] == [waiting[0].number]
    everything = client.get("/api/v1/returns").json()
    assert everything["count"] == 4
    assert everything["items"][0]["state"] == "approved"  # newest first outside the queue


def test_a_bad_state_or_page_is_a_clear_error_and_seeing_returns_needs_the_permission(
    db, agent, client_for, staff_user
):
    client = client_for(agent)
    bad = client.get("/api/v1/returns", {"state": "lost_at_sea"})
    assert (bad.status_code, bad.json()["code"]) == (422, "return_invalid")
    assert client.get("/api/v1/returns", {"limit": 0}).status_code == 422
    refused = token_client(staff_user).get("/api/v1/returns")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")


def test_a_return_of_another_store_is_not_found(order, second_store, agent, client_for):
    mine = ask(order, reason="size_fit")
    theirs = ask(Order.objects.get(store=second_store, number="#1001"), reason="size_fit")
    client = client_for(agent)
    assert client.get(f"/api/v1/returns/{mine.number}", {"store": "test-store"}).status_code == 200
    other = client.get(f"/api/v1/returns/{theirs.number}", {"store": "test-store"})
    assert (other.status_code, other.json()["code"]) == (404, "return_not_found")
    cancel = client.post(f"/api/v1/returns/{theirs.number}/cancel?store=test-store", {}, "application/json")
    assert cancel.status_code == 404
    assert Return.objects.get(pk=theirs.pk).state == "approved"
    listed = client.get("/api/v1/returns", {"store": "other-store"}).json()
    assert [item["number"] for item in listed["items"]] == [theirs.number]


def test_a_token_bound_to_a_store_reaches_only_that_store(order, second_store, agent, warehouse):
    mine = ask(order, reason="size_fit")
    theirs = ask(Order.objects.get(store=second_store, number="#1001"), reason="size_fit")
    bound = token_client(agent, store=Store.objects.get(code="test-store"))
    assert bound.get(f"/api/v1/returns/{mine.number}").status_code == 200
    assert bound.get(f"/api/v1/returns/{theirs.number}").status_code == 404
    assert bound.get(f"/api/v1/returns/{theirs.number}", {"store": "other-store"}).status_code == 404
    assert [item["number"] for item in bound.get("/api/v1/returns").json()["items"]] == [mine.number]
    dock = token_client(warehouse, store=Store.objects.get(code="test-store"))
    received = dock.post(f"/api/v1/returns/{theirs.number}/receive", {}, "application/json")
    assert received.status_code == 404
    assert Return.objects.get(pk=theirs.pk).state == "approved"


def test_create_api_token_binds_a_token_to_a_store(order, second_store, agent):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("create_api_token", agent.username, "--store", "other-store", stdout=out)
    token = out.getvalue().strip()
    assert ApiToken.objects.get(hint=token[:10]).store == second_store
    client = Client(headers={"Authorization": f"Bearer {token}"})
    mine = ask(order, reason="size_fit")
    assert client.get(f"/api/v1/returns/{mine.number}").status_code == 404
    with pytest.raises(CommandError, match="no store with the code nope"):
        call_command("create_api_token", agent.username, "--store", "nope", stdout=io.StringIO())
