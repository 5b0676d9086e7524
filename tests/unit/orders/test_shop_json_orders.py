"""Shopify's and WooCommerce's JSON orders read into the records the one order writer stores."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from retour.orders.importers import shopify_json, woocommerce_json
from retour.orders.importers.json_orders import loads
from retour.orders.importers.records import ImportedOrder, RowError

pytestmark = pytest.mark.unit


def docs_order(fixtures_dir: Path) -> dict[str, Any]:
    path = fixtures_dir / "shopify/webhooks/shopify-docs_2026-04_orders.paid.metadata.json"
    order: dict[str, Any] = loads(path.read_text())["response"]
    return order


def accepted(record: ImportedOrder | list[RowError]) -> ImportedOrder:
    assert isinstance(record, ImportedOrder), record
    return record


def test_shopifys_example_order_is_read_with_its_discount_spread_over_the_lines(fixtures_dir: Path) -> None:
    record = accepted(shopify_json.parse_order(docs_order(fixtures_dir), 1))
    assert (record.number, record.external_id, record.currency) == ("#9999", "820982911946154500", "USD")
    assert (record.total, record.discount, record.shipping, record.tax) == (
        Decimal("404.95"),
        Decimal("20.00"),
        Decimal("10.00"),
        Decimal("0.00"),
    )
    assert record.subtotal == Decimal("394.95")  # from the lines: Shopify's own subtotal_price is 404.95
    assert sum(line.order_discount_share for line in record.lines) == Decimal("20.00")
    assert [line.sku for line in record.lines][:2] == ["SKU2006-001", "LENS-PROTECT-2YR"]
    assert record.source == "shopify"


def test_a_shopify_refund_counts_its_successful_transactions(fixtures_dir: Path) -> None:
    order = docs_order(fixtures_dir)
    rest = json.loads(
        (fixtures_dir / "shopify/rest/shopify_python_api_test_fixtures_refund.json").read_text()
    )
    refund = rest["refund"]  # Shopify's own REST fixture: one transaction of 209.00
    refund["transactions"].append({**refund["transactions"][0], "status": "failure"})
    record = accepted(shopify_json.parse_order({**order, "refunds": [refund]}, 1))
    assert record.refunded_amount == Decimal("209.00")


def test_a_shopify_order_whose_totals_disagree_is_refused_with_the_field_named(fixtures_dir: Path) -> None:
    record = shopify_json.parse_order(
        {**docs_order(fixtures_dir), "total_price": "1.00", "total_price_set": None}
    )
    assert isinstance(record, list)
    assert [error.column for error in record] == ["total"]


def test_a_shopify_order_with_bad_fields_names_each_of_them(fixtures_dir: Path) -> None:
    order = docs_order(fixtures_dir)
    lines = [{**order["line_items"][0], "price": "abc", "price_set": None, "quantity": 0}]
    record = shopify_json.parse_order(
        {**order, "currency": "XXY", "line_items": lines, "created_at": "yesterday"}, 3
    )
    assert isinstance(record, list)
    assert {error.column for error in record} >= {
        "currency",
        "created_at",
        "line_items.0.price",
        "line_items.0.quantity",
    }
    assert {error.row for error in record} == {3}


def test_a_file_of_shopify_orders_is_read_as_the_rest_answer_or_json_lines(fixtures_dir: Path) -> None:
    order = json.dumps(docs_order(fixtures_dir), default=str)
    page = io.StringIO(json.dumps({"orders": [json.loads(order)]}) + "\n" + order + "\n")
    records = list(shopify_json.read(page))
    assert [accepted(r).number for r in records] == ["#9999", "#9999"]
    assert isinstance(next(shopify_json.read(io.StringIO("{oops\n"))), list)


def test_woocommerce_orders_are_read_with_their_refunds_and_unescaped_names(fixtures_dir: Path) -> None:
    orders = json.loads((fixtures_dir / "woocommerce/wc-v3-docs_orders_list.json").read_text())
    first, second = (accepted(woocommerce_json.parse_order(o, i)) for i, o in enumerate(orders, 1))
    assert (first.number, first.total, first.tax, first.financial_status) == (
        "727",
        Decimal("29.35"),
        Decimal("1.35"),
        "paid",
    )
    assert [line.unit_price for line in first.lines] == [Decimal("3.00"), Decimal("12.00")]
    assert first.lines[1].title.startswith("Ship Your Idea – Color: Black")
    assert first.ordered_at.isoformat() == "2017-03-22T19:28:02+00:00"  # the _gmt time, in UTC
    assert (second.refunded_amount, second.financial_status, second.fulfillment_status) == (
        Decimal("19.00"),
        "partially_refunded",
        "fulfilled",
    )
    assert all(line.fulfilled_quantity == line.quantity for line in second.lines)


def test_a_woocommerce_order_with_an_unknown_status_is_refused(fixtures_dir: Path) -> None:
    order = json.loads((fixtures_dir / "woocommerce/wc-v3-docs_order-727_retrieve.json").read_text())
    record = woocommerce_json.parse_order({**order, "status": "lost-in-space"}, 1)
    assert isinstance(record, list)
    assert [error.column for error in record] == ["status"]


def shop_orders(fixtures_dir: Path) -> dict[str, tuple[Any, dict[str, Any], str, str]]:
    """Each importer with a valid order of its own, its number's field and the one it falls back on."""
    woo = json.loads((fixtures_dir / "woocommerce/wc-v3-docs_order-727_retrieve.json").read_text())
    return {
        "shopify": (shopify_json.parse_order, docs_order(fixtures_dir), "name", "order_number"),
        "woocommerce": (woocommerce_json.parse_order, woo, "number", "id"),
    }


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_shop_order_that_is_not_a_json_object_is_refused_whole(fixtures_dir: Path, platform: str) -> None:
    parse = shop_orders(fixtures_dir)[platform][0]
    for thing in (None, [1, 2], "#1001", 7):
        assert parse(thing, 4) == [RowError(4, "", "an order must be a JSON object")]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_shop_order_holding_what_no_order_needs_is_refused_by_name(
    fixtures_dir: Path, platform: str
) -> None:
    parse, order, _key, _fallback = shop_orders(fixtures_dir)[platform]
    record = parse({**order, "note": "x" * 20_000}, 2)
    assert isinstance(record, list)
    assert [(error.row, error.column) for error in record] == [(2, "note")]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_shop_orders_number_falls_back_on_its_id_and_is_required(fixtures_dir: Path, platform: str) -> None:
    parse, order, key, fallback = shop_orders(fixtures_dir)[platform]
    assert accepted(parse({**order, key: None, fallback: 1001}, 1)).number == "1001"
    record = parse({**order, key: " ", fallback: None}, 5)
    assert isinstance(record, list)
    assert RowError(5, key, "the order number is empty") in record
