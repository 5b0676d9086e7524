"""The legal floor, country by country (specs/policy-templates.md, "Legal guarantee period by country").

Each row of the spec's table is checked at its boundary days under both templates; a store's own
periods (Scotland, NL and FI by category) reach the legal floor; the lint tells a store selling in NL or
FI to set them; the shopper reads the right of their country, in English and French.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import law, legal
from retour.policies.domain.facts import Facts

pytestmark = pytest.mark.unit

DELIVERED = date(2020, 3, 2)
GUARANTEE = ["repair", "replacement", "refund"]
REJECT = ["refund", "repair", "replacement"]
CURRENCY = {"GB": "GBP"}


def case(country: str, day: int, category: str = "apparel", reason: str = "defective") -> dict[str, Any]:
    return {
        "id": f"{country}-{category}-{day}",
        "country": country,
        "currency": CURRENCY.get(country, "EUR"),
        "category": category,
        "unit_price": "40.00",
        "quantity": 1,
        "ordered_at": str(DELIVERED - timedelta(days=3)),
        "delivered_at": str(DELIVERED),
        "requested_at": str(DELIVERED + timedelta(days=day)),
        "condition": "used",
        "reason": reason,
    }


# (country, category, the last day the legal guarantee covers): the spec's table
PERIODS = [
    ("FR", "apparel", 730),
    ("DE", "electronics", 730),
    ("NL", "electronics", 730),
    ("FI", "home", 730),
    ("SE", "apparel", 1095),
    ("IE", "apparel", 2191),
    ("GB", "apparel", 2191),
    ("NO", "electronics", 1826),
    ("NO", "home", 1826),
    ("NO", "apparel", 730),
    ("IS", "electronics", 1826),
    ("IS", "books", 730),
]


@pytest.mark.parametrize("template", ["marketplace-standard", "statutory-minimum"])
@pytest.mark.parametrize(("country", "category", "last"), PERIODS)
def test_each_country_is_covered_for_its_own_period_and_not_a_day_more(
    evaluate: Callable[..., dict[str, Any]],
    check: Callable[..., None],
    template: str,
    country: str,
    category: str,
    last: int,
) -> None:
    covered = {"eligible": True, "code": "legal_guarantee", "legal_basis": "legal_guarantee"}
    check(evaluate(template, case(country, last, category)), {**covered, "resolutions": GUARANTEE})
    check(
        evaluate(template, case(country, last + 1, category)), {"eligible": False, "code": "window_expired"}
    )


@pytest.mark.parametrize("day", [0, 1, 29, 30])
def test_within_30_days_a_uk_shopper_may_reject_a_faulty_item_for_a_refund_first(
    evaluate: Callable[..., dict[str, Any]], check: Callable[..., None], day: int
) -> None:
    result = evaluate("statutory-minimum", case("GB", day))
    check(result, {"eligible": True, "code": "legal_guarantee", "refund_percent": 100, "resolutions": REJECT})
    assert "30 days" in result["explanation"]["en"]
    assert "30 jours" in result["explanation"]["fr"]


def test_from_day_31_the_uk_guarantee_offers_repair_first(
    evaluate: Callable[..., dict[str, Any]], check: Callable[..., None]
) -> None:
    check(
        evaluate("statutory-minimum", case("GB", 31)), {"code": "legal_guarantee", "resolutions": GUARANTEE}
    )
    # only the UK has a short-term right to reject in the table
    check(
        evaluate("statutory-minimum", case("FR", 10)), {"code": "legal_guarantee", "resolutions": GUARANTEE}
    )


def test_the_marketplace_template_keeps_its_own_seller_fault_terms_within_90_days(
    evaluate: Callable[..., dict[str, Any]], check: Callable[..., None]
) -> None:
    check(evaluate("marketplace-standard", case("GB", 30)), {"code": "seller_fault", "legal_basis": None})


def test_outside_the_table_there_is_no_legal_guarantee(
    evaluate: Callable[..., dict[str, Any]], check: Callable[..., None]
) -> None:
    result = evaluate("statutory-minimum", {**case("US", 31), "currency": "USD"})
    check(result, {"eligible": False, "code": "window_expired"})


def test_the_table_is_the_specs() -> None:
    assert {code: row.guarantee_days for code, row in law.COUNTRIES.items() if row.guarantee_days != 730} == {
        "SE": 1095,
        "IE": 2191,
        "GB": 2191,
    }
    assert law.guarantee_days("NO", "electronics") == law.guarantee_days("IS", "home") == 1826
    assert law.guarantee_days("NO", "books") == 730
    assert law.guarantee_days("US", "apparel") is None
    assert {code for code, row in law.COUNTRIES.items() if row.expected_life} == {"NL", "FI"}
    assert {code for code, row in law.COUNTRIES.items() if row.reject_days} == {"GB"}
    assert len(law.COUNTRIES) == 31  # the EU's 27, IS, LI, NO and GB
    for row in law.COUNTRIES.values():
        assert row.withdrawal_days == 14
        assert row.guarantee_source
        assert row.withdrawal_source
        assert row.proof_source


# A store policy that takes faulty items back for 90 days only: the floor decides after that.
STINGY = """\
format: retour-policy/1
name: stingy
{section}
rules:
  - id: fault
    when: {{seller_fault: true, days_since_delivery: {{max: 90}}}}
    then: {{eligible: true, code: seller_fault, refund_percent: 100, resolutions: [refund]}}
  - id: rest
    then: {{eligible: false, code: window_expired}}
"""


def decide(section: str, country: str, day: int, category: str = "apparel", reason: str = "defective") -> Any:
    policy = services.parse(STINGY.format(section=section))
    facts = Facts(
        country=country,
        currency=CURRENCY.get(country, "EUR"),
        category=category,
        unit_price=Decimal("40.00"),
        quantity=1,
        ordered_at=DELIVERED - timedelta(days=3),
        delivered_at=DELIVERED,
        requested_at=DELIVERED + timedelta(days=day),
        condition="used",
        reason=reason,
    )
    return legal.decide(policy, facts, services.floor(policy))


@pytest.mark.parametrize(
    ("country", "category", "last"),
    [("SE", "apparel", 1095), ("IE", "apparel", 2191), ("NO", "electronics", 1826), ("FR", "apparel", 730)],
)
def test_the_floor_raises_a_store_policy_to_each_countrys_period(
    country: str, category: str, last: int
) -> None:
    assert decide("", country, last, category).code == "legal_guarantee"
    assert decide("", country, last, category).eligible
    assert not decide("", country, last + 1, category).eligible


def test_a_store_in_scotland_sets_five_years_for_the_uk() -> None:
    scotland = "legal_guarantee: {GB: 1826}"
    assert decide(scotland, "GB", 1826).code == "legal_guarantee"
    assert not decide(scotland, "GB", 1827).eligible
    assert decide("", "GB", 1827).eligible  # England and Wales: six years


def test_a_store_in_the_netherlands_sets_longer_periods_by_category() -> None:
    dutch = "legal_guarantee: {NL: {electronics: 1826, default: 730}}"
    assert decide(dutch, "NL", 1826, "electronics").code == "legal_guarantee"
    assert not decide(dutch, "NL", 1827, "electronics").eligible
    assert not decide(dutch, "NL", 731, "apparel").eligible
    assert not decide("", "NL", 1000, "electronics").eligible


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("legal_guarantee: {FR: 365}", "at least 730 days"),
        ("legal_guarantee: {GB: 1000}", "at least 1826 days"),
        ("legal_guarantee: {NO: {electronics: 1000}}", "at least 1826 days"),
        ("legal_guarantee: {US: 800}", "no legal guarantee"),
        ("legal_guarantee: {FR: 0}", "legal_guarantee.FR"),
        ("legal_guarantee: [FR]", "expected a mapping"),
    ],
)
def test_a_store_may_set_longer_periods_never_shorter(section: str, message: str) -> None:
    with pytest.raises(services.PolicyInvalid) as refused:
        services.parse(STINGY.format(section=section))
    problems = refused.value.details["problems"]
    assert any(message in f"{p['field']} {p['message']}" for p in problems), problems


def test_the_lint_tells_a_store_selling_in_nl_or_fi_to_set_its_periods() -> None:
    plain = services.parse(STINGY.format(section=""))
    assert law.expected_life_unset({"FR", "NL", "FI", "US"}, plain.policy.legal_guarantee) == ["FI", "NL"]
    assert len(services.law_notes(plain, {"NL", "FR"})) == 1
    assert "NL" in services.law_notes(plain, {"NL"})[0]
    assert services.law_notes(plain, {"FR", "GB"}) == []
    dutch = services.parse(STINGY.format(section="legal_guarantee: {NL: {electronics: 1826}}"))
    assert services.law_notes(dutch, {"NL", "FI"}) == [services.law_notes(plain, {"FI"})[0]]


@pytest.mark.parametrize(
    ("country", "day", "english", "french"),
    [
        (
            "FR",
            400,
            "legal guarantee of conformity, a fault is covered for 2 years",
            "Garantie légale de conformité : 2 ans",
        ),
        (
            "GB",
            400,
            "Under the Consumer Rights Act 2015, a fault is covered for 6 years",
            "Consumer Rights Act 2015",
        ),
        ("SE", 1000, "covered for 3 years", "Garantie légale de conformité : 3 ans"),
        ("IE", 2000, "Consumer Rights Act 2022, a fault is covered for 6 years", ": 6 ans"),
    ],
)
def test_the_shopper_reads_the_right_of_their_country(
    evaluate: Callable[..., dict[str, Any]], country: str, day: int, english: str, french: str
) -> None:
    for template in ("marketplace-standard", "statutory-minimum"):
        explanation = evaluate(template, case(country, day))["explanation"]
        assert english in explanation["en"]
        assert french in explanation["fr"]


def test_a_store_period_is_what_the_shopper_reads() -> None:
    decision = decide("legal_guarantee: {NL: {electronics: 1826}}", "NL", 1000, "electronics")
    assert "5 years" in decision.explanation("en")
    assert "5 ans" in decision.explanation("fr")


def test_docs_legal_shows_the_table_the_floor_reads() -> None:
    page = (Path(__file__).resolve().parents[3] / "docs" / "legal.md").read_text(encoding="utf-8")
    assert law.markdown_table() in page


@pytest.mark.parametrize("template", ["marketplace-standard", "statutory-minimum"])
def test_a_uk_shopper_reads_the_uks_right_to_cancel(
    evaluate: Callable[..., dict[str, Any]], template: str
) -> None:
    uk = evaluate(template, {**case("GB", 5), "reason": "changed_mind", "condition": "unopened"})
    assert uk["legal_basis"] == "uk_cancellation"
    assert "cancellation period of the UK's Consumer Contracts Regulations" in uk["explanation"]["en"]
    assert "délai d’annulation de 14 jours" in uk["explanation"]["fr"]
    handled = evaluate(template, {**case("GB", 5), "reason": "changed_mind"})
    assert "cancellation period" in handled["explanation"]["en"]
    eu = evaluate(template, {**case("FR", 5), "reason": "changed_mind", "condition": "unopened"})
    assert "right of withdrawal" in eu["explanation"]["en"]
    assert "délai de rétractation" in eu["explanation"]["fr"]


def test_when_the_floor_steps_in_a_uk_shopper_reads_the_right_to_cancel() -> None:
    decision = decide("", "GB", 5, reason="changed_mind")
    assert decision.legal_basis == "uk_cancellation"
    assert "cancellation period" in decision.explanation("en")
    assert "délai d’annulation" in decision.explanation("fr")
    assert "rétractation" in decide("", "FR", 5, reason="changed_mind").explanation("fr")


# A store more generous than the law: everything back for 60 days, free, in full.
GENEROUS = """\
format: retour-policy/1
name: generous
rules:
  - id: sixty-days
    when: {days_since_delivery: {max: 60}}
    then: {eligible: true, code: standard, refund_percent: 100, resolutions: [refund, store_credit]}
  - id: later
    then: {eligible: false, code: window_expired}
"""


def generous(country: str, day: int, **changes: Any) -> Any:
    policy = services.parse(GENEROUS)
    values: dict[str, Any] = {
        "country": country,
        "currency": CURRENCY.get(country, "EUR"),
        "category": "apparel",
        "unit_price": Decimal("40.00"),
        "quantity": 1,
        "ordered_at": DELIVERED - timedelta(days=3),
        "delivered_at": DELIVERED,
        "requested_at": DELIVERED + timedelta(days=day),
        "condition": "unopened",
        "reason": "changed_mind",
    }
    values.update(changes)
    return legal.decide(policy, Facts(**values), services.floor(policy))


@pytest.mark.parametrize(
    ("country", "day", "changes", "basis"),
    [
        ("FR", 0, {}, "eu_withdrawal"),
        ("DE", 14, {}, "eu_withdrawal"),
        ("GB", 10, {}, "uk_cancellation"),
        ("FR", 15, {}, None),  # past the 14 days: the store's 60 days only
        ("US", 5, {}, None),  # no such right there
        ("FR", 5, {"personalised": True}, None),  # an exception of the law
        ("FR", 5, {"category": "beauty", "condition": "opened"}, None),
        ("FR", 5, {"reason": "defective"}, None),  # a fault: the guarantee, not the withdrawal
    ],
)
def test_a_policy_more_generous_than_the_law_keeps_the_right_of_withdrawal(
    country: str, day: int, changes: dict[str, Any], basis: str | None
) -> None:
    decision = generous(country, day, **changes)
    assert decision.eligible
    assert (decision.code, decision.refund_percent, decision.fees_total) == (
        "standard",
        100,
        0,
    )  # the store's terms
    assert decision.legal_basis == basis


@pytest.mark.parametrize("template", ["marketplace-standard", "statutory-minimum"])
def test_the_templates_name_the_right_of_withdrawal_as_before(
    evaluate: Callable[..., dict[str, Any]], template: str
) -> None:
    within = evaluate(template, {**case("FR", 5), "reason": "changed_mind", "condition": "unopened"})
    assert (within["code"], within["legal_basis"]) == ("legal_withdrawal", "eu_withdrawal")
