"""A contract case becomes a ``Claim``, or a ``CaseError`` that says every way in which it is invalid."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from retour.claims.domain.cases import REQUIRED, parse_case
from retour.claims.domain.claim import ClaimType, FulfilledBy, ItemKind
from retour.claims.domain.terms import Terms
from retour.core.cases import CaseError, case_id

pytestmark = pytest.mark.unit

TERMS = Terms()
INSTANT_FIELDS = (
    "ordered_at",
    "max_delivery_at",
    "filed_at",
    "delivered_at",
    "return_requested_at",
    "seller_answered_return_at",
    "return_delivered_at",
)


def error_of(case: Any, terms: Terms = TERMS) -> str:
    with pytest.raises(CaseError) as error:
        parse_case(case, terms)
    return error.value.message


def test_a_valid_case_gives_its_claim(make_case):
    claim = parse_case(
        make_case(
            claim_type="not_as_described",
            currency="EUR",
            delivered_at="2026-03-08T13:00:00+01:00",
            return_requested_at="2026-03-09T12:00:00Z",
        ),
        TERMS,
    )
    assert (claim.claim_type, claim.fulfilled_by, claim.item_kind) == (
        ClaimType.NOT_AS_DESCRIBED,
        FulfilledBy.SELLER,
        ItemKind.PHYSICAL,
    )
    assert claim.currency == "EUR"
    assert (claim.item_price, claim.shipping_paid, claim.already_refunded) == (
        Decimal("100.00"),
        Decimal("5.00"),
        Decimal(0),
    )
    assert claim.delivered_at == datetime(2026, 3, 8, 12, tzinfo=UTC)
    assert claim.return_requested_at == datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert (claim.seller_answered_return_at, claim.return_delivered_at) == (None, None)
    assert claim.paid_on_marketplace is True
    assert claim.sold_by_marketplace is False


def test_every_field_is_required(make_case):
    assert set(REQUIRED) == set(make_case())


@pytest.mark.parametrize("name", [name for name in REQUIRED if name != "id"])
def test_a_missing_field_is_invalid(make_case, name):
    case = make_case()
    del case[name]
    assert error_of(case) == f"missing field: {name}"
    assert case_id(case) == "case"


def test_an_optional_instant_must_be_present_as_null(make_case):
    case = make_case()
    del case["delivered_at"], case["return_delivered_at"]
    assert error_of(case) == "missing field: delivered_at, return_delivered_at"


def test_a_case_without_an_id_is_invalid_and_has_no_id_to_echo(make_case):
    case = make_case()
    del case["id"]
    assert error_of(case) == "missing field: id"
    assert case_id(case) is None


@pytest.mark.parametrize(
    ("value", "echoed"),
    [("a-1", "a-1"), (7, 7), (0, 0)],
)
def test_an_id_is_a_string_or_a_whole_number(make_case, value, echoed):
    parse_case(make_case(id=value), TERMS)
    assert case_id(make_case(id=value)) == echoed


@pytest.mark.parametrize("value", [None, True, 1.5, Decimal("1.5"), [1], {"a": 1}])
def test_any_other_id_is_invalid(make_case, value):
    assert error_of(make_case(id=value)) == "id must be a string or a whole number"
    assert case_id(make_case(id=value)) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("claim_type", "lost"),
        ("claim_type", "Not_Received"),
        ("claim_type", None),
        ("fulfilled_by", "amazon"),
        ("fulfilled_by", ""),
        ("item_kind", "software"),
        ("item_kind", 1),
    ],
)
def test_an_unknown_value_is_invalid(make_case, name, value):
    assert error_of(make_case(**{name: value})).startswith(f"unknown {name} {value!r} (expected one of: ")


@pytest.mark.parametrize(
    "name",
    [
        "sold_by_marketplace",
        "paid_on_marketplace",
        "chargeback_filed",
        "protected_shipping",
        "shipped_on_time",
        "proof_of_delivery",
        "seller_refused_return",
    ],
)
@pytest.mark.parametrize("value", [None, "true", 1, 0])
def test_a_flag_is_true_or_false(make_case, name, value):
    assert error_of(make_case(**{name: value})) == f"{name} must be true or false, not {value!r}"


@pytest.mark.parametrize("name", ["item_price", "shipping_paid", "already_refunded"])
@pytest.mark.parametrize("value", ["-0.01", "-1", -5, Decimal("-0.001")])
def test_a_negative_amount_is_invalid(make_case, name, value):
    assert error_of(make_case(**{name: value})) == f"{name} must not be negative, not {value!r}"


@pytest.mark.parametrize("name", ["item_price", "shipping_paid", "already_refunded"])
@pytest.mark.parametrize("value", ["", "abc", "12,50", "NaN", "Infinity", None, True, [], "1/2"])
def test_an_amount_is_a_decimal(make_case, name, value):
    assert error_of(make_case(**{name: value})) == (
        f'{name} must be a decimal amount such as "12.50", not {value!r}'
    )


@pytest.mark.parametrize("value", ["1000000000000000", "1e15", "0.0000000000000000000000000000001"])
def test_an_absurd_amount_is_invalid(make_case, value):
    assert error_of(make_case(item_price=value)).startswith("item_price must be below ")


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("12.50", Decimal("12.50")),
        (" 12.5 ", Decimal("12.5")),
        ("0", Decimal(0)),
        ("-0", Decimal(0)),
        (12, Decimal(12)),
        (Decimal("12.1"), Decimal("12.1")),  # a JSON number, as the command decodes it
        ("1E+2", Decimal(100)),
        ("0.000000000000000000000000000001", Decimal("1E-30")),
        ("999999999999999.99", Decimal("999999999999999.99")),
    ],
)
def test_an_amount_is_read_exactly(make_case, value, amount):
    claim = parse_case(make_case(item_price=value), TERMS)
    assert claim.item_price == amount
    assert not claim.item_price.is_signed()


@pytest.mark.parametrize("value", ["CHF", "usd", "US", "XXX", "ZZZ", "", None, 840])
def test_a_currency_without_a_cap_is_unknown(make_case, value):
    assert error_of(make_case(currency=value)) == (
        f"unknown currency {value!r} (claims are capped in: USD, EUR, GBP, CAD, JPY)"
    )


def test_a_marketplace_s_own_caps_decide_which_currencies_are_known(make_case):
    terms = Terms(caps={"CHF": Decimal(2200)})
    assert parse_case(make_case(currency="CHF"), terms).currency == "CHF"
    assert error_of(make_case(currency="USD"), terms) == (
        "unknown currency 'USD' (claims are capped in: CHF)"
    )


@pytest.mark.parametrize("name", INSTANT_FIELDS)
@pytest.mark.parametrize("value", ["2026-03-15T12:00:00", "2026-03-15", "2026-03-15T12:00"])
def test_an_instant_without_an_offset_is_invalid(make_case, name, value):
    assert error_of(make_case(**{name: value})).startswith(f"{name} has no offset: {value!r}")


@pytest.mark.parametrize("name", INSTANT_FIELDS)
@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-30T12:00:00Z", "2026-03-15T25:00:00Z", 1773576000, "", [], True]
)
def test_an_instant_that_is_not_one_is_invalid(make_case, name, value):
    assert error_of(make_case(**{name: value})).startswith(
        f"{name} must be an ISO 8601 instant with an offset"
    )


@pytest.mark.parametrize("name", ["ordered_at", "max_delivery_at", "filed_at"])
def test_a_required_instant_is_not_null(make_case, name):
    assert error_of(make_case(**{name: None})) == (
        f"{name} must be an ISO 8601 instant with an offset, e.g. 2026-03-01T14:30:00+01:00, not None"
    )


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2026-03-15T12:00:00Z", datetime(2026, 3, 15, 12, tzinfo=UTC)),
        ("2026-03-15T12:00:00z", datetime(2026, 3, 15, 12, tzinfo=UTC)),
        ("2026-03-15T12:00:00+00:00", datetime(2026, 3, 15, 12, tzinfo=UTC)),
        ("2026-03-15T17:30:00+05:30", datetime(2026, 3, 15, 12, tzinfo=UTC)),
        ("2026-03-15T05:00:00-07:00", datetime(2026, 3, 15, 12, tzinfo=UTC)),
        ("2026-03-16T01:00:00+13:00", datetime(2026, 3, 15, 12, tzinfo=UTC)),
        ("2026-03-15T12:00:00.250Z", datetime(2026, 3, 15, 12, 0, 0, 250000, tzinfo=UTC)),
        ("2026-03-15T12:00Z", datetime(2026, 3, 15, 12, tzinfo=UTC)),
    ],
)
def test_an_instant_with_any_offset_is_read_as_utc(make_case, value, utc):
    claim = parse_case(make_case(filed_at=value), TERMS)
    assert claim.filed_at == utc
    assert claim.filed_at.tzinfo is UTC


@pytest.mark.parametrize("name", ["filed_at", "max_delivery_at", "delivered_at"])
def test_an_instant_before_the_order_is_invalid(make_case, name):
    assert error_of(make_case(**{name: "2026-03-01T11:59:59Z"})) == f"{name} is before ordered_at"


@pytest.mark.parametrize("name", ["filed_at", "max_delivery_at", "delivered_at"])
def test_an_instant_at_the_order_is_valid(make_case, name):
    parse_case(make_case(**{name: "2026-03-01T13:00:00+01:00"}), TERMS)


def test_order_is_compared_as_instants_not_as_text(make_case):
    # 08:00 in New York is 13:00 UTC, after the order at 12:00 UTC, though "08" < "12".
    parse_case(make_case(filed_at="2026-03-01T08:00:00-05:00"), TERMS)
    assert error_of(make_case(filed_at="2026-03-01T13:00:00+01:30")) == "filed_at is before ordered_at"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"return_requested_at": "2026-02-01T00:00:00Z"}, id="a request before the order"),
        pytest.param({"seller_answered_return_at": "2027-01-01T00:00:00Z"}, id="an answer after filing"),
        pytest.param({"return_delivered_at": "2027-01-01T00:00:00Z"}, id="a return after filing"),
        pytest.param({"delivered_at": "2027-01-01T00:00:00Z"}, id="a scan after filing"),
        pytest.param({"max_delivery_at": "2027-01-01T00:00:00Z"}, id="a promise after filing"),
    ],
)
def test_other_instants_may_fall_anywhere(make_case, fields):
    parse_case(make_case(**fields), TERMS)


def test_an_instant_too_near_the_end_of_the_calendar_is_invalid(make_case):
    assert error_of(make_case(filed_at="9999-12-31T00:00:00Z")) == (
        "filed_at is too close to the end of year 9999 to count the claim windows"
    )
    assert error_of(make_case(ordered_at="0001-01-01T00:00:00+01:00")).startswith("ordered_at is too close")


@pytest.mark.parametrize("case", [[], "case", None, 3, [{"id": 1}]])
def test_a_case_must_be_an_object(case):
    assert error_of(case) == "a case must be a JSON object"
    assert case_id(case) is None


def test_every_problem_is_reported_at_once(make_case):
    case = make_case(currency="CHF", item_price="-1", filed_at="2026-02-01T00:00:00Z")
    del case["proof_of_delivery"]
    with pytest.raises(CaseError) as error:
        parse_case(case, TERMS)
    assert error.value.problems == (
        "missing field: proof_of_delivery",
        "unknown currency 'CHF' (claims are capped in: USD, EUR, GBP, CAD, JPY)",
        "item_price must not be negative, not '-1'",
        "filed_at is before ordered_at",
    )
    assert error.value.message == "; ".join(error.value.problems)


def test_fields_the_contract_does_not_name_are_ignored(make_case):
    parse_case(make_case(note="hello", seller_id=42), TERMS)
