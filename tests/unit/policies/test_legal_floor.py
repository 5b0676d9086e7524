"""The legal floor raises what the law raises (eligible, percentage, code, legal basis) and keeps the
store's own fee, resolutions and store-credit bonus (spec rule 5: the return fee still applies under the
right of withdrawal); under the legal guarantee the return is free. Compiled into the policy's decision
function, it is asked only where it may give more, which changes no decision."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import legal, lint
from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.facts import Facts

pytestmark = pytest.mark.unit

DELIVERED = date(2026, 3, 2)
# A store with its own fee (in EUR and SEK only), a 15 % store-credit bonus and a gift rule; final sale
# is refused, opened items are refunded at 70 %, faults are taken back for a fee.
STORE = """\
format: retour-policy/1
name: store
fees:
  return_shipping:
    amounts: {EUR: "6.95", SEK: "79.00"}
store_credit_bonus_percent: 15
resolution_overrides:
  - when: {is_gift: true}
    resolutions: [store_credit, exchange]
rules:
  - id: not-delivered
    when: {delivered: false}
    then: {eligible: false, code: not_delivered}
  - id: faults
    when: {seller_fault: true, days_since_delivery: {max: 180}}
    then:
      eligible: true
      code: fault
      fees: [return_shipping]
      resolutions: [refund, replacement]
  - id: final-sale
    when: {final_sale: true}
    then: {eligible: false, code: final_sale}
  - id: late
    when: {days_since_delivery: {min: 31}}
    then: {eligible: false, code: window_expired}
  - id: standard
    then:
      eligible: true
      code: standard
      fees: [return_shipping]
      resolutions: [refund, store_credit, exchange]
    adjust:
      - when: {condition: opened}
        refund_percent: 70
"""
GENEROUS = """\
format: retour-policy/1
name: generous
rules:
  - id: everything
    then: {eligible: true, code: free, resolutions: [refund, store_credit]}
"""
NO_RETURNS = """\
format: retour-policy/1
name: no-returns
rules:
  - id: nothing
    then: {eligible: false, code: no_returns}
"""


def facts(day: int = 5, **fields: Any) -> Facts:
    values: dict[str, Any] = {
        "country": "FR",
        "currency": "EUR",
        "category": "apparel",
        "unit_price": Decimal("40.00"),
        "quantity": 1,
        "ordered_at": DELIVERED - timedelta(days=3),
        "delivered_at": DELIVERED,
        "requested_at": DELIVERED + timedelta(days=day),
        "condition": "unopened",
        "reason": "changed_mind",
    }
    values.update(fields)
    return Facts(**values)


@pytest.fixture(scope="module")
def store() -> CompiledPolicy:
    return services.parse(STORE)


def decide(policy: CompiledPolicy, case: Facts) -> Any:
    return legal.decide(policy, case, services.floor())


def test_an_eu_gift_sold_as_final_sale_keeps_the_stores_fee_resolutions_and_bonus(store: CompiledPolicy):
    decision = decide(store, facts(final_sale=True, is_gift=True))

    assert (decision.eligible, decision.code, decision.legal_basis) == (
        True,
        "legal_withdrawal",
        "eu_withdrawal",
    )
    assert decision.refund_percent == 100
    assert decision.fees == (("return_shipping", Decimal("6.95")),)  # the store's, not the floor's 4.95
    assert decision.refund_amount == Decimal("33.05")
    assert decision.store_credit_amount == Decimal("38.01")  # 33.05 x 1.15 = 38.0075
    assert decision.resolutions == ("store_credit", "exchange")  # the store's gift rule
    assert decision.trace == ("final-sale", "legal_floor:legal_withdrawal")
    assert "after the return shipping" in decision.explanation("en")
    assert "33,05" in decision.explanation("fr")


def test_a_lower_percentage_is_raised_and_the_rest_is_the_stores(store: CompiledPolicy):
    decision = decide(store, facts(condition="opened"))

    assert (decision.code, decision.refund_percent) == ("legal_withdrawal", 100)
    assert decision.fees == (("return_shipping", Decimal("6.95")),)
    assert decision.resolutions == ("refund", "store_credit", "exchange")
    assert decision.trace[-1] == "legal_floor:legal_withdrawal"


def test_after_14_days_the_store_decides_alone(store: CompiledPolicy):
    decision = decide(store, facts(20, condition="opened"))
    assert (decision.code, decision.refund_percent, decision.legal_basis) == ("standard", 70, None)


def test_a_currency_in_the_stores_fee_table_only_is_charged_from_it(store: CompiledPolicy):
    decision = decide(
        store, facts(country="SE", currency="SEK", unit_price=Decimal("400.00"), final_sale=True)
    )
    assert decision.code == "legal_withdrawal"
    assert decision.fees == (("return_shipping", Decimal("79.00")),)
    assert decision.refund_amount == Decimal("321.00")


@pytest.mark.parametrize(("country", "currency"), [("PL", "PLN"), ("DK", "DKK"), ("SE", "SEK")])
def test_a_currency_no_fee_table_has_is_charged_nothing_and_the_explanation_says_no_fee(
    country: str, currency: str
):
    decision = decide(services.parse(NO_RETURNS), facts(country=country, currency=currency))

    assert (decision.eligible, decision.code) == (True, "legal_withdrawal")
    assert decision.return_shipping_fee == 0
    assert decision.refund_amount == Decimal("40.00")
    assert "after the return shipping" not in decision.explanation("en")
    assert "frais de retour" not in decision.explanation("fr")
    assert "refunded in full" in decision.explanation("en")


def test_a_used_item_gets_the_laws_half_with_a_text_that_says_so(store: CompiledPolicy):
    decision = decide(services.parse(NO_RETURNS), facts(condition="used", country="GB", currency="GBP"))
    assert (decision.refund_percent, decision.legal_basis) == (50, "uk_cancellation")
    assert "handled beyond what is needed" in decision.explanation("en")


def test_under_the_legal_guarantee_the_floor_takes_the_stores_fee_off(store: CompiledPolicy):
    decision = decide(store, facts(100, reason="defective"))

    assert (decision.code, decision.legal_basis, decision.refund_percent) == (
        "legal_guarantee",
        "legal_guarantee",
        100,
    )
    assert decision.fees == ()
    assert decision.refund_amount == Decimal("40.00")
    assert decision.resolutions == ("refund", "replacement")  # the store's own
    assert "the return is free" in decision.explanation("en")


def test_outside_the_eu_and_the_uk_the_store_decides_alone(store: CompiledPolicy):
    decision = decide(store, facts(final_sale=True, country="US", currency="USD"))
    assert (decision.eligible, decision.code) == (False, "final_sale")


def test_a_policy_more_generous_than_the_law_is_never_touched():
    decision = decide(services.parse(GENEROUS), facts(condition="used"))
    assert (decision.code, decision.refund_percent, decision.trace) == ("free", 100, ("everything",))


def _cases(policy: CompiledPolicy, floor: CompiledPolicy) -> list[Facts]:
    """The cases ``lint`` compares policies on (every path through both), and for a sample of them
    every currency named, prices around the thresholds, members and gifts."""
    probes = lint.Probes([policy.policy, floor.policy], ("eu", "gb", "other"))
    first = list(probes.first_pass())
    return first + [case for example in first[::25] for case in probes.amounts(example)]


@pytest.mark.parametrize("text", [STORE, GENEROUS, NO_RETURNS, "marketplace-standard", "statutory-minimum"])
def test_asking_the_floor_only_where_it_may_give_more_changes_no_decision(text: str):
    """The analysis that skips the floor is checked against asking it on every decision."""
    document = services.template_text(text) if text in services.template_names() else text
    floor = services.floor()
    compiled, always = services.parse(document), services.parse(document)
    ask_always = always.with_floor(floor, partial(legal.step_in, always, floor), None)
    cases = _cases(compiled, floor)
    assert len(cases) > 1000
    different = [case for case in cases if legal.decide(compiled, case, floor) != ask_always(case)]
    assert different == []
