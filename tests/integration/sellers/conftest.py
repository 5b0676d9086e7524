"""A marketplace with two third-party sellers and the store's own goods: each seller has an order with a
claim waiting for it and an order with a return waiting for review; the store has its own order and
return; one order mixes both sellers. Seller accounts for both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from factories import delivered_line
from retour.api.models import ApiToken
from retour.catalog.models import Seller, Store
from retour.claims.models import Claim
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return
from retour.sellers.services import accounts

PASSWORD = "seller-portal-Pa55"
ORDERED = datetime.now(UTC) - timedelta(days=10)


@dataclass
class Side:
    """What one seller (or the store itself) has in the marketplace."""

    seller: Seller
    claim_order: Order
    claim: Claim | None
    return_order: Order
    ret: Return


@dataclass
class Marketplace:
    store: Store
    nord: Side
    sud: Side
    own: Side
    mixed: Order
    mixed_return: Return


def undelivered(make_order: Callable[..., Order], number: str, seller: str) -> Order:
    lines = (
        [delivered_line("Vase", 1, "80.00", seller=seller, seller_name=seller.title())]
        if seller
        else [delivered_line("Vase", 1, "80.00")]
    )
    return make_order(
        number,
        ordered_at=ORDERED.isoformat(),
        delivered=ORDERED,
        lines=lines,
        shipping="5.00",
        payments=[{"method": "card", "amount": "85.00"}],
        shipments=[
            {
                "shipped_at": (ORDERED + timedelta(days=1)).isoformat(),
                "estimated_delivery_latest": str((ORDERED + timedelta(days=4)).date()),
            }
        ],
    )


def delivered(make_order: Callable[..., Order], number: str, seller: str) -> Order:
    extra: dict[str, Any] = {"seller": seller, "seller_name": seller.title()} if seller else {}
    return make_order(
        number,
        lines=[delivered_line("Pull en laine", 2, "60.00", **extra)],
        payments=[{"method": "card", "amount": "120.00"}],
    )


def requested(order: Order) -> Return:
    ret = create_return(order, [LineRequest(order.lines.get().pk, 1, "defective", "damaged")])
    assert ret.state == "requested"
    return ret


def _side(make_order: Callable[..., Order], prefix: str, seller_code: str) -> Side:
    claim_order = undelivered(make_order, f"#{prefix}1", seller_code)
    claim = None
    if seller_code:
        claim, _created = file_claim(
            claim_order,
            Filing(
                claim_type="not_received", lines=[ClaimedLine(claim_order.lines.get().pk, 1)], message="Lost."
            ),
        )
    return_order = delivered(make_order, f"#{prefix}2", seller_code)
    seller = return_order.lines.get().seller
    assert seller is not None
    return Side(seller, claim_order, claim, return_order, requested(return_order))


@pytest.fixture
def marketplace(review_policy: Store, make_order: Callable[..., Order]) -> Marketplace:
    nord = _side(make_order, "51", "atelier-nord")
    sud = _side(make_order, "52", "maison-sud")
    own = _side(make_order, "53", "")
    mixed = make_order(
        "#5400",
        lines=[
            delivered_line("Bol", 1, "20.00", seller="atelier-nord", seller_name="Atelier-Nord"),
            delivered_line("Tasse", 1, "10.00", seller="maison-sud", seller_name="Maison-Sud"),
        ],
        payments=[{"method": "card", "amount": "30.00"}],
    )
    mixed_return = create_return(
        mixed, [LineRequest(line.pk, 1, "defective", "damaged") for line in mixed.lines.order_by("position")]
    )
    return Marketplace(review_policy, nord, sud, own, mixed, mixed_return)


def seller_user(seller: Seller, username: str, language: str = "en") -> User:
    user: User = accounts.add_member(seller, username, f"{username}@example.com", PASSWORD, language)
    return user


@pytest.fixture
def nord_user(marketplace: Marketplace) -> User:
    return seller_user(marketplace.nord.seller, "nord")


@pytest.fixture
def nord_client(nord_user: User) -> Client:
    client = Client()
    assert client.login(username="nord", password=PASSWORD)
    return client


@pytest.fixture
def nord_api(nord_user: User) -> Client:
    _record, token = ApiToken.issue(nord_user, "tests")
    return Client(headers={"Authorization": f"Bearer {token}"})
