"""Refund amounts from what was paid: exact across partial returns, fees, outbound shipping."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from retour.core.money import Money
from retour.returns.domain.refund_calculation import (
    PaidLine,
    Units,
    breakdown,
    exchange_difference,
    outbound_shipping_refund,
    refund_outbound_shipping,
    units_share,
)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


LINE = PaidLine(quantity=3, paid=eur("100.00"), tax=eur("20.00"))


def test_three_units_of_a_line_paid_100_refund_33_34_33_33_in_total_100():
    shares = [units_share(LINE.paid, 3, k, 1) for k in range(3)]
    assert shares == [eur("33.34"), eur("33.33"), eur("33.33")]
    assert sum(shares, Money.zero("EUR")) == eur("100.00")


def test_returning_every_unit_over_several_returns_refunds_exactly_what_was_paid():
    first = breakdown([Units(LINE, 0, 1)], currency="EUR", fees=Money.zero("EUR"), seller_fault=False)
    rest = breakdown([Units(LINE, 1, 2)], currency="EUR", fees=Money.zero("EUR"), seller_fault=False)
    assert first.total + rest.total == eur("120.00")


@given(
    quantity=st.integers(1, 12),
    cents=st.integers(0, 10_000_000),
    tax_cents=st.integers(0, 2_000_000),
    data=st.data(),
)
def test_any_split_of_partial_returns_adds_up_to_the_cent(quantity, cents, tax_cents, data):
    line = PaidLine(quantity, Money.from_minor(cents, "EUR"), Money.from_minor(tax_cents, "EUR"))
    done, total = 0, Money.zero("EUR")
    while done < quantity:
        count = data.draw(st.integers(1, quantity - done))
        part = breakdown(
            [Units(line, done, count)], currency="EUR", fees=Money.zero("EUR"), seller_fault=False
        )
        assert part.total.amount >= 0
        total += part.total
        done += count
    assert total == line.paid + line.tax


@given(quantity=st.integers(1, 9), units=st.integers(0, 2_000_000), data=st.data())
def test_jpy_has_no_minor_unit_and_kwd_three(quantity, units, data):
    for currency in ("JPY", "KWD"):
        line = PaidLine(quantity, Money.from_minor(units, currency), Money.zero(currency))
        total = sum((units_share(line.paid, quantity, k, 1) for k in range(quantity)), Money.zero(currency))
        assert total == line.paid
        assert all(units_share(line.paid, quantity, k, 1).is_rounded for k in range(quantity))


def test_a_partial_refund_percent_is_rounded_once_half_up():
    used = breakdown(
        [Units(LINE, 0, 1, percent=50)], currency="EUR", fees=Money.zero("EUR"), seller_fault=False
    )
    assert used.merchandise == eur("16.67")  # half of 33.34
    assert used.tax == eur("3.34")  # half of 6.67, 3.335 -> 3.34


def test_fees_come_off_and_never_make_a_refund_negative():
    cheap = PaidLine(1, eur("3.00"), Money.zero("EUR"))
    result = breakdown([Units(cheap, 0, 1)], currency="EUR", fees=eur("4.95"), seller_fault=False)
    assert (result.fees, result.total) == (eur("3.00"), Money.zero("EUR"))
    normal = breakdown([Units(LINE, 0, 1)], currency="EUR", fees=eur("4.95"), seller_fault=False)
    assert normal.total == eur("35.06")  # 33.34 + 6.67 - 4.95


def test_fees_are_waived_for_a_seller_fault_reason():
    result = breakdown([Units(LINE, 0, 1)], currency="EUR", fees=eur("4.95"), seller_fault=True)
    assert (result.fees, result.fees_waived, result.total) == (Money.zero("EUR"), True, eur("40.01"))


def test_outbound_shipping_is_refunded_once_with_the_whole_order_for_seller_fault_or_withdrawal():
    assert refund_outbound_shipping(
        whole_order_back=True, seller_fault=True, legal_basis=None, already_refunded=False
    )
    assert refund_outbound_shipping(
        whole_order_back=True, seller_fault=False, legal_basis="eu_withdrawal", already_refunded=False
    )
    assert not refund_outbound_shipping(
        whole_order_back=True, seller_fault=False, legal_basis=None, already_refunded=False
    )
    assert not refund_outbound_shipping(
        whole_order_back=False, seller_fault=True, legal_basis=None, already_refunded=False
    )
    assert not refund_outbound_shipping(
        whole_order_back=True, seller_fault=True, legal_basis="eu_withdrawal", already_refunded=True
    )
    result = breakdown(
        [Units(LINE, 0, 3)],
        currency="EUR",
        fees=Money.zero("EUR"),
        seller_fault=True,
        outbound_shipping=eur("4.90"),
    )
    assert result.total == eur("124.90")


def test_an_amount_below_the_smallest_unit_does_not_block_a_refund():
    tiny = PaidLine(3, eur("0.01"), Money.zero("EUR"))
    shares = [
        breakdown([Units(tiny, k, 1)], currency="EUR", fees=Money.zero("EUR"), seller_fault=False)
        for k in range(3)
    ]
    assert [s.total for s in shares] == [eur("0.01"), Money.zero("EUR"), Money.zero("EUR")]


def test_exchange_difference():
    assert exchange_difference(eur("50.00"), eur("50.00")) == Money.zero("EUR")
    assert exchange_difference(eur("50.00"), eur("65.50")) == eur("15.50")
    assert exchange_difference(eur("50.00"), eur("45.00")).amount == Decimal("-5.00")


def test_an_express_delivery_refunds_the_standard_price_never_more_than_was_paid():
    assert outbound_shipping_refund(eur("12.90"), express=True, standard_price=eur("4.90")) == eur("4.90")
    assert outbound_shipping_refund(eur("3.00"), express=True, standard_price=eur("4.90")) == eur("3.00")
    assert outbound_shipping_refund(eur("4.90"), express=False, standard_price=eur("3.90")) == eur("4.90")
    # A store that did not say what its standard delivery costs refunds what was paid: never less than due.
    assert outbound_shipping_refund(eur("12.90"), express=True, standard_price=None) == eur("12.90")
