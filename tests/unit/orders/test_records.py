"""Import records: completing an order's figures, checking they add up, and fingerprinting it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import imported_line, imported_order
from retour.core.money import minor_units
from retour.orders.importers.records import ImportedOrder, ImportedShipment, complete

pytestmark = pytest.mark.unit

D = Decimal


def fields(problems: list[tuple[str, str]]) -> list[str]:
    return [field for field, _problem in problems]


# complete(): figures left to compute


def test_an_order_with_only_lines_gets_its_figures_computed():
    order = imported_order(lines=[imported_line(unit_price=D("12.50"), quantity=2), imported_line()])
    assert complete(order) == []
    assert (order.discount, order.subtotal, order.tax, order.total) == (D(0), D("35.00"), D(0), D("35.00"))
    assert [line.tax for line in order.lines] == [D(0), D(0)]


def test_without_an_order_discount_the_discount_is_the_sum_of_line_discounts():
    lines = [imported_line(line_discount=D("1.00")), imported_line(line_discount=D("2.50"))]
    order = imported_order(lines=lines)
    assert complete(order) == []
    assert order.discount == D("3.50")
    assert [line.order_discount_share for line in order.lines] == [D(0), D(0)]
    assert order.total == D("16.50")


def test_shipping_tax_and_duties_are_added_to_the_total():
    order = imported_order(shipping=D("4.90"), tax=D("2.00"), duties=D("1.10"))
    assert complete(order) == []
    assert order.total == D("18.00")
    assert order.tax_included is False


def test_a_subtotal_before_or_after_the_order_discount_is_accepted():
    for subtotal in (D("15.00"), D("20.00")):
        order = imported_order(
            lines=[imported_line(), imported_line()], discount=D("5.00"), subtotal=subtotal
        )
        assert complete(order) == []
        assert order.subtotal == subtotal


def test_a_subtotal_that_matches_neither_is_a_problem():
    order = imported_order(subtotal=D("9.00"))
    assert fields(complete(order)) == ["subtotal"]


def test_a_discount_smaller_than_the_line_discounts_is_a_problem():
    order = imported_order(lines=[imported_line(line_discount=D("2.00"))], discount=D("1.00"))
    assert "discount" in fields(complete(order))


def test_a_discount_larger_than_the_lines_is_a_problem():
    order = imported_order(lines=[imported_line(line_discount=D("4.00"))], discount=D("11.00"))
    assert "discount" in fields(complete(order))


def test_a_line_discount_larger_than_its_line_is_a_problem():
    order = imported_order(lines=[imported_line(line_discount=D("10.01"))])
    assert "line_discount" in fields(complete(order))


def test_an_order_discount_over_free_lines_is_a_problem():
    order = imported_order(lines=[imported_line(unit_price=D(0))], discount=D("1.00"))
    assert "discount" in fields(complete(order))


def test_an_order_discount_is_shared_in_proportion_to_the_lines():
    lines = [imported_line(unit_price=D("75.00")), imported_line(unit_price=D("25.00"))]
    order = imported_order(lines=lines, discount=D("10.00"))
    assert complete(order) == []
    assert [line.order_discount_share for line in order.lines] == [D("7.50"), D("2.50")]


def test_the_order_tax_goes_to_taxable_lines_in_proportion_to_what_was_paid():
    lines = [
        imported_line(unit_price=D("60.00")),
        imported_line(unit_price=D("99.00"), taxable=False),
        imported_line(unit_price=D("40.00")),
    ]
    order = imported_order(lines=lines, tax=D("1.01"))
    assert complete(order) == []
    assert [line.tax for line in order.lines] == [D("0.61"), D(0), D("0.40")]
    assert sum(line.tax or 0 for line in order.lines) == D("1.01")


def test_a_total_without_the_tax_means_the_prices_include_it():
    order = imported_order(tax=D("1.67"), total=D("10.00"))
    assert complete(order) == []
    assert order.tax_included is True


def test_a_total_that_does_not_add_up_is_a_problem():
    order = imported_order(shipping=D("5.00"), total=D("14.99"))
    [(field, problem)] = complete(order)
    assert field == "total"
    assert "15.00" in problem


def test_a_line_fulfilled_more_than_ordered_is_a_problem():
    order = imported_order(lines=[imported_line(quantity=2, fulfilled_quantity=3)])
    assert fields(complete(order)) == ["fulfilled_quantity"]


def test_a_line_naming_a_shipment_the_order_lacks_is_a_problem():
    order = imported_order(lines=[imported_line(shipment=1)], shipments=[ImportedShipment()])
    assert fields(complete(order)) == ["shipment"]


def test_a_line_in_an_existing_shipment_is_fine():
    order = imported_order(
        lines=[imported_line(shipment=0, fulfilled_quantity=1)], shipments=[ImportedShipment()]
    )
    assert complete(order) == []


# fingerprint()


def completed(order: ImportedOrder) -> ImportedOrder:
    assert complete(order) == []
    return order


def test_the_fingerprint_is_the_same_for_the_same_order():
    first = completed(imported_order(discount=D("1.00")))
    second = completed(imported_order(discount=D("1.00")))
    assert first.fingerprint() == second.fingerprint()
    assert len(first.fingerprint()) == 40


@pytest.mark.parametrize(
    "change",
    [
        {"total": D("10.01")},
        {"financial_status": "refunded"},
        {"email": "someone@example.com"},
        {"ordered_at": datetime(2025, 5, 11, 13, 56, tzinfo=UTC)},
    ],
)
def test_the_fingerprint_changes_when_an_order_field_changes(change: dict[str, object]):
    order = completed(imported_order())
    assert dataclasses.replace(order, **change).fingerprint() != order.fingerprint()


def test_the_fingerprint_changes_when_a_line_or_a_shipment_changes():
    order = completed(imported_order())
    base = order.fingerprint()
    order.lines[0].fulfilled_quantity = 1
    fulfilled = order.fingerprint()
    order.shipments.append(ImportedShipment(delivered_at=datetime(2025, 5, 14, tzinfo=UTC)))
    assert len({base, fulfilled, order.fingerprint()}) == 3


def test_the_fingerprint_does_not_depend_on_where_the_order_is_in_its_file():
    order = completed(imported_order(row=2))
    assert dataclasses.replace(order, row=40).fingerprint() == order.fingerprint()


# The order-level discount is always split exactly


def _money(units: int, currency: str) -> Decimal:
    return Decimal(units).scaleb(-minor_units(currency))


@st.composite
def discounted_orders(draw: st.DrawFn) -> tuple[ImportedOrder, Decimal]:
    currency = draw(st.sampled_from(["EUR", "JPY", "KWD"]))
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        quantity = draw(st.integers(1, 5))
        price = draw(st.integers(0, 1_000_000))
        line_discount = draw(st.integers(0, price * quantity))
        lines.append(
            imported_line(
                quantity=quantity,
                unit_price=_money(price, currency),
                line_discount=_money(line_discount, currency),
            )
        )
    left = sum(line.unit_price * line.quantity - line.line_discount for line in lines)
    order_level = _money(draw(st.integers(0, int(left.scaleb(minor_units(currency))))), currency)
    line_discounts = sum(line.line_discount for line in lines)
    return imported_order(currency=currency, lines=lines, discount=line_discounts + order_level), order_level


@given(discounted_orders())
def test_order_discount_shares_sum_to_the_discount_and_never_exceed_a_line(
    case: tuple[ImportedOrder, Decimal],
):
    order, order_level = case
    assert complete(order) == []
    shares = [line.order_discount_share for line in order.lines]
    assert sum(shares) == order_level
    for line, share in zip(order.lines, shares, strict=True):
        assert 0 <= share <= line.unit_price * line.quantity - line.line_discount
    assert order.subtotal == sum(line.unit_price * line.quantity for line in order.lines) - order.discount
