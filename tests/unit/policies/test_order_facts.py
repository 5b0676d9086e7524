"""The facts of an order line, read from unsaved model instances: no database, no query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from retour.catalog.models import Category, Product, Seller, Store
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment
from retour.policies.domain.facts import Facts
from retour.policies.order_facts import facts_for_line

pytestmark = pytest.mark.unit

STORE = Store(pk=1, code="lumiere", name="Lumière", currency="EUR", country="FR", time_zone="Europe/Paris")
SELLER = Seller(pk=1, store=STORE, code="nordic-gear", name="Nordic Gear")
APPAREL = Category(pk=1, store=STORE, slug="apparel", name_en="Apparel")
# 23:30 UTC on 1 March is already 2 March in Paris.
LATE_EVENING = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def order(*, payments: Sequence[Payment] = (), shipments: Sequence[Shipment] = (), **fields: Any) -> Order:
    values: dict[str, Any] = {
        "pk": 1,
        "store": STORE,
        "number": "ML-1",
        "currency": "EUR",
        "ordered_at": LATE_EVENING,
        "shipping_country": "DE",
    }
    values.update(fields)
    result = Order(**values)
    # What prefetch_related("payments", "shipments") leaves on an order.
    result._prefetched_objects_cache = {"payments": list(payments), "shipments": list(shipments)}
    return result


def shipment(position: int, delivered_at: datetime | None) -> Shipment:
    return Shipment(pk=position + 1, position=position, delivered_at=delivered_at)


def product(**fields: Any) -> Product:
    values: dict[str, Any] = {
        "pk": 1,
        "store": STORE,
        "seller": SELLER,
        "category": APPAREL,
        "title": "Parka",
    }
    values.update(fields)
    return Product(**values)


def line(the_order: Order, **fields: Any) -> OrderLine:
    values: dict[str, Any] = {
        "pk": 1,
        "order": the_order,
        "position": 0,
        "product": product(),
        "seller": SELLER,
        "title": "Parka",
        "quantity": 2,
        "unit_price": Decimal("45.00"),
    }
    values.update(fields)
    return OrderLine(**values)


def facts(the_line: OrderLine, **overrides: Any) -> Facts:
    values: dict[str, Any] = {"requested_at": date(2026, 3, 20), "condition": "opened", "reason": "size_fit"}
    values.update(overrides)
    return facts_for_line(the_line, **values)


def test_the_facts_of_a_delivered_line_come_from_the_order_its_line_and_its_product():
    parcel = shipment(0, datetime(2026, 3, 5, 23, 15, tzinfo=UTC))
    member = Customer(pk=1, store=STORE, email="ana@example.com", country="ES", is_member=True)
    the_order = order(
        customer=member,
        is_gift=True,
        shipments=[parcel],
        payments=[Payment(pk=2, position=1, method="gift_card"), Payment(pk=1, position=0, method="card")],
    )
    the_line = line(
        the_order,
        shipment=parcel,
        product=product(tags=["outdoor", " winter "], final_sale=True),
        personalised=True,
    )

    result = facts(the_line)

    assert (result.country, result.currency, result.category) == ("DE", "EUR", "apparel")
    assert (result.unit_price, result.quantity) == (Decimal("45.00"), 2)
    assert result.ordered_at == date(2026, 3, 2)  # in the store's time zone
    assert result.delivered_at == date(2026, 3, 6)
    assert (result.requested_at, result.condition, result.reason) == (date(2026, 3, 20), "opened", "size_fit")
    assert (result.is_gift, result.member, result.final_sale, result.personalised) == (True, True, True, True)
    assert result.tags == frozenset({"outdoor", "winter"})
    assert result.seller == "nordic-gear"
    assert result.payment_method == "card"  # the first payment
    assert result.days_since_delivery == 14


@pytest.mark.parametrize(
    ("shipping", "billing", "customer_country", "expected"),
    [
        ("DE", "BE", "ES", "DE"),
        ("", "BE", "ES", "BE"),
        ("", "", "ES", "ES"),
        ("", "", "", "FR"),  # the store's country
    ],
)
def test_the_country_is_where_the_order_ships_else_bills_else_the_customer_else_the_store(
    shipping: str, billing: str, customer_country: str, expected: str
):
    customer = Customer(pk=1, store=STORE, email="a@example.com", country=customer_country)
    the_order = order(shipping_country=shipping, billing_country=billing, customer=customer)
    assert facts(line(the_order)).country == expected


def test_a_line_without_its_own_shipment_is_delivered_when_the_orders_last_parcel_was():
    the_order = order(
        shipments=[
            shipment(0, datetime(2026, 3, 4, 10, 0, tzinfo=UTC)),
            shipment(1, datetime(2026, 3, 9, 10, 0, tzinfo=UTC)),
            shipment(2, None),
        ]
    )
    assert facts(line(the_order)).delivered_at == date(2026, 3, 9)


def test_a_line_whose_own_parcel_is_not_delivered_is_not_delivered_whatever_the_other_parcels_did():
    in_transit = shipment(1, None)
    the_order = order(shipments=[shipment(0, datetime(2026, 3, 4, 10, 0, tzinfo=UTC)), in_transit])
    result = facts(line(the_order, shipment=in_transit))
    assert result.delivered_at is None
    assert not result.delivered


def test_an_order_with_no_delivered_parcel_is_not_delivered():
    assert facts(line(order(shipments=[shipment(0, None)]))).delivered_at is None


def test_a_partial_return_counts_only_the_units_returned():
    assert facts(line(order()), quantity=1).quantity == 1


def test_a_line_without_product_customer_or_payment_has_empty_facts_for_them():
    result = facts(line(order(customer=None), product=None, final_sale=True))
    assert (result.category, result.tags, result.member, result.payment_method) == (
        "",
        frozenset(),
        False,
        "",
    )
    assert result.final_sale  # the line's own flag


def test_a_product_without_category_has_an_empty_category():
    assert facts(line(order(), product=product(category=None))).category == ""


def test_the_customers_segment_is_a_fact():
    vip = Customer(pk=1, store=STORE, email="vip@example.com", segment="vip")
    assert facts(line(order(customer=vip))).segment == "vip"
    assert facts(line(order(customer=None))).segment == ""
