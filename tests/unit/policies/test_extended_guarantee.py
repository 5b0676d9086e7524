"""The legal floor uses a repaired item's extended guarantee: a fault found after the guarantee's original
end is still the seller's until the extended end date (L217-13; Directive 2024/1799 art. 16), and only
then is the store's policy alone again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import extended_guarantee
from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.facts import Facts
from retour.repairs.domain import guarantee

pytestmark = pytest.mark.unit

DELIVERED = date(2024, 1, 10)
# A store that takes faults back for 90 days and nothing after.
STORE = """\
format: retour-policy/1
name: store
rules:
  - id: faults
    when: {seller_fault: true, days_since_delivery: {max: 90}}
    then: {eligible: true, code: fault, resolutions: [refund, replacement]}
  - id: late
    then: {eligible: false, code: window_expired}
"""


def facts(requested: date, **fields: Any) -> Facts:
    values: dict[str, Any] = {
        "country": "FR",
        "currency": "EUR",
        "category": "electronics",
        "unit_price": Decimal("120.00"),
        "quantity": 1,
        "ordered_at": DELIVERED - timedelta(days=2),
        "delivered_at": DELIVERED,
        "requested_at": requested,
        "condition": "used",
        "reason": "defective",
    }
    values.update(fields)
    return Facts(**values)


@pytest.fixture(scope="module")
def store() -> CompiledPolicy:
    return services.parse(STORE)


def test_a_fault_after_the_original_guarantee_is_covered_until_the_repairs_extended_end(
    store: CompiledPolicy,
):
    floor = services.floor()
    original_end = extended_guarantee.original_end(facts(DELIVERED), floor)
    assert original_end == date(2026, 1, 9)  # two years in France (730 days)
    # repaired under the guarantee on 1 December 2025, before the repair directive: France's six months
    extended = guarantee.extended_end(original_end, date(2025, 12, 1), "FR", in_eu=True)
    assert extended == (date(2026, 7, 9), "Code de la consommation L217-13")
    until = extended[0]
    late = facts(date(2026, 5, 4))

    without = extended_guarantee.decide(store, late, floor, None)
    with_extension = extended_guarantee.decide(store, late, floor, until)

    assert (without.eligible, without.code) == (False, "window_expired")
    assert (with_extension.eligible, with_extension.legal_basis) == (True, "legal_guarantee")
    assert with_extension.refund_percent == 100
    assert with_extension.fees_total == Decimal(0)  # the remedy is free
    assert "repair" in with_extension.resolutions
    assert with_extension.days_since_delivery == (date(2026, 5, 4) - DELIVERED).days
    assert with_extension.trace[-1] == "extended_guarantee"


def test_after_the_extended_end_the_stores_policy_stands_alone(store: CompiledPolicy):
    floor = services.floor()
    decision = extended_guarantee.decide(store, facts(date(2026, 7, 10)), floor, date(2026, 7, 9))

    assert (decision.eligible, decision.code) == (False, "window_expired")


def test_an_extension_changes_nothing_for_a_change_of_mind_or_inside_the_original_period(
    store: CompiledPolicy,
):
    floor = services.floor()
    change_of_mind = facts(date(2026, 5, 4), reason="changed_mind", condition="unopened")
    inside = facts(date(2025, 6, 1))

    assert extended_guarantee.decide(store, change_of_mind, floor, date(2026, 7, 9)).eligible is False
    assert extended_guarantee.decide(store, inside, floor, date(2026, 7, 9)) == extended_guarantee.decide(
        store, inside, floor, None
    )


def test_a_repair_from_august_2026_extends_the_floor_by_the_directives_twelve_months(store: CompiledPolicy):
    floor = services.floor()
    delivered = date(2024, 9, 1)
    end = extended_guarantee.original_end(facts(delivered, delivered_at=delivered), floor)
    assert end == date(2026, 9, 1)
    extended = guarantee.extended_end(end, date(2026, 8, 20), "FR", in_eu=True)
    assert extended is not None
    assert extended[0] == date(2027, 9, 1)
    request = facts(date(2027, 8, 31), delivered_at=delivered)

    assert extended_guarantee.decide(store, request, floor, None).eligible is False
    assert extended_guarantee.decide(store, request, floor, extended[0]).legal_basis == "legal_guarantee"
