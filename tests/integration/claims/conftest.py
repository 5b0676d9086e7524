"""Claims fixtures: a marketplace order from a third-party seller, staff, the fake Stripe server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User

from factories import delivered_line
from fakes.stripe_server import FakeStripe
from retour.orders.models import Order

ORDERED = datetime.now(UTC) - timedelta(days=10)
ESTIMATED = (ORDERED + timedelta(days=4)).date()  # the latest estimated delivery shown at checkout


@pytest.fixture
def marketplace_order(make_order: Callable[..., Order]) -> Callable[..., Order]:
    """An order of one vase (80.00 + 5.00 delivery) from the marketplace seller Atelier Nord, never
    delivered: no carrier scan, the latest estimated delivery six days ago."""

    def make(
        number: str = "#5001", *, price: str = "80.00", seller: str = "atelier-nord", **extra: Any
    ) -> Order:
        values: dict[str, Any] = {
            "ordered_at": ORDERED.isoformat(),
            "lines": [delivered_line("Vase", 1, price, seller=seller, seller_name=seller.title())],
            "shipping": "5.00",
            "payments": [{"method": "card", "amount": str(Decimal(price) + 5)}],
            "shipments": [
                {
                    "shipped_at": (ORDERED + timedelta(days=1)).isoformat(),
                    "estimated_delivery_latest": str(ESTIMATED),
                }
            ],
        }
        values.update(extra)
        return make_order(number, **values)

    return make


@pytest.fixture
def fake_stripe(fixtures_dir: Path, settings: Any) -> Iterator[FakeStripe]:
    fixture = json.loads((fixtures_dir / "stripe" / "refund.stripe-mock-fixtures3.json").read_text())
    server = FakeStripe(fixture).start()
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def claims_staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
    )
    return user


@pytest.fixture
def claims_agent(db: None) -> User:
    return claims_staff(
        "claims-agent", "view_claim", "add_claim", "respond_claim", "decide_claim", "appeal_claim"
    )
