"""The demo store generator and the exporters: deterministic, complete, realistic, and readable back."""

from __future__ import annotations

import copy
import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest

from retour.orders.demo import CATEGORIES, DEMO_STORE, SELLERS, catalogue, generate_orders
from retour.orders.exporters import SHOPIFY_HEADER, write_json_lines, write_shopify_csv
from retour.orders.importers import json_orders, shopify_csv
from retour.orders.importers.records import ImportedOrder, complete

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 1, tzinfo=ZoneInfo("Europe/Paris"))
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def orders() -> list[ImportedOrder]:
    return list(generate_orders(1500, 7, now=NOW))


def fingerprints(count: int, seed: int, now: datetime = NOW) -> list[str]:
    return [order.fingerprint() for order in generate_orders(count, seed, now=now)]


def amounts(order: ImportedOrder) -> list[Decimal | None]:
    values = [order.subtotal, order.discount, order.shipping, order.tax, order.total, order.duties]
    values += [payment.amount for payment in order.payments]
    for line in order.lines:
        values += [line.unit_price, line.line_discount, line.order_discount_share, line.tax]
    return values


def in_utc(order: ImportedOrder) -> ImportedOrder:
    """The order with its times in UTC: readers give offsets where the generator gives a time zone."""
    order = copy.deepcopy(order)
    order.ordered_at = order.ordered_at.astimezone(UTC)
    order.cancelled_at = order.cancelled_at and order.cancelled_at.astimezone(UTC)
    for payment in order.payments:
        payment.captured_at = payment.captured_at and payment.captured_at.astimezone(UTC)
    for shipment in order.shipments:
        shipment.shipped_at = shipment.shipped_at and shipment.shipped_at.astimezone(UTC)
        shipment.delivered_at = shipment.delivered_at and shipment.delivered_at.astimezone(UTC)
    return order


# Determinism


def test_the_same_seed_gives_the_same_orders():
    assert fingerprints(200, 3) == fingerprints(200, 3)


def test_another_seed_gives_other_orders():
    first, second = fingerprints(200, 3), fingerprints(200, 4)
    assert not set(first) & set(second)


def test_another_day_moves_the_orders():
    assert fingerprints(50, 3) != fingerprints(50, 3, NOW + timedelta(days=1))


def test_the_catalogue_is_the_same_whatever_the_seed(orders):
    products, _weights = catalogue()
    by_sku = {product.sku: product for product in products}
    assert len(by_sku) == len(products)
    for order in list(generate_orders(100, 99, now=NOW)) + orders[:100]:
        for line in order.lines:
            assert by_sku[line.sku].title == line.title


def test_bad_arguments_are_refused_at_once():
    with pytest.raises(ValueError, match="aware"):
        generate_orders(10, 1, now=datetime(2026, 11, 1))
    with pytest.raises(ValueError, match="negative"):
        generate_orders(-1, 1, now=NOW)
    assert list(generate_orders(0, 1, now=NOW)) == []


# Consistency


def test_every_order_is_already_complete(orders):
    for order in orders:
        before = order.fingerprint()
        completed = copy.deepcopy(order)
        assert complete(completed) == [], order.number
        assert completed.fingerprint() == before, f"complete() changed {order.number}"


def test_amounts_are_decimals_in_cents_and_payments_match_the_total(orders):
    for order in orders:
        for value in amounts(order):
            assert isinstance(value, Decimal), order.number
            assert value == value.quantize(CENT), (order.number, value)
            assert value >= 0
        if order.financial_status == "paid":
            assert sum(payment.amount for payment in order.payments) == order.total
        else:
            assert order.payments == []


def test_prices_include_french_vat_on_taxable_lines_in_the_eu(orders):
    for order in orders:
        assert order.tax_included
        if order.shipping_country in {"US", "GB", "CH", "CA"} or not order.tax:
            continue
        taxable = sum(
            line.unit_price * line.quantity - line.line_discount - line.order_discount_share
            for line in order.lines
            if line.taxable
        )
        assert order.tax == (taxable / 6).quantize(CENT, rounding=ROUND_HALF_UP), order.number


def test_order_numbers_follow_each_other_and_orders_are_in_time_order(orders):
    assert [order.number for order in orders[:3]] == ["ML-100001", "ML-100002", "ML-100003"]
    times = [order.ordered_at for order in orders]
    assert times == sorted(times)
    assert NOW - timedelta(days=366) < times[0]
    assert times[-1] < NOW


def test_fulfilment_agrees_with_the_shipments(orders):
    for order in orders:
        for line in order.lines:
            if line.shipment is not None:
                assert line.fulfilled_quantity == line.quantity
                assert order.shipments[line.shipment].shipped_at is not None
            elif line.requires_shipping:
                assert line.fulfilled_quantity == 0
        done = [line.fulfilled_quantity == line.quantity for line in order.lines]
        expected = "fulfilled" if all(done) else "partial" if any(done) else "unfulfilled"
        assert order.fulfillment_status == expected, order.number
        for shipment in order.shipments:
            assert order.ordered_at < shipment.shipped_at < NOW
            assert shipment.delivered_at is None or shipment.shipped_at < shipment.delivered_at < NOW


# Realism


def test_customers_are_french_and_english_with_unique_example_addresses(orders):
    customers = {order.customer.email: order.customer for order in orders if order.customer}
    assert 0.25 < len(customers) / len(orders) < 0.42
    assert {customer.language for customer in customers.values()} == {"fr", "en"}
    assert {"FR", "BE", "GB", "US"} <= {customer.country for customer in customers.values()}
    assert all(email.endswith(("@example.com", "@example.org")) for email in customers)
    members = sum(customer.is_member for customer in customers.values())
    assert 0.12 < members / len(customers) < 0.28


def test_every_category_is_sold_and_the_policy_categories_have_their_slugs(orders):
    slugs = {slug for slug, _en, _fr in CATEGORIES}
    assert {"books", "media", "software", "beauty", "grocery", "gift_cards", "digital"} <= slugs
    assert {line.category for order in orders for line in order.lines} == slugs


def test_marketplace_sellers_sell_beside_the_store(orders):
    lines = [line for order in orders for line in order.lines]
    sellers = {(line.seller_code, line.seller_name) for line in lines if line.seller_code}
    assert sellers == {(seller.code, seller.name) for seller in SELLERS}
    assert 0.1 < sum(1 for line in lines if line.seller_code) / len(lines) < 0.5


def test_orders_have_about_two_and_a_half_lines_discounts_gifts_and_flags(orders):
    lines = [line for order in orders for line in order.lines]
    assert 2.3 < len(lines) / len(orders) < 2.7
    assert {len(order.lines) for order in orders} == {1, 2, 3, 4}
    assert sum(line.quantity == 1 for line in lines) / len(lines) > 0.8
    assert 0.10 < sum(bool(order.discount_codes) for order in orders) / len(orders) < 0.22
    assert 0.02 < sum(order.is_gift for order in orders) / len(orders) < 0.09
    assert any(line.line_discount for line in lines)
    assert any(line.final_sale for line in lines)
    assert any(line.personalised for line in lines)
    assert {"card", "paypal", "gift_card"} <= {p.method for order in orders for p in order.payments}


def test_old_orders_are_delivered_recent_ones_in_transit_or_waiting_and_a_few_never_arrive(orders):
    recent = [order for order in orders if order.ordered_at > NOW - timedelta(days=14)]
    old = [order for order in orders if order.ordered_at < NOW - timedelta(days=30)]
    statuses = Counter(order.fulfillment_status for order in recent if not order.cancelled_at)
    assert statuses["unfulfilled"]
    assert statuses["fulfilled"]
    in_transit = [s for order in recent for s in order.shipments if s.delivered_at is None]
    assert in_transit
    old_parcels = [s for order in old for s in order.shipments]
    lost = [s for s in old_parcels if s.delivered_at is None]
    assert 0 < len(lost) < 0.02 * len(old_parcels)
    assert all(s.estimated_delivery_latest < NOW.date() for s in lost)
    cancelled = [order for order in orders if order.cancelled_at]
    assert 0 < len(cancelled) < 0.05 * len(orders)
    assert all(o.financial_status == "voided" and not o.shipments for o in cancelled)


def test_the_demo_store_is_maison_lumiere():
    assert DEMO_STORE == {
        "code": "maison-lumiere",
        "name": "Maison Lumière",
        "currency": "EUR",
        "country": "FR",
        "time_zone": "Europe/Paris",
        "languages": "fr,en",
        "return_address": (
            "Maison Lumière – Service retours\nBâtiment C, 8 allée des Lucioles\n69740 Genas\nFrance"
        ),
    }


# Exporters


def test_the_shopify_export_reads_back_with_the_same_totals(orders):
    stream = io.StringIO()
    written = write_shopify_csv(orders, stream)
    text = stream.getvalue()
    assert written == sum(len(order.lines) for order in orders)
    assert text.splitlines()[0].split(",") == SHOPIFY_HEADER
    assert len(SHOPIFY_HEADER) == 79
    back = list(shopify_csv.read(io.StringIO(text)))
    assert all(isinstance(record, ImportedOrder) for record in back)
    assert len(back) == len(orders)
    for original, read in zip(orders, back, strict=True):
        assert isinstance(read, ImportedOrder)
        assert read.number == original.number
        assert read.ordered_at == original.ordered_at
        assert amounts(read)[:5] == amounts(original)[:5]
        assert sum(p.amount for p in read.payments) == sum(p.amount for p in original.payments)
        assert [(line.sku, line.quantity, line.unit_price, line.tax) for line in read.lines] == [
            (line.sku, line.quantity, line.unit_price, line.tax) for line in original.lines
        ]
        assert read.fulfillment_status == original.fulfillment_status


def test_shopify_continuation_rows_leave_the_order_columns_blank(orders):
    stream = io.StringIO()
    order = next(order for order in orders if len(order.lines) > 1)
    write_shopify_csv([order], stream)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))[1:]
    total = SHOPIFY_HEADER.index("Total")
    assert rows[0][total] == f"{order.total}"
    assert all(row[total] == "" for row in rows[1:])
    assert all(row[0] == order.number for row in rows)


def test_json_lines_read_back_to_the_same_orders(orders):
    stream = io.StringIO()
    written = write_json_lines(orders, stream)
    assert written == sum(len(order.lines) for order in orders)
    assert stream.getvalue().count("\n") == len(orders)
    back = list(json_orders.read(io.StringIO(stream.getvalue())))
    for original, read in zip(orders, back, strict=True):
        assert isinstance(read, ImportedOrder), read
        read.source = original.source  # the reader says where an order came from
        assert in_utc(read).fingerprint() == in_utc(original).fingerprint(), original.number
