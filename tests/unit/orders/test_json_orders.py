"""Retour's JSON order format: strict validation, exact amounts, discounts and tax spread exactly."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from factories import json_line, json_order
from retour.orders.importers import json_orders
from retour.orders.importers.records import ImportedOrder, RowError

pytestmark = pytest.mark.unit


def parse(item: dict[str, Any]) -> ImportedOrder:
    record = json_orders.parse_one(item, 1)
    assert isinstance(record, ImportedOrder), record
    return record


def rejected(item: dict[str, Any]) -> list[RowError]:
    record = json_orders.parse_one(item, 1)
    assert isinstance(record, list), "the order was accepted"
    return record


def columns(errors: list[RowError]) -> list[str]:
    return [error.column for error in errors]


def read(text: str) -> list[ImportedOrder | list[RowError]]:
    return list(json_orders.read(io.StringIO(text)))


# Reading files


def test_json_lines_are_read_one_order_per_line():
    text = "\n".join(json.dumps(json_order(number=f"R-{n}")) for n in (1, 2, 3)) + "\n"
    records = read(text)
    assert [record.number for record in records if isinstance(record, ImportedOrder)] == ["R-1", "R-2", "R-3"]


def test_a_json_array_is_read_with_the_array_index_as_the_row():
    text = json.dumps([json_order(number="R-1"), json_order(number="R-2", currency="EURO")], indent=2)
    first, second = read(text)
    assert isinstance(first, ImportedOrder)
    assert first.number == "R-1"
    assert second == [RowError(2, "currency", "String should have at most 3 characters")]


def test_an_invalid_json_line_reports_its_line_number_and_the_next_lines_are_still_read():
    text = "\n".join(
        [json.dumps(json_order(number="R-1")), '{"number": ', json.dumps(json_order(number="R-3"))]
    )
    first, second, third = read(text)
    assert isinstance(first, ImportedOrder)
    assert isinstance(second, list)
    assert [(error.row, error.column) for error in second] == [(2, "")]
    assert second[0].message.startswith("not valid JSON")
    assert isinstance(third, ImportedOrder)
    assert third.number == "R-3"


def test_line_numbers_count_the_blank_lines_at_the_start_of_the_file():
    text = "\n\n" + json.dumps(json_order()) + "\n{oops}\n"
    first, second = read(text)
    assert isinstance(first, ImportedOrder)
    assert first.row == 3
    assert isinstance(second, list)
    assert [error.row for error in second] == [4]


def test_an_empty_file_is_an_error():
    assert read(" \n ") == [[RowError(1, "", "the file is empty")]]


def test_a_broken_json_array_is_an_error_on_its_line():
    [errors] = read('[\n{"number": "R-1",\n]')
    assert isinstance(errors, list)
    assert errors[0].row == 3
    assert errors[0].message.startswith("not valid JSON")


def test_an_invalid_json_line_gives_the_line_and_column_of_the_problem():
    text = json.dumps(json_order(number="R-1")) + '\n{"number": "R-\t2"}\n'
    _first, errors = read(text)
    assert errors == [
        RowError(
            2,
            "",
            "not valid JSON at line 2, column 15: a control character (a tab or a line break) in a string "
            "must be escaped",
        )
    ]


def test_a_broken_json_array_gives_the_line_and_column_in_the_file():
    [errors] = read('\n  [\n {"number": "R-1",\n "currency" "EUR"}]')
    assert errors == [RowError(4, "", "not valid JSON at line 4, column 13: a colon was expected")]


def test_the_column_counts_what_was_skipped_before_the_first_character():
    [errors] = read("  [1 2]")  # the 2 is in column 6, where a comma should be
    assert errors == [RowError(1, "", "not valid JSON at line 1, column 6: a comma was expected")]


def test_a_json_problem_is_explained_in_french():
    with translation.override("fr"):
        [errors] = read('{"number": "R-1"} x')
        shown = [str(error) for error in errors]
    assert shown == [
        "ligne 1 : JSON non valide à la ligne 1, colonne 19 : des données suivent la fin de la valeur JSON"
    ]


def test_json_numbers_are_read_as_exact_decimals():
    text = json.dumps(json_order(lines=[json_line(unit_price="__price__")])).replace('"__price__"', "19.99")
    [record] = read(text)
    assert isinstance(record, ImportedOrder)
    assert record.lines[0].unit_price == Decimal("19.99")
    assert record.total == Decimal("19.99")


# Validation


def test_an_unknown_field_is_rejected():
    errors = rejected(json_order(coupon="SPRING"))
    assert errors == [RowError(1, "coupon", "Extra inputs are not permitted")]


def test_an_unknown_field_in_a_line_is_rejected():
    assert columns(rejected(json_order(lines=[json_line(colour="red")]))) == ["lines.0.colour"]


def test_a_missing_field_is_rejected():
    order = json_order()
    del order["ordered_at"]
    assert rejected(order) == [RowError(1, "ordered_at", "Field required")]


def test_an_order_without_lines_is_rejected():
    assert columns(rejected(json_order(lines=[]))) == ["lines"]


def test_an_unknown_currency_is_rejected():
    [error] = rejected(json_order(currency="EUX"))
    assert error.column == "currency"
    assert "not an ISO 4217 currency code" in error.message


def test_yen_amounts_with_decimals_are_rejected():
    [error] = rejected(json_order(currency="JPY", lines=[json_line(unit_price="10.5")]))
    assert error.column == "lines.0.unit_price"
    assert error.message == "10.5 has more decimals than JPY allows"


def test_whole_yen_amounts_are_accepted():
    record = parse(json_order(currency="JPY", lines=[json_line(unit_price="1500")]))
    assert record.total == Decimal(1500)


def test_every_amount_with_too_many_decimals_is_reported():
    errors = rejected(json_order(shipping="4.999", lines=[json_line(unit_price="1.001", discount="0.001")]))
    assert columns(errors) == ["shipping", "lines.0.unit_price", "lines.0.discount"]


def test_a_negative_price_is_rejected():
    [error] = rejected(json_order(lines=[json_line(unit_price="-1.00")]))
    assert error.column == "lines.0.unit_price"


def test_a_quantity_of_zero_is_rejected():
    assert columns(rejected(json_order(lines=[json_line(quantity=0)]))) == ["lines.0.quantity"]


def test_a_time_without_offset_is_rejected():
    [error] = rejected(json_order(ordered_at="2025-05-11T09:55:16"))
    assert error.column == "ordered_at"
    assert "timezone" in error.message


def test_a_bad_email_is_rejected():
    assert columns(rejected(json_order(customer={"email": "not-an-email"}))) == ["customer.email"]


def test_the_customer_email_is_stored_in_lower_case():
    record = parse(json_order(customer={"email": "Ayumu@Example.COM"}))
    assert record.email == "ayumu@example.com"
    assert record.customer is not None
    assert record.customer.email == "ayumu@example.com"


# Discounts, tax and totals


def test_an_order_discount_is_prorated_over_the_lines_by_largest_remainder():
    record = parse(json_order(order_discount="10.00", lines=[json_line(), json_line(), json_line()]))
    shares = [line.order_discount_share for line in record.lines]
    assert shares == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    assert sum(shares) == Decimal("10.00")
    assert record.discount == Decimal("10.00")
    assert record.subtotal == Decimal("20.00")


def test_an_order_discount_is_prorated_over_what_is_left_after_line_discounts():
    lines = [json_line(unit_price="30.00", discount="10.00"), json_line(unit_price="10.00")]
    record = parse(json_order(order_discount="3.00", lines=lines))
    assert [line.order_discount_share for line in record.lines] == [Decimal("2.00"), Decimal("1.00")]
    assert record.discount == Decimal("13.00")
    assert record.subtotal == Decimal("27.00")


def test_an_order_discount_larger_than_the_lines_is_rejected():
    errors = rejected(json_order(order_discount="15.00", lines=[json_line(unit_price="10.00")]))
    assert columns(errors) == ["discount"]
    assert errors[0].message.startswith("inconsistent totals")


def test_a_line_discount_larger_than_the_line_is_rejected():
    errors = rejected(json_order(lines=[json_line(unit_price="10.00", discount="12.00")]))
    assert "line_discount" in columns(errors)


def test_order_tax_is_spread_over_taxable_lines_only():
    lines = [json_line(unit_price="30.00"), json_line(unit_price="50.00", taxable=False), json_line()]
    record = parse(json_order(tax="8.00", lines=lines))
    assert [line.tax for line in record.lines] == [Decimal("6.00"), Decimal("0.00"), Decimal("2.00")]
    assert record.total == Decimal("98.00")


def test_order_tax_is_spread_over_what_is_paid_after_discounts():
    lines = [json_line(unit_price="20.00", discount="10.00"), json_line()]
    record = parse(json_order(tax="2.00", lines=lines))
    assert [line.tax for line in record.lines] == [Decimal("1.00"), Decimal("1.00")]


def test_line_taxes_add_up_to_the_order_tax():
    lines = [json_line(tax="1.00"), json_line(tax="2.00")]
    record = parse(json_order(lines=lines))
    assert record.tax == Decimal("3.00")
    assert record.total == Decimal("23.00")


def test_line_taxes_that_differ_from_the_order_tax_are_rejected():
    lines = [json_line(tax="1.00"), json_line(tax="2.00")]
    assert columns(rejected(json_order(tax="4.00", lines=lines))) == ["tax"]


def test_a_tax_for_some_lines_only_is_rejected():
    lines = [json_line(tax="1.00"), json_line()]
    assert columns(rejected(json_order(lines=lines))) == ["tax"]


def test_a_total_that_does_not_add_up_is_rejected():
    errors = rejected(json_order(shipping="5.00", total="16.00"))
    assert columns(errors) == ["total"]
    assert "15.00" in errors[0].message


def test_a_total_that_includes_the_tax_is_accepted_as_tax_included():
    record = parse(json_order(tax="2.00", total="10.00", tax_included=True))
    assert record.tax_included is True
    assert record.total == Decimal("10.00")


def test_a_total_equal_to_prices_without_added_tax_means_the_tax_is_included():
    record = parse(json_order(tax="2.00", total="10.00"))
    assert record.tax_included is True


def test_a_total_with_added_tax_is_accepted():
    record = parse(json_order(tax="2.00", shipping="3.00", total="15.00"))
    assert record.tax_included is False
    assert record.total == Decimal("15.00")


def test_a_line_naming_a_missing_shipment_is_rejected():
    assert columns(rejected(json_order(lines=[json_line(shipment=0)]))) == ["shipment"]


def test_more_fulfilled_than_ordered_is_rejected():
    assert columns(rejected(json_order(lines=[json_line(fulfilled_quantity=2)]))) == ["fulfilled_quantity"]
