"""The caps and windows a marketplace may change: the spec's values by default, each one honoured when
changed, and refused when it cannot be applied."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from retour.claims.config import configured_terms, read_terms
from retour.claims.domain.cases import parse_case
from retour.claims.domain.rules import assess
from retour.claims.domain.terms import MAX_HOURS, WINDOWS, Terms, TermsError

pytestmark = pytest.mark.unit

NOT_AS_DESCRIBED: dict[str, Any] = {
    "claim_type": "not_as_described",
    "return_requested_at": "2026-03-12T12:00:00Z",
}
RETURN_NOT_REFUNDED: dict[str, Any] = {
    "claim_type": "return_not_refunded",
    "return_delivered_at": "2026-05-30T12:00:00Z",
}


def test_the_defaults_are_the_spec_s():
    terms = Terms()
    assert dict(terms.caps) == {
        "USD": Decimal("2500.00"),
        "EUR": Decimal("2300.00"),
        "GBP": Decimal("1975.00"),
        "CAD": Decimal("3400.00"),
        "JPY": Decimal(375000),
    }
    assert (
        terms.filing_hours,
        terms.return_filing_hours,
        terms.late_delivery_hours,
        terms.order_age_hours,
        terms.seller_return_hours,
        terms.seller_refund_hours,
        terms.response_hours,
    ) == (90 * 24, 30 * 24, 3 * 24, 30 * 24, 48, 48, 72)


def test_a_marketplace_s_own_cap_is_paid_up_to(evaluate):
    terms = Terms(caps={"USD": Decimal("50.00")})
    result = evaluate(terms)
    assert (result["claimable"], result["payout"], result["capped"]) == ("105.00", "50.00", True)
    at = evaluate(terms, item_price="45.00")
    assert (at["payout"], at["capped"]) == ("50.00", False)


def test_a_cap_with_more_decimals_than_the_currency_is_rounded_once(evaluate):
    result = evaluate(Terms(caps={"USD": Decimal("99.995")}))
    assert (result["payout"], result["capped"]) == ("100.00", True)


@pytest.mark.parametrize(
    ("window", "hours", "fields", "field", "value"),
    [
        pytest.param("filing_hours", 24, {"filed_at": "2026-03-11T12:00:00Z"}, "code", "too_early"),
        pytest.param(
            "filing_hours",
            24,
            {"filed_at": "2026-03-11T12:00:01Z", "delivered_at": "2026-03-09T12:00:00Z"},
            "code",
            "too_late",
            id="filing_hours: a second past a one-day deadline",
        ),
        pytest.param(
            "return_filing_hours",
            24,
            {**RETURN_NOT_REFUNDED, "filed_at": "2026-06-20T12:00:00Z"},
            "code",
            "too_late",
            id="return_filing_hours: the return's day is past, before the general deadline",
        ),
        pytest.param("late_delivery_hours", 1, {}, "file_from", "2026-03-10T13:00:00Z"),
        pytest.param("order_age_hours", 24, {}, "file_from", "2026-03-02T12:00:00Z"),
        pytest.param("seller_return_hours", 0, NOT_AS_DESCRIBED, "file_from", "2026-03-12T12:00:00Z"),
        pytest.param(
            "seller_refund_hours",
            96,
            {**RETURN_NOT_REFUNDED, "filed_at": "2026-06-03T12:00:00Z"},
            "file_from",
            "2026-06-03T12:00:00Z",
        ),
        pytest.param("response_hours", 24 * 14, {}, "respond_by", "2026-03-29T12:00:00Z"),
    ],
)
def test_each_window_can_be_changed(evaluate, window, hours, fields, field, value):
    result = evaluate(Terms(**{window: hours}), **fields)
    assert result[field] == value


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"caps": {}}, "there must be a cap in at least one currency"),
        ({"caps": {"USD": Decimal(0)}}, "the USD cap must be a positive decimal amount"),
        ({"caps": {"USD": Decimal(-1)}}, "the USD cap must be a positive decimal amount"),
        ({"caps": {"USD": Decimal("NaN")}}, "the USD cap must be a positive decimal amount"),
        ({"caps": {"USD": 2500}}, "the USD cap must be a positive decimal amount"),
        ({"caps": {"usd": Decimal(1)}}, "a cap's currency must be an ISO 4217 code"),
        ({"caps": {"XYZ": Decimal(1)}}, "a cap's currency must be an ISO 4217 code"),
        ({"filing_hours": -1}, "filing_hours must be a whole number of hours"),
        ({"response_hours": MAX_HOURS + 1}, "response_hours must be a whole number of hours"),
        ({"seller_refund_hours": True}, "seller_refund_hours must be a whole number of hours"),
        ({"order_age_hours": 1.5}, "order_age_hours must be a whole number of hours"),
    ],
)
def test_terms_that_cannot_be_applied_are_refused(values, message):
    with pytest.raises(TermsError, match=message):
        Terms(**values)


def test_the_caps_cannot_be_changed_behind_the_terms_back():
    caps = {"USD": Decimal(10)}
    terms = Terms(caps=caps)
    caps["USD"] = Decimal(1)
    assert terms.caps["USD"] == Decimal(10)
    with pytest.raises(TypeError):
        terms.caps["USD"] = Decimal(1)  # type: ignore[index]


# From the environment (claims/config.py).


def test_an_empty_environment_gives_the_spec_s_terms():
    assert read_terms({}) == Terms()
    assert read_terms({"CLAIM_CAPS": " ", "CLAIM_RESPONSE_HOURS": ""}) == Terms()


def test_every_window_has_its_variable():
    env = {"CLAIM_" + window.upper(): str(index + 1) for index, window in enumerate(WINDOWS)}
    terms = read_terms(env)
    assert [getattr(terms, window) for window in WINDOWS] == list(range(1, len(WINDOWS) + 1))


def test_the_caps_come_as_one_table():
    terms = read_terms({"CLAIM_CAPS": "EUR=2000, CHF = 2200.50 ,JPY=300000"})
    assert dict(terms.caps) == {"EUR": Decimal(2000), "CHF": Decimal("2200.50"), "JPY": Decimal(300000)}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAIM_CAPS": "USD 2500"}, "CLAIM_CAPS must list CURRENCY=AMOUNT pairs"),
        ({"CLAIM_CAPS": "USD=lots"}, "CLAIM_CAPS must list CURRENCY=AMOUNT pairs"),
        ({"CLAIM_CAPS": "USD=0"}, "claim terms: the USD cap must be a positive decimal amount"),
        ({"CLAIM_CAPS": "ABC=10"}, "claim terms: a cap's currency must be an ISO 4217 code"),
        ({"CLAIM_FILING_HOURS": "90d"}, "CLAIM_FILING_HOURS must be a whole number of hours, not '90d'"),
        ({"CLAIM_RESPONSE_HOURS": "-1"}, "claim terms: response_hours must be a whole number of hours"),
    ],
)
def test_a_bad_variable_is_a_configuration_error(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        read_terms(env)


def test_the_settings_may_give_the_terms(settings: Settings):
    terms = Terms(response_hours=24)
    settings.CLAIM_TERMS = terms
    assert configured_terms() is terms


def test_without_settings_the_terms_come_from_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    settings.CLAIM_TERMS = None
    monkeypatch.setenv("CLAIM_RESPONSE_HOURS", "24")
    assert configured_terms() == Terms(response_hours=24)


def test_settings_that_are_not_terms_are_refused(settings: Settings):
    settings.CLAIM_TERMS = {"response_hours": 24}
    with pytest.raises(ImproperlyConfigured, match="CLAIM_TERMS must be"):
        configured_terms()


def test_a_claim_in_a_currency_without_a_cap_cannot_be_assessed(make_case):
    claim = replace(parse_case(make_case(), Terms()), currency="CHF")
    with pytest.raises(TermsError, match=r"no claim cap in 'CHF' \(claims are capped in: USD, EUR"):
        assess(claim, Terms())
    # Refused before any amount is computed: no cap is needed.
    assert assess(replace(claim, sold_by_marketplace=True), Terms()).code == "not_third_party"
