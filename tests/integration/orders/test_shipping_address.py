"""The shipping address an order was sent to, kept from the import: Shopify's export, the JSON format,
the files the demo writes, and the admin's order page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client

from retour.catalog.models import Store
from retour.orders.exporters import write_json_lines, write_shopify_csv
from retour.orders.importers import json_orders, shopify_csv
from retour.orders.models import Order
from retour.orders.services.importing import import_orders

pytestmark = pytest.mark.django_db

ADDRESS = {
    "shipping_name": "Zoé Lefèvre",
    "shipping_company": "Atelier Lefèvre",
    "shipping_address1": "18 rue des Taillandiers",
    "shipping_address2": "Bâtiment B, 3e étage",
    "shipping_city": "Paris",
    "shipping_postal_code": "75011",
    "shipping_province": "Île-de-France",
    "shipping_country": "FR",
    "shipping_phone": "+33 6 12 34 56 78",
}


def json_order(number: str = "#3001", **fields: str) -> dict[str, object]:
    return {
        "number": number,
        "ordered_at": "2026-11-02T10:30:00+01:00",
        "currency": "EUR",
        "customer": {"email": "zoe@example.com", "first_name": "Zoé", "last_name": "Lefèvre"},
        "lines": [{"title": "Pull en laine", "quantity": 1, "unit_price": "60.00"}],
        **fields,
    }


def address_of(order: Order) -> dict[str, str]:
    return {field: getattr(order, field) for field in ADDRESS}


def test_the_shopify_export_brings_the_full_shipping_address(store: Store, forezia_csv: Path):
    with forezia_csv.open(encoding="utf-8", newline="") as stream:
        report = import_orders(store, shopify_csv.read(stream))
    assert report.ok, report.errors
    assert address_of(Order.objects.get(number="#1013")) == {
        "shipping_name": "Karine Ruby",
        "shipping_company": "",
        "shipping_address1": "Box 42 - 151 O'Connor St",
        "shipping_address2": "",
        "shipping_city": "Ottawa",
        "shipping_postal_code": "K2P 2L8",
        "shipping_province": "ON",
        "shipping_country": "CA",
        "shipping_phone": "+16135550142",
    }
    order = Order.objects.get(number="#1005")
    assert (order.shipping_company, order.shipping_city) == ("Receiving Department", "Ottawa")
    # Orders the export has no address for (draft orders, gift cards) import with none.
    assert address_of(Order.objects.get(number="#1001")) == dict.fromkeys(ADDRESS, "")


def test_the_json_format_brings_the_full_shipping_address(store: Store):
    report = import_orders(store, [json_orders.parse_one(json_order(**ADDRESS), 1)])
    assert report.ok, report.errors
    assert address_of(Order.objects.get(number="#3001")) == ADDRESS


def test_a_too_long_address_line_is_refused_by_name_and_nothing_is_stored(store: Store):
    parsed = json_orders.parse_one(json_order(shipping_address1="x" * 256), 1)
    assert isinstance(parsed, list)
    assert [error.column for error in parsed] == ["shipping_address1"]
    report = import_orders(store, [parsed])
    assert not report.ok
    assert not Order.objects.exists()


def test_re_importing_with_a_new_address_updates_the_order(store: Store):
    import_orders(store, [json_orders.parse_one(json_order(), 1)])
    assert Order.objects.get().shipping_city == ""
    report = import_orders(store, [json_orders.parse_one(json_order(**ADDRESS), 1)])
    assert (report.created, report.updated) == (0, 1)
    assert address_of(Order.objects.get()) == ADDRESS


def test_the_written_files_keep_the_address_both_ways(store: Store, other_store: Store):
    record = json_orders.parse_one(json_order(**ADDRESS), 1)
    assert not isinstance(record, list)
    as_json, as_csv = io.StringIO(), io.StringIO()
    write_json_lines([record], as_json)
    write_shopify_csv([record], as_csv)
    as_json.seek(0)
    as_csv.seek(0)
    assert import_orders(store, json_orders.read(as_json)).ok
    assert import_orders(other_store, shopify_csv.read(as_csv)).ok
    assert address_of(Order.objects.get(store=store)) == ADDRESS
    assert address_of(Order.objects.get(store=other_store)) == ADDRESS


def test_the_admin_order_page_shows_the_address_as_printed(store: Store, admin_client: Client):
    import_orders(store, [json_orders.parse_one(json_order(**ADDRESS), 1)])
    order = Order.objects.get()
    html = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    block = (
        "Zoé Lefèvre<br>Atelier Lefèvre<br>18 rue des Taillandiers<br>Bâtiment B, 3e étage<br>"
        "75011 Paris Île-de-France<br>France<br>+33 6 12 34 56 78"
    )
    assert block in html
