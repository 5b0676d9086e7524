"""Staff limited to stores: two stores, a member of one sees and acts on that store's returns only, in every
list, choice and page; another store's object is not found. Superusers and unassigned staff see both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from factories import delivered_line
from retour.backoffice.models import StaffStore
from retour.backoffice.roles import AGENTS, WAREHOUSE
from retour.catalog.models import Store
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies
from retour.returns.models import Return, ReturnNote
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db
DELIVERED = datetime.now(UTC) - timedelta(days=5)
NBSP = "\u00a0"


def order_in(store: Store, number: str) -> Order:
    policies.load_policy(store, policies.template_text("marketplace-standard"))
    values = {
        "number": number,
        "ordered_at": (DELIVERED - timedelta(days=3)).isoformat(),
        "currency": "EUR",
        "customer": {"email": f"{number.strip('#')}@example.com", "country": "FR", "language": "fr"},
        "shipping_country": "FR",
        "fulfillment_status": "fulfilled",
        "lines": [delivered_line("Pull en laine", 1, "60.00")],
        "payments": [{"method": "card", "amount": "60.00", "captured_at": DELIVERED.isoformat()}],
        "shipments": [{"shipped_at": DELIVERED.isoformat(), "delivered_at": DELIVERED.isoformat()}],
    }
    report = import_orders(store, [json_orders.parse_one(values, 1)])
    assert report.ok, report.errors
    return Order.objects.get(store=store, number=number)


def return_in(store: Store, number: str) -> Return:
    order = order_in(store, number)
    line = order.lines.get()
    return create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])


@pytest.fixture
def two(store: Store, other_store: Store) -> tuple[Return, Return]:
    return return_in(store, "#A1"), return_in(other_store, "#B1")


def member(username: str, role: str, *stores: Store) -> Client:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    for store in stores:
        StaffStore.objects.create(user=user, store=store)
    client = Client()
    client.force_login(user)
    return client


def test_a_limited_agent_lists_and_opens_only_their_stores_returns(two, store):
    mine, theirs = two
    agent = member("agent", AGENTS, store)
    listing = agent.get(reverse("admin:returns_return_changelist")).content.decode()
    assert mine.number in listing
    assert theirs.number not in listing
    assert "Other Store" not in listing  # not even offered in the store filter
    assert agent.get(reverse("admin:returns_return_change", args=[mine.pk])).status_code == 200
    assert agent.get(reverse("admin:returns_return_change", args=[theirs.pk])).status_code == 404
    assert agent.get(reverse("admin:returns_return_history", args=[theirs.pk])).status_code == 404


def test_a_limited_agent_cannot_act_on_another_stores_return_by_url_or_action(two, store):
    mine, theirs = two
    agent = member("agent", AGENTS, store)
    pressed = agent.post(
        reverse("admin:returns_return_act", args=[theirs.pk]),
        {"button": "cancel_selected", "state": "approved"},
    )
    assert pressed.status_code == 404
    noted = agent.post(reverse("admin:returns_return_note", args=[theirs.pk]), {"text": "hello"})
    assert noted.status_code == 404
    agent.post(
        reverse("admin:returns_return_changelist"),
        {"action": "cancel_selected", "_selected_action": [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == ("cancelled", "approved")
    assert not ReturnNote.objects.exists()


def test_a_limited_warehouse_cannot_receive_another_stores_parcel(two, store):
    mine, theirs = two
    dock = member("dock", WAREHOUSE, store)
    refused = dock.post(reverse("backoffice:receive"), {"number": theirs.number}, follow=True)
    assert f"There is no return {theirs.number}." in refused.content.decode()
    assert dock.get(reverse("admin:returns_return_receive", args=[theirs.pk])).status_code == 404
    dock.post(reverse("backoffice:receive"), {"number": mine.number})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == ("received", "approved")


def test_the_new_return_page_offers_only_the_members_stores(two, store, other_store):
    agent = member("agent", AGENTS, store)
    page = agent.get(reverse("backoffice:new-return")).content.decode()
    assert "Other Store" not in page
    other = agent.get(reverse("backoffice:new-return"), {"store": other_store.pk, "order": "#B1"})
    assert "#B1@example.com" not in other.content.decode()
    assert other.context["lookup"].errors["store"]


def test_members_of_both_stores_superusers_and_unassigned_staff_see_both(two, other_store, admin_client):
    mine, theirs = two
    both = member("both", AGENTS, Store.objects.get(code="test-store"), other_store)
    unassigned = member("free", AGENTS)
    for client in (both, unassigned, admin_client):
        listing = client.get(reverse("admin:returns_return_changelist")).content.decode()
        assert mine.number in listing
        assert theirs.number in listing


def test_the_refund_and_policy_lists_are_limited_too(two, store):
    agent = member("agent", AGENTS, store)
    decisions = agent.get(reverse("admin:policies_policydecision_changelist"))
    assert decisions.status_code == 200
    assert {row.store_id for row in decisions.context["cl"].result_list} == {store.pk}
    policies_page = agent.get(reverse("admin:policies_returnpolicy_changelist"))
    assert {row.store_id for row in policies_page.context["cl"].result_list} == {store.pk}


def test_orders_customers_and_stores_are_limited_too(two, store, other_store):
    agent = member("agent", AGENTS, store)
    orders = agent.get(reverse("admin:orders_order_changelist"))
    assert {row.store_id for row in orders.context["cl"].result_list} == {store.pk}
    theirs = Order.objects.get(store=other_store)
    assert agent.get(reverse("admin:orders_order_change", args=[theirs.pk])).status_code == 404
    customers = agent.get(reverse("admin:orders_customer_changelist"))
    assert {row.store_id for row in customers.context["cl"].result_list} == {store.pk}


def test_the_orders_list_shows_totals_in_the_store_currency_and_times_in_its_zone(two, admin_client):
    listing = admin_client.get(reverse("admin:orders_order_changelist"), headers={"Accept-Language": "fr"})
    text = listing.content.decode()
    assert f"60,00{NBSP}€" in text
    assert "60.0000" not in text
    assert "(Europe/Paris)" in text
