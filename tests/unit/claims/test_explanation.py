"""Every outcome is explained to the buyer in English and in French, with its dates and amounts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from retour.claims.domain.claim import Code, Reason
from retour.claims.domain.explain import DENIED, NOT_ELIGIBLE, when
from retour.claims.domain.terms import Terms

pytestmark = pytest.mark.unit

NOT_AS_DESCRIBED: dict[str, Any] = {
    "claim_type": "not_as_described",
    "return_requested_at": "2026-03-11T12:00:00Z",
}
# One case per outcome: the code and, for an eligible claim, the decision's reason.
OUTCOMES: dict[str, dict[str, Any]] = {
    "not_third_party": {"sold_by_marketplace": True},
    "not_covered_item": {"item_kind": "service"},
    "not_paid_on_marketplace": {"paid_on_marketplace": False},
    "chargeback_filed": {"chargeback_filed": True},
    "already_refunded": {"already_refunded": "105.00"},
    "too_late": {"filed_at": "2026-07-01T00:00:00Z"},
    "contact_seller_first": {"claim_type": "not_as_described"},
    "return_not_delivered": {"claim_type": "return_not_refunded"},
    "too_early": {"filed_at": "2026-03-12T00:00:00Z"},
    "not_delivered": {},
    "delivered_with_proof": {"delivered_at": "2026-03-09T12:00:00Z", "proof_of_delivery": True},
    "seller_refused_return": {**NOT_AS_DESCRIBED, "seller_refused_return": True},
    "seller_no_answer": NOT_AS_DESCRIBED,
    "returned_not_as_described": {
        **NOT_AS_DESCRIBED,
        "seller_answered_return_at": "2026-03-12T12:00:00Z",
        "return_delivered_at": "2026-03-14T12:00:00Z",
    },
    "item_not_returned": {**NOT_AS_DESCRIBED, "seller_answered_return_at": "2026-03-12T12:00:00Z"},
    "returned_not_refunded": {
        "claim_type": "return_not_refunded",
        "return_delivered_at": "2026-03-12T12:00:00Z",
    },
}


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_each_outcome_is_reached_by_its_case(evaluate, outcome):
    result = evaluate(**OUTCOMES[outcome])
    assert outcome in {result["code"], result["reason"]}


def test_the_cases_cover_every_code_and_every_reason_the_evaluation_gives():
    given = {str(code) for code in Code} | {str(reason) for reason in Reason}
    assert given - set(OUTCOMES) == {"eligible", "seller_no_response"}
    assert set(NOT_ELIGIBLE) == set(Code) - {Code.ELIGIBLE}
    assert set(DENIED) == {Reason.DELIVERED_WITH_PROOF, Reason.ITEM_NOT_RETURNED}


def test_each_outcome_has_its_own_words_in_both_languages(evaluate):
    explanations = [evaluate(**fields)["explanation"] for fields in OUTCOMES.values()]
    granted = {"not_delivered", "seller_refused_return", "seller_no_answer"}
    granted |= {"returned_not_as_described", "returned_not_refunded"}
    distinct = [e for outcome, e in zip(OUTCOMES, explanations, strict=True) if outcome not in granted]
    for language in ("en", "fr"):
        assert len({e[language] for e in distinct}) == len(distinct), language


@pytest.mark.parametrize(
    ("fields", "en", "fr"),
    [
        pytest.param(
            {"filed_at": "2026-03-12T00:00:00Z"},
            "It is too early to claim: you can file this claim from 13 March 2026 at 12:00 UTC.",
            "Il est trop tôt pour faire une réclamation : vous pourrez la déposer à partir du 13 mars 2026 "
            "à 12:00 UTC.",
            id="too early",
        ),
        pytest.param(
            {"filed_at": "2026-07-01T00:00:00Z"},
            "The time to claim has passed: this claim had to be filed by 8 June 2026 at 12:00 UTC.",
            "Le délai de réclamation est dépassé : il fallait la déposer au plus tard le 8 juin 2026 à "
            "12:00 UTC.",
            id="too late",
        ),
        pytest.param(
            {},
            "Your claim is accepted: unless the seller refunds you by 18 March 2026 at 12:00 UTC, the "
            "marketplace pays you US$105.00.",
            "Votre réclamation est acceptée : si le vendeur ne vous rembourse pas d’ici le 18 mars 2026 à "
            "12:00 UTC, la place de marché vous verse 105,00\xa0$US.",
            id="granted",
        ),
        pytest.param(
            {"claim_type": "not_as_described"},
            "Ask the seller for a return first: if they refuse, or have not answered within 48 hours, you "
            "can claim.",
            "Demandez d’abord un retour au vendeur : s’il refuse, ou s’il n’a pas répondu sous 48 heures, "
            "vous pourrez faire une réclamation.",
            id="contact the seller first",
        ),
    ],
)
def test_the_explanation_gives_the_dates_and_amounts(evaluate, fields, en, fr):
    assert evaluate(**fields)["explanation"] == {"en": en, "fr": fr}


def test_a_capped_payout_says_so(evaluate):
    explanation = evaluate(currency="EUR", item_price="3000.00", shipping_paid="0")["explanation"]
    assert explanation["en"].endswith(
        "pays you €2,300.00. This is the most the guarantee pays for a claim, out of the €3,000.00 you "
        "are owed."
    )
    assert "2\u202f300,00\xa0€" in explanation["fr"]
    assert "sur les 3\u202f000,00\xa0€ qui vous sont dus" in explanation["fr"]


def test_yen_are_shown_without_decimals(evaluate):
    explanation = evaluate(currency="JPY", item_price="12000", shipping_paid="500")["explanation"]
    assert "pays you JP¥12,500." in explanation["en"]
    assert "12\u202f500\xa0JPY" in explanation["fr"]


def test_a_denied_claim_says_why(evaluate):
    proof = evaluate(**OUTCOMES["delivered_with_proof"])["explanation"]
    assert proof["en"].startswith("Your claim is declined: the carrier has proof")
    assert proof["fr"].startswith("Votre réclamation est refusée : le transporteur a une preuve")


def test_the_seller_s_time_in_the_explanation_follows_the_terms(evaluate):
    result = evaluate(Terms(seller_refund_hours=96), claim_type="return_not_refunded")
    assert "within 96 hours" in result["explanation"]["en"]
    assert "sous 96 heures" in result["explanation"]["fr"]


@pytest.mark.parametrize(
    ("instant", "up", "en", "fr"),
    [
        (
            datetime(2026, 3, 1, 9, 5, tzinfo=UTC),
            False,
            "1 March 2026 at 09:05 UTC",
            "1er mars 2026 à 09:05 UTC",
        ),
        (
            datetime(2026, 8, 15, 23, 59, 59, tzinfo=UTC),
            False,
            "15 August 2026 at 23:59 UTC",
            "15 août 2026 à 23:59 UTC",
        ),
        (
            datetime(2026, 8, 15, 23, 59, 1, tzinfo=UTC),
            True,
            "16 August 2026 at 00:00 UTC",
            "16 août 2026 à 00:00 UTC",
        ),
        (
            datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
            True,
            "31 December 2026 at 12:00 UTC",
            "31 décembre 2026 à 12:00 UTC",
        ),
    ],
)
def test_instants_are_written_in_words_in_utc(instant, up, en, fr):
    assert when(instant, fr=False, up=up) == en
    assert when(instant, fr=True, up=up) == fr
