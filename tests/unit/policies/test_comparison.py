"""``lint.compare``: a seller's policy that gives shoppers less than the store's, in any aspect, on any
day of the year, at any price, in any currency either policy names, is found; one at least as generous
is not. ``lint.below_floor``: where the legal floor steps in, whatever the policy's currencies."""

from __future__ import annotations

import pytest

from retour.policies import services
from retour.policies.domain import lint
from retour.policies.domain.compiler import CompiledPolicy

pytestmark = pytest.mark.unit

STANDARD = services.template_text("marketplace-standard")
HOLIDAYS = """\
  extensions:
    # Delivered for the holidays: returnable until 31 January at least.
    - delivered_between: [11-01, 12-31]
      until: 01-31
"""
GIFTS = """\
resolution_overrides:
  # A gift's refund goes to the recipient as credit.
  - when: {is_gift: true}
    resolutions: [store_credit, exchange]
"""
KEEP = 'keep_item_max: {USD: "15.00", EUR: "15.00", GBP: "15.00", JPY: "1500"}'
NOTHING_IN_JPY = """\
format: retour-policy/1
name: nothing
fees:
  return_shipping:
    amounts: {JPY: "500"}
rules:
  - id: never
    then: {eligible: false, code: no_returns}
"""


def changed(*edits: tuple[str, str]) -> CompiledPolicy:
    text = STANDARD.replace("name: marketplace-standard", "name: seller")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return services.parse(text)


def compare(seller: CompiledPolicy) -> list[lint.Finding]:
    return lint.compare(seller, services.compiled_template("marketplace-standard"), floor=services.floor())


def aspects(findings: list[lint.Finding]) -> set[str]:
    return {aspect for finding in findings for aspect in finding.aspects}


LESS_GENEROUS = [
    pytest.param(changed((HOLIDAYS, "")), {"eligible", "refund_percent"}, id="no holiday extension"),
    pytest.param(changed(("    waived_when: {member: true}\n", "")), {"fees"}, id="no member fee waiver"),
    pytest.param(
        changed((KEEP, KEEP.replace("15.00", "10.00").replace("1500", "1000"))),
        {"keep_item"},
        id="a lower returnless threshold",
    ),
    pytest.param(
        changed(("store_credit_bonus_percent: 10", "store_credit_bonus_percent: 0")),
        {"store_credit"},
        id="no store-credit bonus",
    ),
    pytest.param(changed((GIFTS, "")), {"resolutions"}, id="no gift rule"),
    pytest.param(
        changed(
            (
                "rules:\n",
                'rules:\n  - id: dear\n    when: {unit_price: {min: "200.00"}}\n'
                "    then: {eligible: false, code: too_dear}\n",
            )
        ),
        {"eligible"},
        id="refusing items of 200.00 and more",
    ),
    pytest.param(services.parse(NOTHING_IN_JPY), {"eligible"}, id="refusing everything, fees in JPY only"),
    pytest.param(
        changed(('amounts: {USD: "4.95", EUR: "4.95", GBP: "3.95", JPY: "500"}', 'amounts: {USD: "4.95"}')),
        set(),
        id="fees in USD only (no fee elsewhere: more generous)",
    ),
]


@pytest.mark.parametrize(("seller", "expected"), LESS_GENEROUS)
def test_a_seller_policy_that_gives_less_is_found_and_says_how(seller: CompiledPolicy, expected: set[str]):
    findings = compare(seller)
    assert aspects(findings) >= expected
    if expected:
        assert findings
    else:
        assert findings == []


def test_no_holiday_extension_is_found_on_a_holiday_delivery():
    findings = compare(changed((HOLIDAYS, "")))
    delivered = {f.facts.delivered_at.month for f in findings if f.facts.delivered_at is not None}
    assert delivered <= {11, 12, 1}
    assert delivered


def test_a_policy_refusing_from_200_is_found_at_200_and_not_below():
    findings = compare(
        changed(
            (
                "rules:\n",
                'rules:\n  - id: dear\n    when: {unit_price: {min: "200.00"}}\n'
                "    then: {eligible: false, code: too_dear}\n",
            )
        )
    )
    assert {str(f.facts.unit_price) for f in findings if "eligible" in f.aspects} == {"200.00"}


def test_every_currency_either_policy_names_is_compared():
    findings = compare(services.parse(NOTHING_IN_JPY))
    assert {f.facts.currency for f in findings} >= {"USD", "EUR", "GBP"}
    assert {f.facts.region for f in findings} == {"eu", "gb", "other"}


@pytest.mark.parametrize(
    "seller",
    [
        pytest.param(changed(), id="the same"),
        pytest.param(changed(("  days: 30\n", "  days: 45\n")), id="a longer window"),
        pytest.param(changed(('EUR: "4.95"', 'EUR: "2.95"')), id="a cheaper label"),
        pytest.param(
            changed(("store_credit_bonus_percent: 10", "store_credit_bonus_percent: 20")), id="a larger bonus"
        ),
    ],
)
def test_a_seller_policy_at_least_as_generous_is_not_found(seller: CompiledPolicy):
    assert compare(seller) == []


def test_a_finding_carries_what_differs_including_fees():
    finding = next(
        f for f in compare(changed(("    waived_when: {member: true}\n", ""))) if "fees" in f.aspects
    )
    data = finding.as_dict()
    assert data["member"] is True
    assert data["policy"]["fees"] != data["reference"]["fees"]
    assert data["reference"]["fees"] in ("0", "0.00")
    assert set(data) >= {"currency", "unit_price", "delivered_on", "requested_on", "aspects", "is_gift"}


def test_refusing_everything_is_below_the_law_whatever_the_currencies():
    findings = lint.below_floor(services.parse(NOTHING_IN_JPY), services.floor())
    # a country of the EU, the UK, and each country whose legal guarantee is its own (law.COUNTRIES)
    assert {f.facts.country for f in findings} == {"FR", "GB", "IE", "SE", "NO", "IS"}
    assert {f.theirs.code for f in findings} >= {"legal_withdrawal", "legal_guarantee"}


def test_the_templates_are_not_below_the_law():
    for name in ("marketplace-standard", "statutory-minimum"):
        assert lint.below_floor(services.compiled_template(name), services.floor()) == []
