"""Shopify's "Export orders" CSV: real exports read exactly; broken ones report every bad row."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import pytest

from factories import ShopifyExport
from retour.orders.importers import shopify_csv
from retour.orders.importers.records import ImportedOrder, RowError

pytestmark = pytest.mark.unit


def parse(stream: TextIO) -> tuple[dict[str, ImportedOrder], list[RowError]]:
    orders: dict[str, ImportedOrder] = {}
    errors: list[RowError] = []
    for item in shopify_csv.read(stream):
        if isinstance(item, list):
            errors.extend(item)
        else:
            orders[item.number] = item
    return orders, errors


def parse_file(path: Path) -> dict[str, ImportedOrder]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        orders, errors = parse(stream)
    assert errors == []
    return orders


def errors_of(export: ShopifyExport) -> list[RowError]:
    _orders, errors = parse(export.stream())
    return errors


@pytest.fixture
def forezia(forezia_csv: Path) -> dict[str, ImportedOrder]:
    return parse_file(forezia_csv)


@pytest.fixture
def export(forezia_csv: Path) -> ShopifyExport:
    return ShopifyExport.read(forezia_csv)


# The real exports


def test_the_forezia_export_reads_19_orders_and_40_lines_without_errors(forezia: dict[str, ImportedOrder]):
    assert list(forezia) == [f"#{number}" for number in range(1001, 1020)]
    assert sum(len(order.lines) for order in forezia.values()) == 40
    assert {order.currency for order in forezia.values()} == {"EUR"}


def test_every_order_total_is_the_total_column_of_its_first_row(
    forezia: dict[str, ImportedOrder], export: ShopifyExport
):
    for number, order in forezia.items():
        first_row = export.rows_of(number)[0]
        assert order.total == Decimal(export.get(first_row, "Total")), number


@pytest.mark.parametrize(
    ("number", "total", "lines"),
    [("#1001", "1659.95", 4), ("#1002", "1615.90", 2), ("#1008", "189.80", 4), ("#1013", "127.59", 2)],
)
def test_known_orders_have_the_totals_of_the_export(
    forezia: dict[str, ImportedOrder], number: str, total: str, lines: int
):
    order = forezia[number]
    assert order.total == Decimal(total)
    assert order.subtotal == Decimal(total)
    assert len(order.lines) == lines
    assert sum(line.unit_price * line.quantity for line in order.lines) == Decimal(total)


def test_the_order_totals_add_up_to_the_sum_of_the_total_column(
    forezia: dict[str, ImportedOrder], export: ShopifyExport
):
    column = [Decimal(value) for row in export.rows if (value := row[export.column("Total")])]
    assert sum(order.total or 0 for order in forezia.values()) == sum(column) == Decimal("14089.04")


def test_a_pending_order_has_no_captured_payment(forezia: dict[str, ImportedOrder]):
    order = forezia["#1013"]
    assert order.financial_status == "pending"
    assert order.payments == []


def test_an_outstanding_balance_is_not_counted_as_captured(forezia: dict[str, ImportedOrder]):
    [payment] = forezia["#1008"].payments
    assert payment.method == "manual"
    assert payment.amount == Decimal("189.79")


def test_a_paid_order_captured_its_total(forezia: dict[str, ImportedOrder]):
    [payment] = forezia["#1001"].payments
    assert payment.amount == Decimal("1659.95")
    assert payment.captured_at is not None
    assert payment.captured_at.isoformat() == "2025-05-11T09:55:16-04:00"


def test_continuation_rows_belong_to_the_order_above(forezia: dict[str, ImportedOrder]):
    assert [line.title for line in forezia["#1001"].lines] == [
        "Gift Card - $10",
        "Selling Plans Ski Wax - Selling Plans Ski Wax",
        "The Collection Snowboard: Hydrogen",
        "The Collection Snowboard: Oxygen",
    ]
    assert [line.unit_price for line in forezia["#1001"].lines] == [
        Decimal("10.00"),
        Decimal("24.95"),
        Decimal("600.00"),
        Decimal("1025.00"),
    ]


def test_fulfilled_lines_get_the_order_shipment(forezia: dict[str, ImportedOrder]):
    order = forezia["#1011"]
    assert order.fulfillment_status == "partial"
    assert len(order.shipments) == 1
    assert [(line.shipment, line.fulfilled_quantity) for line in order.lines] == [
        (None, 0),
        (0, 1),
        (0, 1),
        (0, 1),
    ]


def test_a_fulfilled_order_shipment_was_shipped_when_it_was_fulfilled(forezia: dict[str, ImportedOrder]):
    [shipment] = forezia["#1001"].shipments
    assert shipment.shipped_at is not None
    assert shipment.shipped_at.isoformat() == "2025-05-11T09:57:05-04:00"


def test_an_unfulfilled_order_has_no_shipment(forezia: dict[str, ImportedOrder]):
    order = forezia["#1019"]
    assert order.shipments == []
    assert all(line.shipment is None for line in order.lines)


def test_customers_are_read_from_the_email_and_orders_without_email_have_none(
    forezia: dict[str, ImportedOrder],
):
    assert forezia["#1001"].customer is None
    customer = forezia["#1008"].customer
    assert customer is not None
    assert (customer.email, customer.first_name, customer.last_name) == (
        "russel.winfield@example.com",
        "Russell",
        "Winfield",
    )
    emails = {order.customer.email for order in forezia.values() if order.customer}
    assert emails == {"ayumu.hirano@example.com", "karine.ruby@example.com", "russel.winfield@example.com"}


def test_the_creyox_export_reads_two_rupee_orders_with_their_tax(creyox_csv: Path):
    orders = parse_file(creyox_csv)
    assert list(orders) == ["#1002", "#1001"]
    assert [(o.currency, o.subtotal, o.tax, o.total) for o in orders.values()] == [
        ("INR", Decimal("130.00"), Decimal("11.70"), Decimal("141.70")),
        ("INR", Decimal("100.00"), Decimal("9.00"), Decimal("109.00")),
    ]
    assert [line.tax for o in orders.values() for line in o.lines] == [Decimal("11.70"), Decimal("9.00")]
    assert not any(o.tax_included for o in orders.values())


# Broken exports


def test_a_missing_column_is_reported_on_row_1_and_nothing_is_read(export: ShopifyExport):
    export.drop_column("Lineitem price")
    items = list(shopify_csv.read(export.stream()))
    assert items == [[RowError(1, "Lineitem price", "missing column")]]


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (6, "Subtotal", "1615,90", "1615,90 is not a number"),
        (6, "Subtotal", " ", "the value is missing"),
        (4, "Lineitem price", "six hundred", "six hundred is not a number"),
        (8, "Created at", "2025-13-11 10:01:25 -0400", "is not a date and time"),
        (8, "Paid at", "yesterday", "yesterday is not a date and time"),
        (11, "Currency", "EUX", "EUX is not an ISO 4217 currency code"),
        (12, "Lineitem quantity", "0", "the quantity must be at least 1"),
        (8, "Total", "729.96", "inconsistent totals: 729.96 is not subtotal + shipping + tax + duties"),
        (8, "Total", "729.955", "729.955 has more decimals than EUR allows"),
        (2, "Financial Status", "lost", "unknown financial status lost"),
    ],
)
def test_a_bad_value_is_reported_with_its_row_column_and_message(
    export: ShopifyExport, row: int, column: str, value: str, message: str
):
    export.set(row, column, value)
    [error] = errors_of(export)
    assert (error.row, error.column) == (row, column)
    assert message in error.message


def test_changing_a_total_without_its_subtotal_is_inconsistent(export: ShopifyExport):
    export.set(2, "Total", "1700.00")
    [error] = errors_of(export)
    assert (error.row, error.column) == (2, "Total")
    assert error.message.startswith("inconsistent totals")


def test_every_bad_row_is_reported_not_only_the_first(export: ShopifyExport):
    export.set(3, "Lineitem quantity", "many")
    export.set(16, "Subtotal", "abc")
    export.set(41, "Lineitem price", "-5.00")
    errors = errors_of(export)
    assert [(error.row, error.column) for error in errors] == [
        (3, "Lineitem quantity"),
        (16, "Subtotal"),
        (41, "Lineitem price"),
    ]
    assert "-5.00 is negative" in errors[2].message


def test_several_bad_fields_in_one_row_are_each_reported(export: ShopifyExport):
    export.set(8, "Currency", "EURO").set(8, "Lineitem quantity", "-1")
    assert [(error.row, error.column) for error in errors_of(export)] == [
        (8, "Currency"),
        (8, "Lineitem quantity"),
    ]


def test_rows_of_one_order_split_apart_are_an_error(export: ShopifyExport):
    export.rows.append(export.rows.pop(export.rows_of("#1001")[-1] - 2))  # #1001's last line at the end
    orders, errors = parse(export.stream())
    assert RowError(41, "Name", "the rows of order #1001 are not consecutive") in errors
    assert (2, "Subtotal") in [(error.row, error.column) for error in errors]  # the first part lacks a line
    assert "#1001" not in orders


def test_a_row_with_a_wrong_field_count_is_an_error(export: ShopifyExport):
    export.row(20).pop()
    orders, errors = parse(export.stream())
    assert errors[0] == RowError(20, "", "expected 79 fields, found 78")
    assert "#1008" not in orders  # its other rows no longer add up to its total


def test_an_empty_file_is_an_error():
    assert list(shopify_csv.read(io.StringIO(""))) == [[RowError(1, "", "the file is empty")]]


def test_a_header_without_rows_reads_no_orders(export: ShopifyExport):
    export.rows.clear()
    assert list(shopify_csv.read(export.stream())) == []


def test_an_error_names_the_row_and_the_column_when_printed():
    assert str(RowError(7, "Total", "bad")) == "row 7, column Total: bad"
    assert str(RowError(1, "", "the file is empty")) == "row 1: the file is empty"
