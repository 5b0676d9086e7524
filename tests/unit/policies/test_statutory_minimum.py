"""The ``statutory-minimum`` template decides exactly as specs/policy-templates.md says.

Each row is a contract case and the part of the result it must give; amounts are worked out by hand
(line total * percentage, rounded half-up; fee capped at the item refund; no store-credit bonus).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import legal, lint

pytestmark = pytest.mark.unit

TEMPLATE = "statutory-minimum"
DELIVERED = date(2026, 3, 2)

GUARANTEE = ["repair", "replacement", "refund"]
SELLER = ["refund", "replacement"]
WITHDRAWAL = ["refund"]

# (item_refund, return_shipping_fee, refund_amount, store_credit_amount) for a 40.00 line
FREE = ("40.00", "0.00", "40.00", "40.00")
FULL = ("40.00", "4.95", "35.05", "35.05")
HALF = ("20.00", "4.95", "15.05", "15.05")
GB_FULL = ("40.00", "3.95", "36.05", "36.05")
GB_HALF = ("20.00", "3.95", "16.05", "16.05")


def case(day: int = 10, delivered: date | None = DELIVERED, **fields: Any) -> dict[str, Any]:
    """A French shopper returning a 40.00 EUR unopened garment, ``day`` days after delivery."""
    anchor = delivered or DELIVERED
    values: dict[str, Any] = {
        "id": "case",
        "country": "FR",
        "currency": "EUR",
        "category": "apparel",
        "unit_price": "40.00",
        "quantity": 1,
        "ordered_at": str(anchor - timedelta(days=4)),
        "delivered_at": None if delivered is None else str(delivered),
        "requested_at": str(anchor + timedelta(days=day)),
        "condition": "unopened",
        "reason": "changed_mind",
    }
    values.update(fields)
    return values


def us(day: int = 10, **fields: Any) -> dict[str, Any]:
    return case(day, **{"country": "US", "currency": "USD", **fields})


def gb(day: int = 10, **fields: Any) -> dict[str, Any]:
    return case(day, **{"country": "GB", "currency": "GBP", **fields})


def refused(code: str) -> dict[str, Any]:
    return {"eligible": False, "code": code}


def ok(code: str, percent: int, amounts: tuple[str, str, str, str], **more: Any) -> dict[str, Any]:
    keys = ("item_refund", "return_shipping_fee", "refund_amount", "store_credit_amount")
    return {
        "eligible": True,
        "code": code,
        "refund_percent": percent,
        **dict(zip(keys, amounts, strict=True)),
        **more,
    }


def rows(*params: tuple[str, dict[str, Any], dict[str, Any]]) -> list[Any]:
    return [pytest.param(c, expected, id=name) for name, c, expected in params]


NOT_DELIVERED = rows(
    ("EU", case(delivered=None), refused("not_delivered")),
    ("EU seller fault", case(delivered=None, reason="defective"), refused("not_delivered")),
    ("US seller fault", us(delivered=None, reason="defective"), refused("not_delivered")),
)

SELLER_FAULT = rows(
    *[
        (
            f"{country} day {day}",
            case(day, country=country, reason="defective"),
            ok(
                "legal_guarantee",
                100,
                FREE,
                legal_basis="legal_guarantee",
                resolutions=GUARANTEE,
                keep_item=False,
            ),
        )
        for country in ("FR", "DE", "IS", "LI", "NO")
        for day in (0, 30, 31, 730)
    ],
    ("GB day 730", gb(730, reason="wrong_item"), ok("legal_guarantee", 100, FREE, resolutions=GUARANTEE)),
    ("FR day 731", case(731, reason="defective"), refused("window_expired")),
    (
        "GB day 731: six years in the UK",
        gb(731, reason="not_as_described"),
        ok("legal_guarantee", 100, FREE, resolutions=GUARANTEE),
    ),
    ("GB day 2192", gb(2192, reason="not_as_described"), refused("window_expired")),
    (
        "EU: final sale, personalised, used beauty do not block",
        case(
            400, reason="defective", final_sale=True, personalised=True, category="beauty", condition="used"
        ),
        ok("legal_guarantee", 100, FREE),
    ),
    (
        "US day 30",
        us(30, reason="defective"),
        ok("seller_fault", 100, FREE, legal_basis=None, resolutions=SELLER, keep_item=False),
    ),
    *[
        (f"US {reason}", us(0, reason=reason), ok("seller_fault", 100, FREE))
        for reason in ("damaged_in_transit", "wrong_item", "not_as_described")
    ],
    ("US day 31", us(31, reason="defective"), refused("window_expired")),
    ("US day 90", us(90, reason="defective"), refused("window_expired")),
    ("CH day 31", us(31, country="CH", reason="defective"), refused("window_expired")),
    ("US: no returnless refund", us(reason="defective", unit_price="15.00"), {"keep_item": False}),
    ("EU: no returnless refund", case(reason="defective", unit_price="10.00"), {"keep_item": False}),
    ("US gift: no gift rule", us(reason="defective", is_gift=True), {"resolutions": SELLER}),
    ("EU gift: no gift rule", case(reason="defective", is_gift=True), {"resolutions": GUARANTEE}),
)

WITHDRAWAL_ROWS = rows(
    (
        "FR day 14",
        case(14),
        ok(
            "legal_withdrawal",
            100,
            FULL,
            legal_basis="eu_withdrawal",
            resolutions=WITHDRAWAL,
            keep_item=False,
        ),
    ),
    ("FR day 0", case(0), ok("legal_withdrawal", 100, FULL)),
    *[
        (
            f"{country} day 14",
            case(14, country=country),
            ok("legal_withdrawal", 100, FULL, legal_basis="eu_withdrawal"),
        )
        for country in ("DE", "NO", "IS", "LI")
    ],
    (
        "GB day 14",
        gb(14),
        ok("legal_withdrawal", 100, GB_FULL, legal_basis="uk_cancellation", resolutions=WITHDRAWAL),
    ),
    ("FR day 15", case(15), refused("window_expired")),
    ("GB day 15", gb(15), refused("window_expired")),
    ("no late window: day 31", case(31), refused("window_expired")),
    (
        "no holiday extension",
        case(delivered=date(2025, 12, 20), requested_at="2026-01-05"),
        refused("window_expired"),
    ),
    ("final sale", case(final_sale=True), ok("legal_withdrawal", 100, FULL)),
    *[
        (f"reason {reason}", case(5, reason=reason), ok("legal_withdrawal", 100, FULL))
        for reason in ("no_longer_needed", "size_fit", "better_price", "arrived_late")
    ],
    ("used: 50 %", case(condition="used"), ok("legal_withdrawal", 50, HALF)),
    ("damaged: 50 %", case(condition="damaged"), ok("legal_withdrawal", 50, HALF)),
    ("missing parts: 50 %", case(condition="missing_parts"), ok("legal_withdrawal", 50, HALF)),
    ("opened: 100 %", case(condition="opened"), ok("legal_withdrawal", 100, FULL)),
    ("used book: 50 %", case(category="books", condition="used"), ok("legal_withdrawal", 50, HALF)),
    (
        "GB used: 50 %",
        gb(condition="used"),
        ok("legal_withdrawal", 50, GB_HALF, legal_basis="uk_cancellation"),
    ),
    ("member: no fee", case(member=True), ok("legal_withdrawal", 100, FREE)),
    ("fee capped", case(unit_price="3.00"), ok("legal_withdrawal", 100, ("3.00", "3.00", "0.00", "0.00"))),
    (
        "JPY fee",
        case(currency="JPY", unit_price="4000"),
        ok("legal_withdrawal", 100, ("4000", "500", "3500", "3500")),
    ),
    (
        "rounded half-up",
        case(unit_price="12.99", condition="used"),
        ok("legal_withdrawal", 50, ("6.50", "4.95", "1.55", "1.55")),
    ),
    ("gift: no gift rule", case(is_gift=True), ok("legal_withdrawal", 100, FULL, resolutions=WITHDRAWAL)),
    ("unopened beauty", case(category="beauty"), ok("legal_withdrawal", 100, FULL)),
    ("unopened software", case(category="software"), ok("legal_withdrawal", 100, FULL)),
    ("unopened media", case(category="media"), ok("legal_withdrawal", 100, FULL)),
)

EXCEPTIONS = rows(
    ("personalised", case(personalised=True), refused("non_returnable")),
    ("grocery", case(category="grocery"), refused("non_returnable")),
    ("download", case(category="digital"), refused("non_returnable")),
    ("gift card", case(category="gift_cards"), refused("non_returnable")),
    ("GB gift card", gb(category="gift_cards"), refused("non_returnable")),
    ("personalised final sale", case(personalised=True, final_sale=True), refused("non_returnable")),
    ("opened beauty", case(category="beauty", condition="opened"), refused("hygiene_unsealed")),
    ("used beauty", case(category="beauty", condition="used"), refused("hygiene_unsealed")),
    ("opened media", case(category="media", condition="opened"), refused("opened_software")),
    ("damaged media", case(category="media", condition="damaged"), refused("opened_software")),
    ("opened software", case(category="software", condition="opened"), refused("opened_software")),
    ("GB opened software", gb(category="software", condition="opened"), refused("opened_software")),
    ("exception after 14 days", case(15, personalised=True), refused("window_expired")),
    (
        "opened beauty after 14 days",
        case(15, category="beauty", condition="opened"),
        refused("window_expired"),
    ),
)

ELSEWHERE = rows(
    ("US day 0", us(0), refused("window_expired")),
    ("US day 14", us(14), refused("window_expired")),
    ("US final sale", us(3, final_sale=True), refused("window_expired")),
    ("US personalised", us(3, personalised=True), refused("window_expired")),
    ("CH day 3", us(3, country="CH", currency="EUR"), refused("window_expired")),
    ("JP day 3", us(3, country="JP", currency="JPY", unit_price="4000"), refused("window_expired")),
)


@pytest.mark.parametrize(
    ("case", "expected"), NOT_DELIVERED + SELLER_FAULT + WITHDRAWAL_ROWS + EXCEPTIONS + ELSEWHERE
)
def test_statutory_minimum_decides_as_the_spec_says(
    evaluate: Callable[[str, dict[str, Any]], dict[str, Any]],
    check: Callable[[dict[str, Any], dict[str, Any]], None],
    case: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    check(evaluate(TEMPLATE, case), expected)


def test_store_credit_equals_the_refund() -> None:
    policy = services.parse(services.template_text(TEMPLATE)).policy
    assert policy.name == TEMPLATE
    assert policy.store_credit_bonus_percent == 0
    assert policy.resolution_overrides == ()
    assert policy.return_window.extensions == ()


def test_as_its_own_floor_it_changes_nothing() -> None:
    policy = services.compiled_template(TEMPLATE)
    assert policy is services.floor()
    changed = [
        facts
        for facts in lint.cases(("eu", "gb", "other"))
        if legal.decide(policy, facts, policy) != policy.decide(facts)
    ]
    assert changed == []
