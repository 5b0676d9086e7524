"""What a claim is worth and what it pays: exact sums, one half-up rounding to the currency's minor unit,
and the cap (shipping included) in each currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = pytest.mark.unit

CAPS = [
    ("USD", "2500.00", "0.01"),
    ("EUR", "2300.00", "0.01"),
    ("GBP", "1975.00", "0.01"),
    ("CAD", "3400.00", "0.01"),
    ("JPY", "375000", "1"),
]


@pytest.mark.parametrize(("currency", "cap", "unit"), CAPS)
def test_a_claim_just_under_the_cap_is_paid_in_full(evaluate, currency, cap, unit):
    claimable = str(Decimal(cap) - Decimal(unit))
    result = evaluate(currency=currency, item_price=claimable, shipping_paid="0")
    assert (result["claimable"], result["payout"], result["capped"]) == (claimable, claimable, False)


@pytest.mark.parametrize(("currency", "cap", "unit"), CAPS)
def test_a_claim_at_the_cap_is_paid_in_full_and_not_capped(evaluate, currency, cap, unit):
    result = evaluate(currency=currency, item_price=cap, shipping_paid="0")
    assert (result["claimable"], result["payout"], result["capped"]) == (cap, cap, False)


@pytest.mark.parametrize(("currency", "cap", "unit"), CAPS)
def test_a_claim_just_over_the_cap_pays_the_cap(evaluate, currency, cap, unit):
    claimable = str(Decimal(cap) + Decimal(unit))
    result = evaluate(currency=currency, item_price=claimable, shipping_paid="0")
    assert (result["claimable"], result["payout"], result["capped"]) == (claimable, cap, True)


def test_the_cap_includes_shipping(evaluate):
    result = evaluate(item_price="2490.00", shipping_paid="20.00")
    assert (result["claimable"], result["payout"], result["capped"]) == ("2510.00", "2500.00", True)
    under = evaluate(item_price="2490.00", shipping_paid="10.00")
    assert (under["payout"], under["capped"]) == ("2500.00", False)


def test_what_was_refunded_already_is_taken_off_before_the_cap(evaluate):
    result = evaluate(item_price="2600.00", shipping_paid="0", already_refunded="100.00")
    assert (result["claimable"], result["payout"], result["capped"]) == ("2500.00", "2500.00", False)
    partial = evaluate(item_price="100.00", shipping_paid="5.00", already_refunded="30.00")
    assert (partial["claimable"], partial["payout"]) == ("75.00", "75.00")


def test_the_cap_is_compared_exactly_before_rounding(evaluate):
    """2500.004 rounds to 2500.00, but it is more than the cap: capped, paid the cap."""
    result = evaluate(item_price="2500.004", shipping_paid="0")
    assert (result["claimable"], result["payout"], result["capped"]) == ("2500.00", "2500.00", True)


@pytest.mark.parametrize(
    ("currency", "item", "shipping", "refunded", "claimable"),
    [
        pytest.param("USD", "0.004", "0.004", "0", "0.01", id="summed exactly, then rounded"),
        pytest.param("USD", "10.125", "0", "0", "10.13", id="an exact half goes up"),
        pytest.param("USD", "10.124999", "0", "0", "10.12", id="under a half goes down"),
        pytest.param("EUR", "19.995", "0", "0", "20.00", id="a half up to the next unit"),
        pytest.param("EUR", "10.005", "0", "0.005", "10.00", id="subtracted exactly"),
        pytest.param("GBP", "33.333", "3.333", "0.001", "36.67", id="three decimals"),
        pytest.param("CAD", "1", "2", "0", "3.00", id="whole amounts shown with cents"),
        pytest.param("JPY", "1000.5", "0", "0", "1001", id="yen: a half goes up to a whole yen"),
        pytest.param("JPY", "1000.4", "0", "0", "1000", id="yen: under a half goes down"),
        pytest.param("JPY", "1200", "300", "500", "1000", id="yen: no decimals"),
        pytest.param("JPY", "1000.00", "0", "0", "1000", id="yen: decimals given, none shown"),
    ],
)
def test_amounts_are_rounded_half_up_once_to_the_minor_unit(
    evaluate, currency, item, shipping, refunded, claimable
):
    result = evaluate(currency=currency, item_price=item, shipping_paid=shipping, already_refunded=refunded)
    assert (result["claimable"], result["payout"]) == (claimable, claimable)


def test_an_ineligible_claim_that_passes_rules_1_to_5_still_says_what_it_is_worth(evaluate):
    result = evaluate(item_price="3000.00", filed_at="2026-03-12T00:00:00Z")
    assert (result["code"], result["claimable"], result["payout"], result["capped"]) == (
        "too_early",
        "3005.00",
        "0",
        False,
    )


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"sold_by_marketplace": True}, id="rule 1"),
        pytest.param({"item_kind": "gift_card"}, id="rule 2"),
        pytest.param({"paid_on_marketplace": False}, id="rule 3"),
        pytest.param({"chargeback_filed": True}, id="rule 4"),
        pytest.param({"already_refunded": "9000005"}, id="rule 5"),
    ],
)
def test_a_claim_failing_rules_1_to_5_is_worth_nothing(evaluate, fields):
    result = evaluate(currency="JPY", item_price="9000000", **fields)
    assert (result["claimable"], result["payout"], result["capped"], result["funded_by"]) == (
        "0",
        "0",
        False,
        None,
    )
