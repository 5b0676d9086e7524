"""A contract case becomes ``Facts``, or a ``CaseError`` saying what is wrong with it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from retour.core.cases import CaseError, case_id
from retour.policies.domain.cases import parse_case

pytestmark = pytest.mark.unit

FEE_TABLE = frozenset({"USD", "EUR", "GBP", "JPY"})
GOOD: dict[str, Any] = {
    "id": "c1",
    "country": "FR",
    "currency": "EUR",
    "category": "apparel",
    "unit_price": "12.50",
    "quantity": 2,
    "ordered_at": "2026-03-01",
    "delivered_at": "2026-03-04",
    "requested_at": "2026-03-10",
    "condition": "opened",
    "reason": "size_fit",
}


def with_(**fields: Any) -> dict[str, Any]:
    return {**GOOD, **fields}


def without(*names: str) -> dict[str, Any]:
    return {key: value for key, value in GOOD.items() if key not in names}


def test_a_well_formed_case_gives_its_facts() -> None:
    facts = parse_case(GOOD, FEE_TABLE)
    assert facts.country == "FR"
    assert facts.currency == "EUR"
    assert facts.category == "apparel"
    assert facts.unit_price == Decimal("12.50")
    assert facts.quantity == 2
    assert (facts.ordered_at, facts.delivered_at, facts.requested_at) == (
        date(2026, 3, 1),
        date(2026, 3, 4),
        date(2026, 3, 10),
    )
    assert (facts.condition, facts.reason) == ("opened", "size_fit")
    # The four flags default to false.
    assert (facts.is_gift, facts.member, facts.final_sale, facts.personalised) == (False,) * 4


@pytest.mark.parametrize(
    ("case", "check"),
    [
        pytest.param(with_(country="fr"), lambda f: f.country == "FR", id="country upper-cased"),
        pytest.param(with_(delivered_at=None), lambda f: f.delivered_at is None, id="not delivered"),
        pytest.param(
            with_(delivered_at=None, requested_at="2026-03-01"),
            lambda f: f.requested_at == date(2026, 3, 1),
            id="not delivered, requested the day of the order",
        ),
        pytest.param(
            with_(unit_price=12.1), lambda f: f.unit_price == Decimal("12.1"), id="price as JSON float"
        ),
        pytest.param(with_(unit_price=15), lambda f: f.unit_price == Decimal(15), id="price as JSON integer"),
        pytest.param(with_(unit_price="0"), lambda f: f.unit_price == 0, id="free item"),
        pytest.param(
            with_(unit_price="-0.00"), lambda f: not f.unit_price.is_signed(), id="minus zero is zero"
        ),
        pytest.param(
            with_(is_gift=True, member=True, final_sale=True, personalised=True),
            lambda f: f.is_gift and f.member and f.final_sale and f.personalised,
            id="flags",
        ),
        pytest.param(with_(id=7), lambda f: True, id="numeric id"),
        pytest.param(
            with_(expected={"code": "standard"}, note="x"), lambda f: True, id="extra fields ignored"
        ),
        pytest.param(
            with_(requested_at="2026-03-04"),
            lambda f: f.days_since_delivery == 0,
            id="requested on delivery day",
        ),
        pytest.param(
            with_(ordered_at="2026-03-04"),
            lambda f: f.ordered_at == f.delivered_at,
            id="delivered on order day",
        ),
    ],
)
def test_accepted_variations(case: dict[str, Any], check: Any) -> None:
    assert check(parse_case(case, FEE_TABLE))


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param(without("reason"), "missing field: reason", id="missing reason"),
        pytest.param(without("id", "currency"), "missing field: id, currency", id="missing id and currency"),
        pytest.param(without("delivered_at"), "missing field: delivered_at", id="missing delivered_at"),
        pytest.param(without("quantity"), "missing field: quantity", id="missing quantity"),
        pytest.param(with_(id=None), "id must be a string or a whole number", id="null id"),
        pytest.param(with_(id=[1]), "id must be a string or a whole number", id="list id"),
        pytest.param(with_(condition="new"), "unknown condition 'new'", id="unknown condition"),
        pytest.param(with_(condition=None), "unknown condition None", id="null condition"),
        pytest.param(with_(reason="broken"), "unknown reason 'broken'", id="unknown reason"),
        pytest.param(
            with_(currency="CHF"),
            "currency CHF is not in the policy's fee table (EUR, GBP, JPY, USD)",
            id="currency outside the fee table",
        ),
        pytest.param(with_(currency="EURO"), "currency must be an ISO 4217 code", id="not a currency"),
        pytest.param(with_(currency="eur"), "currency must be an ISO 4217 code", id="lower-case currency"),
        pytest.param(with_(country="FRA"), "country must be two letters", id="three-letter country"),
        pytest.param(with_(country="F1"), "country must be two letters", id="digit in country"),
        pytest.param(with_(country=None), "country must be two letters", id="null country"),
        pytest.param(with_(category=""), "category must be a slug", id="empty category"),
        pytest.param(with_(category=3), "category must be a slug", id="numeric category"),
        pytest.param(
            with_(ordered_at="2026-02-30"), "ordered_at must be a date as YYYY-MM-DD", id="no such day"
        ),
        pytest.param(with_(requested_at="10/03/2026"), "requested_at must be a date", id="not ISO"),
        pytest.param(with_(requested_at="20260310"), "requested_at must be a date", id="basic ISO format"),
        pytest.param(
            with_(requested_at=None), "requested_at must be a date as YYYY-MM-DD,", id="null requested"
        ),
        pytest.param(
            with_(delivered_at="soon"), "delivered_at must be a date as YYYY-MM-DD or null", id="bad delivery"
        ),
        pytest.param(with_(ordered_at=20260301), "ordered_at must be a date", id="date as a number"),
        pytest.param(with_(unit_price="-1.00"), "unit_price must not be negative", id="negative price"),
        pytest.param(with_(unit_price=-3), "unit_price must not be negative", id="negative JSON number"),
        pytest.param(with_(unit_price="12,50"), "unit_price must be a decimal amount", id="comma decimal"),
        pytest.param(with_(unit_price="twelve"), "unit_price must be a decimal amount", id="words"),
        pytest.param(with_(unit_price="NaN"), "unit_price must be a decimal amount", id="NaN"),
        pytest.param(with_(unit_price="Infinity"), "unit_price must be a decimal amount", id="infinity"),
        pytest.param(with_(unit_price=None), "unit_price must be a decimal amount", id="null price"),
        pytest.param(with_(unit_price=True), "unit_price must be a decimal amount", id="boolean price"),
        pytest.param(with_(unit_price=""), "unit_price must be a decimal amount", id="empty price"),
        pytest.param(with_(quantity=0), "quantity must be at least 1, not 0", id="quantity 0"),
        pytest.param(with_(quantity=-2), "quantity must be at least 1", id="negative quantity"),
        pytest.param(with_(quantity=1.5), "quantity must be a whole number", id="fractional quantity"),
        pytest.param(with_(quantity=2.0), "quantity must be a whole number", id="quantity as float"),
        pytest.param(with_(quantity="2"), "quantity must be a whole number", id="quantity as text"),
        pytest.param(with_(quantity=True), "quantity must be a whole number", id="boolean quantity"),
        pytest.param(with_(member="yes"), "member must be true or false", id="flag as text"),
        pytest.param(with_(is_gift=1), "is_gift must be true or false", id="flag as number"),
        pytest.param(with_(final_sale=None), "final_sale must be true or false", id="null flag"),
        pytest.param(
            with_(requested_at="2026-03-03"),
            "requested_at is before delivered_at",
            id="requested before delivery",
        ),
        pytest.param(
            with_(delivered_at="2026-02-28", requested_at="2026-03-10"),
            "delivered_at is before ordered_at",
            id="delivered before the order",
        ),
        pytest.param(
            with_(delivered_at=None, requested_at="2026-02-28"),
            "requested_at is before ordered_at",
            id="not delivered, requested before the order",
        ),
    ],
)
def test_a_malformed_case_says_what_is_wrong(case: dict[str, Any], message: str) -> None:
    with pytest.raises(CaseError) as error:
        parse_case(case, FEE_TABLE)
    assert message in error.value.message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(CaseError) as error:
        parse_case(with_(condition="new", quantity=0, currency="CHF"), FEE_TABLE)
    assert len(error.value.problems) == 3
    assert error.value.message == "; ".join(error.value.problems)


@pytest.mark.parametrize("case", [[], "text", 3, None], ids=["list", "string", "number", "null"])
def test_a_case_must_be_an_object(case: Any) -> None:
    with pytest.raises(CaseError, match="a case must be a JSON object"):
        parse_case(case, FEE_TABLE)


def test_a_policy_without_fees_prices_any_currency() -> None:
    assert parse_case(with_(currency="CHF"), None).currency == "CHF"
    with pytest.raises(CaseError, match="ISO 4217"):
        parse_case(with_(currency="XYZ"), None)


@pytest.mark.parametrize(
    ("case", "expected"),
    [({"id": "a"}, "a"), ({"id": 3}, 3), ({"id": True}, None), ({"id": 1.5}, None), ({}, None), ([], None)],
)
def test_the_id_echoed_back(case: Any, expected: Any) -> None:
    assert case_id(case) == expected
