"""Integration fixtures: a store with the marketplace-standard policy, delivered orders, staff with roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from factories import delivered_line
from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies

DELIVERED = datetime.now(UTC) - timedelta(days=5)


@pytest.fixture
def policy_store(store: Store) -> Store:
    policies.load_policy(store, policies.template_text("marketplace-standard"))
    return store


@pytest.fixture
def review_policy(policy_store: Store) -> Store:
    """marketplace-standard, with seller-fault returns left for a person to approve."""
    text = policies.template_text("marketplace-standard").replace(
        "      code: seller_fault\n", "      code: seller_fault\n      approval: review\n"
    )
    policies.load_policy(policy_store, text)
    return policy_store


@pytest.fixture
def make_order(policy_store: Store) -> Callable[..., Order]:
    """An order delivered five days ago to a French shopper (override any field of the JSON format)."""

    def make(
        number: str = "#1001", *, language: str = "fr", delivered: datetime = DELIVERED, **overrides: Any
    ) -> Order:
        values: dict[str, Any] = {
            "number": number,
            "ordered_at": (delivered - timedelta(days=3)).isoformat(),
            "currency": "EUR",
            "language": language,
            "customer": {"email": f"{number.strip('#')}@example.com", "country": "FR", "language": language},
            "shipping_country": "FR",
            "fulfillment_status": "fulfilled",
            "lines": [delivered_line("Pull en laine", 2, "60.00"), delivered_line("Écharpe", 1, "25.00")],
            "payments": [{"method": "card", "amount": "145.00", "captured_at": delivered.isoformat()}],
            "shipments": [
                {
                    "shipped_at": (delivered - timedelta(days=2)).isoformat(),
                    "delivered_at": delivered.isoformat(),
                }
            ],
        }
        values.update(overrides)
        report = import_orders(policy_store, [json_orders.parse_one(values, 1)])
        assert report.ok, report.errors
        return Order.objects.get(store=policy_store, number=number)

    return make


@pytest.fixture
def order(make_order: Callable[..., Order]) -> Order:
    return make_order()


def staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="returns", codename__in=codenames)
    )
    return user


@pytest.fixture
def agent(db: None) -> User:
    return staff("agent", "view_return", "add_return", "approve_return")


@pytest.fixture
def warehouse(db: None) -> User:
    return staff("warehouse", "view_return", "receive_return")


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """An API client with a fresh staff token of ``user``."""

    def make(user: User) -> Client:
        _record, token = ApiToken.issue(user, "tests")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make
