"""Seasonal extensions pick the first ``until`` on or after the delivery; explanations fit the decision
(a returnless refund, a shopper outside the EU, EEA and UK)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import legal
from retour.policies.domain.compiler import return_by_date
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Extension, ReturnWindow

pytestmark = pytest.mark.unit

# Delivered from 15 December to 15 January: returnable until 15 February.
WINTER = ReturnWindow(days=30, extensions=(Extension((12, 15), (1, 15), (2, 15)),))
WINTER_POLICY = """\
format: retour-policy/1
name: winter
return_window:
  days: 30
  extensions:
    - delivered_between: [12-15, 01-15]
      until: 02-15
rules:
  - id: late
    when: {days_past_return_by: {min: 1}}
    then: {eligible: false, code: window_expired}
  - id: standard
    then: {eligible: true, code: standard, resolutions: [refund]}
"""


@pytest.mark.parametrize(
    ("delivered", "return_by"),
    [
        (date(2027, 1, 5), date(2027, 2, 15)),  # after the new year: this year's 15 February
        (date(2026, 12, 20), date(2027, 2, 15)),  # before it: next year's
        (date(2026, 12, 15), date(2027, 2, 15)),
        (date(2027, 1, 15), date(2027, 2, 15)),
        (date(2027, 1, 16), date(2027, 2, 15)),  # outside the period: D + 30, 15 February too
        (date(2027, 1, 20), date(2027, 2, 19)),
        (date(2026, 12, 14), date(2027, 1, 13)),
    ],
)
def test_the_extended_return_by_date_is_the_first_until_on_or_after_the_delivery(
    delivered: date, return_by: date
):
    assert return_by_date(WINTER, delivered) == return_by


def test_an_item_delivered_after_the_new_year_is_not_returnable_the_next_december():
    policy = services.parse(WINTER_POLICY)
    delivered = date(2027, 1, 5)
    case = Facts(
        country="US",
        currency="USD",
        category="apparel",
        unit_price=Decimal("40.00"),
        quantity=1,
        ordered_at=delivered - timedelta(days=3),
        delivered_at=delivered,
        requested_at=date(2027, 12, 20),
        condition="unopened",
        reason="changed_mind",
    )
    assert policy.decide(case).code == "window_expired"
    assert policy.decide(case).return_by == date(2027, 2, 15)
    on_time = Facts(**{**_fields(case), "requested_at": date(2027, 2, 15)})
    assert policy.decide(on_time).code == "standard"


def _fields(case: Facts) -> dict[str, Any]:
    return {name: getattr(case, name) for name in Facts.__dataclass_fields__}


def contract(template: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "country": "US",
        "currency": "USD",
        "category": "apparel",
        "unit_price": Decimal("40.00"),
        "quantity": 1,
        "ordered_at": date(2026, 2, 26),
        "delivered_at": date(2026, 3, 2),
        "requested_at": date(2026, 3, 12),
        "condition": "unopened",
        "reason": "changed_mind",
    }
    values.update(fields)
    policy = services.compiled_template(template)
    return legal.decide(policy, Facts(**values), services.floor()).as_contract("case")


def test_a_seller_fault_refund_the_shopper_keeps_says_there_is_nothing_to_send_back():
    kept = contract("marketplace-standard", reason="defective", unit_price=Decimal("12.00"))
    sent = contract("marketplace-standard", reason="defective")

    assert kept["keep_item"] is True
    assert "keep it" in kept["explanation"]["en"]
    assert "the return is free" not in kept["explanation"]["en"]
    assert "vous pouvez le garder" in kept["explanation"]["fr"]
    assert sent["keep_item"] is False
    assert "the return is free" in sent["explanation"]["en"]


def test_a_returnless_refund_under_the_legal_guarantee_says_so_too():
    kept = contract(
        "marketplace-standard",
        country="FR",
        currency="EUR",
        reason="defective",
        unit_price=Decimal("12.00"),
        requested_at=date(2026, 9, 1),
    )
    assert (kept["code"], kept["keep_item"]) == ("legal_guarantee", True)
    assert "keep it" in kept["explanation"]["en"]


def test_a_shopper_outside_the_eu_is_not_told_about_a_withdrawal_period():
    result = contract("statutory-minimum")

    assert (result["eligible"], result["code"]) == (False, "window_expired")
    assert "withdrawal" not in result["explanation"]["en"]
    assert "Outside the EU" in result["explanation"]["en"]
    assert "rétractation" not in result["explanation"]["fr"]


def test_an_eu_shopper_after_14_days_is_told_the_withdrawal_period_has_passed():
    result = contract("statutory-minimum", country="FR", currency="EUR", requested_at=date(2026, 3, 20))
    assert result["code"] == "window_expired"
    assert "14-day withdrawal period" in result["explanation"]["en"]
