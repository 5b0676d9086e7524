"""What a column holds, read from the model fields: every imported value checked before it is written,
named where the file has it; JSON's hostile shapes (giant integers, deep nesting, huge texts, an order
twice, a line of a megabyte) refused by name."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils import translation

from factories import imported_line, imported_order, json_line, json_order
from retour.catalog.models import Product, Seller
from retour.orders.importers import json_orders, limits
from retour.orders.importers.records import (
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
)
from retour.orders.importers.shopify_csv import COLUMNS as CSV_COLUMNS
from retour.orders.models import Order, OrderLine, Payment, Shipment

pytestmark = pytest.mark.unit

D = Decimal


def messages(order: ImportedOrder) -> list[tuple[str, str]]:
    return [(error.column, error.message) for error in limits.check(order)]


# The limits come from the model fields


def test_every_limit_is_the_model_fields_own():
    checked = {name for name, _checks in limits.checks(ImportedLine)}
    assert {"title", "sku", "quantity", "unit_price", "seller_code", "vendor", "tags", "category"} <= checked
    title = OrderLine._meta.get_field("title").max_length
    order = imported_order(lines=[imported_line(title="x" * (title + 1))])
    assert messages(order) == [
        ("lines.0.title", f"{title + 1} characters, more than the {title} this column holds")
    ]
    assert messages(imported_order(lines=[imported_line(title="x" * title)])) == []


def test_a_field_stored_in_another_model_is_held_to_that_models_limit():
    vendor = Product._meta.get_field("vendor").max_length
    seller = Seller._meta.get_field("code").max_length
    order = imported_order(lines=[imported_line(vendor="v" * (vendor + 1), seller_code="s" * (seller + 1))])
    assert [column for column, _message in messages(order)] == ["lines.0.seller_code", "lines.0.vendor"]


def test_the_json_schema_publishes_the_model_limits():
    schema = json_orders.OrderIn.model_json_schema()
    line = schema["$defs"]["LineIn"]["properties"]
    assert schema["properties"]["number"]["maxLength"] == Order._meta.get_field("number").max_length
    assert line["title"]["maxLength"] == OrderLine._meta.get_field("title").max_length
    payment = schema["$defs"]["PaymentIn"]["properties"]
    assert payment["reference"]["maxLength"] == Payment._meta.get_field("reference").max_length
    shipment = schema["$defs"]["ShipmentIn"]["properties"]
    assert shipment["tracking_number"]["maxLength"] == Shipment._meta.get_field("tracking_number").max_length


def test_amounts_are_held_to_the_digits_and_places_of_their_columns():
    order = imported_order(
        total=D("1234567890123456.00"),  # 16 digits before the point, the column holds 15
        shipping=D("999999999999999.9999"),  # fits exactly
        lines=[imported_line(unit_price=D("1.00001"))],
    )
    assert messages(order) == [
        ("total", "1234567890123456.00 has more than 15 digits before the decimal point"),
        ("lines.0.unit_price", "1.00001 has more than 4 decimals"),
    ]


def test_integers_are_held_to_postgresqls_range_on_every_database():
    order = imported_order(lines=[imported_line(quantity=2_147_483_648, fulfilled_quantity=-1)])
    assert messages(order) == [
        ("lines.0.quantity", "2147483648 is more than 2147483647, the largest this column holds"),
        ("lines.0.fulfilled_quantity", "-1 is less than 0, the smallest this column holds"),
    ]
    assert messages(imported_order(lines=[imported_line(quantity=2_147_483_647)])) == []


def test_control_characters_are_refused_in_every_text_tabs_and_line_breaks_are_text():
    order = imported_order(
        number="#1\x00",
        customer=ImportedCustomer(email="a@example.com", first_name="A\x1b[2J"),
        lines=[imported_line(title="Line\tone\nand two", tags=("ok", "bad\x07"))],
        payments=[ImportedPayment(method="card", amount=D(0), reference="\x7f")],
        shipments=[ImportedShipment(carrier="La\x0cPoste")],
    )
    assert messages(order) == [
        ("number", "contains a control character"),
        ("customer.first_name", "contains a control character"),
        ("lines.0.tags", "contains a control character"),
        ("payments.0.reference", "contains a control character"),
        ("shipments.0.carrier", "contains a control character"),
    ]


def test_a_time_that_cannot_be_stored_in_utc_is_refused():
    late = datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1)))
    assert messages(imported_order(ordered_at=late)) == [
        (
            "ordered_at",
            "9999-12-31T23:30:00-01:00 is outside the times that can be stored (years 1 to 9999 in UTC)",
        )
    ]
    assert messages(imported_order(ordered_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC))) == []


def test_errors_name_the_column_and_the_row_as_the_csv_calls_them():
    line = imported_line(title="x" * 300, row=7)
    order = imported_order(row=6, lines=[imported_line(row=6), line], columns=CSV_COLUMNS)
    assert limits.check(order) == [
        RowError(7, "Lineitem name", "300 characters, more than the 255 this column holds")
    ]


def test_a_value_read_into_two_fields_is_reported_once():
    order = imported_order(lines=[imported_line(quantity=3_000_000_000, fulfilled_quantity=3_000_000_000)])
    order.columns = CSV_COLUMNS
    assert len(limits.check(order)) == 1


def test_the_limits_are_explained_in_french():
    with translation.override("fr"):
        found = [
            str(error)
            for error in limits.check(imported_order(row=2, lines=[imported_line(title="x" * 256)]))
        ]
    assert found == [
        "ligne 2, colonne lines.0.title : 256 caractères, plus que les 255 que cette colonne contient"
    ]


# JSON's hostile shapes


def read(text: str) -> list[ImportedOrder | list[RowError]]:
    return list(json_orders.read(io.StringIO(text)))


def test_a_giant_integer_is_refused_by_name_where_int_would_raise():
    text = json.dumps(json_order(lines=[json_line(quantity="__q__")])).replace('"__q__"', "7" * 5000)
    assert read(text) == [[RowError(1, "lines.0.quantity", "a number of 5000 digits is far too large")]]


def test_deep_nesting_is_refused_by_name_with_its_path():
    tags = json.loads("[" * 12 + "]" * 12)
    [errors] = read(json.dumps(json_order(lines=[json_line(tags=tags)])))
    assert errors == [RowError(1, "lines.0.tags.0.0.0.0.0.0.0", "nested more than 10 levels deep")]


def test_nesting_deeper_than_pythons_parser_goes_is_refused_by_name():
    text = json.dumps(json_order()) + '\n{"lines": [' + "{" * 0 + "[" * 3000 + "]" * 3000 + "]}\n"
    first, second = read(text)
    assert isinstance(first, ImportedOrder)
    assert second == [RowError(2, "lines.0.0.0.0.0.0.0.0.0", "nested more than 10 levels deep")]


def test_a_huge_text_is_refused_by_name():
    [errors] = read(json.dumps(json_order(note="n" * 10_001)))
    assert errors == [RowError(1, "note", "10001 characters: far too long for any field (at most 10000)")]


def test_a_line_longer_than_a_megabyte_is_refused_and_the_next_lines_are_read():
    long = json.dumps(json_order(number="R-2", note="n" * json_orders.MAX_LINE))
    text = "\n".join([json.dumps(json_order(number="R-1")), long, json.dumps(json_order(number="R-3"))])
    first, second, third = read(text)
    assert second == [
        RowError(2, "", "the line is longer than 1000000 characters: one order per line is expected")
    ]
    assert [first.number, third.number] == ["R-1", "R-3"]  # type: ignore[union-attr]


def test_the_same_order_twice_in_a_file_is_an_error_at_its_second_row():
    text = "\n".join(json.dumps(json_order(number=number)) for number in ("R-1", "R-2", "R-1"))
    records = read(text)
    assert records[2] == [
        RowError(3, "number", "order R-1 is already at row 1 of this file; an order may be given once")
    ]


def test_an_amount_beyond_its_column_is_refused_before_any_arithmetic():
    errors = json_orders.parse_one(json_order(shipping="1e999999"), 1)
    assert errors == [RowError(1, "shipping", "1E+999999 has more than 15 digits before the decimal point")]
