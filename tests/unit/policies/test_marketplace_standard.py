"""The ``marketplace-standard`` template decides exactly as specs/policy-templates.md says.

Each row is a contract case and the part of the result it must give; amounts are worked out by hand
(line total * percentage, rounded half-up; fee capped at the item refund; store credit + 10 %).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import legal, lint
from retour.policies.domain.facts import Facts

pytestmark = pytest.mark.unit

TEMPLATE = "marketplace-standard"
DELIVERED = date(2026, 3, 2)  # outside the holiday extension

STANDARD = ["refund", "store_credit", "exchange"]
SELLER = ["refund", "replacement", "store_credit", "exchange"]
GUARANTEE = ["repair", "replacement", "refund"]
GIFT = ["store_credit", "exchange"]

# (item_refund, return_shipping_fee, refund_amount, store_credit_amount) for a 40.00 line
FULL = ("40.00", "4.95", "35.05", "38.56")  # 35.05 * 1.10 = 38.555
LATE = ("32.00", "4.95", "27.05", "29.76")  # 80 %; 27.05 * 1.10 = 29.755
HALF = ("20.00", "4.95", "15.05", "16.56")  # 50 %; 15.05 * 1.10 = 16.555
FREE = ("40.00", "0.00", "40.00", "44.00")  # free return shipping (seller fault, or a member)
GB_FULL = ("40.00", "3.95", "36.05", "39.66")  # 36.05 * 1.10 = 39.655
GB_HALF = ("20.00", "3.95", "16.05", "17.66")  # 16.05 * 1.10 = 17.655


def case(day: int = 10, delivered: date | None = DELIVERED, **fields: Any) -> dict[str, Any]:
    """A US shopper returning a 40.00 USD unopened garment, ``day`` days after delivery."""
    anchor = delivered or DELIVERED
    values: dict[str, Any] = {
        "id": "case",
        "country": "US",
        "currency": "USD",
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


def fr(day: int = 10, **fields: Any) -> dict[str, Any]:
    return case(day, **{"country": "FR", "currency": "EUR", **fields})


def gb(day: int = 10, **fields: Any) -> dict[str, Any]:
    return case(day, **{"country": "GB", "currency": "GBP", **fields})


def on(delivered: str, requested: str, **fields: Any) -> dict[str, Any]:
    return case(delivered=date.fromisoformat(delivered), requested_at=requested, **fields)


def refused(code: str) -> dict[str, Any]:
    return {"eligible": False, "code": code}


def paid(amounts: tuple[str, str, str, str]) -> dict[str, str]:
    keys = ("item_refund", "return_shipping_fee", "refund_amount", "store_credit_amount")
    return dict(zip(keys, amounts, strict=True))


def ok(code: str, percent: int, amounts: tuple[str, str, str, str], **more: Any) -> dict[str, Any]:
    return {"eligible": True, "code": code, "refund_percent": percent, **paid(amounts), **more}


def rows(*params: tuple[str, dict[str, Any], dict[str, Any]]) -> list[Any]:
    return [pytest.param(c, expected, id=name) for name, c, expected in params]


NOT_DELIVERED = rows(
    ("no delivery date", case(delivered=None), refused("not_delivered")),
    ("seller fault, EU", fr(delivered=None, reason="defective"), refused("not_delivered")),
    ("within 14 days of the order, EU", fr(3, delivered=None), refused("not_delivered")),
)

RETURN_BY = rows(
    ("day 0", case(0), ok("standard", 100, FULL, legal_basis=None, resolutions=STANDARD, keep_item=False)),
    ("day 30 is the return-by date", case(30), ok("standard", 100, FULL)),
    ("day 31 is late", case(31), ok("late_return", 80, LATE, resolutions=STANDARD)),
    ("day 60 is return-by + 30, still late", case(60), ok("late_return", 80, LATE)),
    ("day 61 is too late", case(61), refused("window_expired")),
    ("day 365", case(365), refused("window_expired")),
)

HOLIDAYS = rows(
    ("delivered 1 Nov: until 31 Jan", on("2025-11-01", "2026-01-31"), ok("standard", 100, FULL)),
    ("delivered 1 Nov: late on 1 Feb", on("2025-11-01", "2026-02-01"), ok("late_return", 80, LATE)),
    ("delivered 1 Nov: late until 2 Mar", on("2025-11-01", "2026-03-02"), ok("late_return", 80, LATE)),
    ("delivered 1 Nov: expired 3 Mar", on("2025-11-01", "2026-03-03"), refused("window_expired")),
    ("delivered 31 Dec: until 31 Jan", on("2025-12-31", "2026-01-31"), ok("standard", 100, FULL)),
    ("delivered 31 Dec: late on 1 Feb", on("2025-12-31", "2026-02-01"), ok("late_return", 80, LATE)),
    ("delivered 20 Dec: 31 Jan beats D+30", on("2025-12-20", "2026-01-31"), ok("standard", 100, FULL)),
    ("delivered 20 Dec: day 31 not late", on("2025-12-20", "2026-01-20"), ok("standard", 100, FULL)),
    ("delivered 20 Dec: late on 1 Feb", on("2025-12-20", "2026-02-01"), ok("late_return", 80, LATE)),
    ("leap year: late until 1 Mar", on("2023-12-20", "2024-03-01"), ok("late_return", 80, LATE)),
    ("leap year: expired 2 Mar", on("2023-12-20", "2024-03-02"), refused("window_expired")),
    ("delivered 31 Oct: D+30 only", on("2025-10-31", "2025-11-30"), ok("standard", 100, FULL)),
    ("delivered 31 Oct: late 1 Dec", on("2025-10-31", "2025-12-01"), ok("late_return", 80, LATE)),
    ("delivered 31 Oct: late 30 Dec", on("2025-10-31", "2025-12-30"), ok("late_return", 80, LATE)),
    ("delivered 31 Oct: expired 31 Dec", on("2025-10-31", "2025-12-31"), refused("window_expired")),
    ("delivered 2 Jan: D+30 only", on("2026-01-02", "2026-02-01"), ok("standard", 100, FULL)),
    ("delivered 2 Jan: late 2 Feb", on("2026-01-02", "2026-02-02"), ok("late_return", 80, LATE)),
)

SELLER_FAULT = rows(
    (
        "day 90",
        case(90, reason="defective"),
        ok("seller_fault", 100, FREE, legal_basis=None, resolutions=SELLER, keep_item=False),
    ),
    ("damaged in transit", case(0, reason="damaged_in_transit"), ok("seller_fault", 100, FREE)),
    ("wrong item", case(5, reason="wrong_item"), ok("seller_fault", 100, FREE)),
    ("not as described", case(5, reason="not_as_described"), ok("seller_fault", 100, FREE)),
    ("past the return window, day 61", case(61, reason="defective"), ok("seller_fault", 100, FREE)),
    ("US day 91", case(91, reason="defective"), refused("window_expired")),
    ("US day 730", case(730, reason="wrong_item"), refused("window_expired")),
    ("CH (not EEA) day 91", case(91, reason="defective", country="CH"), refused("window_expired")),
    ("member: still free", case(10, reason="defective", member=True), ok("seller_fault", 100, FREE)),
    *[
        (f"not blocked: {name}", case(10, reason="defective", **fields), ok("seller_fault", 100, FREE))
        for name, fields in (
            ("used", {"condition": "used"}),
            ("damaged", {"condition": "damaged"}),
            ("missing parts", {"condition": "missing_parts"}),
            ("opened", {"condition": "opened"}),
            ("gift card", {"category": "gift_cards"}),
            ("download", {"category": "digital"}),
            ("grocery", {"category": "grocery"}),
            ("opened software", {"category": "software", "condition": "opened"}),
            ("opened beauty", {"category": "beauty", "condition": "opened"}),
            ("opened media", {"category": "media", "condition": "opened"}),
            ("used book", {"category": "books", "condition": "used"}),
            ("final sale", {"final_sale": True}),
            ("personalised", {"personalised": True}),
            ("all at once", {"final_sale": True, "personalised": True, "condition": "damaged"}),
        )
    ],
    (
        "EU within 90 days: seller fault, not the guarantee",
        fr(90, reason="defective"),
        ok("seller_fault", 100, FREE, legal_basis=None, resolutions=SELLER),
    ),
)

LEGAL_GUARANTEE = rows(
    *[
        (
            f"{country} day {day}",
            case(day, country=country, currency="EUR", reason="defective"),
            ok("legal_guarantee", 100, FREE, legal_basis="legal_guarantee", resolutions=GUARANTEE),
        )
        for country in ("FR", "DE", "IT", "IS", "LI", "NO")
        for day in (91, 730)
    ],
    ("GB day 91", gb(91, reason="wrong_item"), ok("legal_guarantee", 100, FREE, resolutions=GUARANTEE)),
    ("GB day 730", gb(730, reason="not_as_described"), ok("legal_guarantee", 100, FREE)),
    ("FR day 731", fr(731, reason="defective"), refused("window_expired")),
    ("NO day 731", case(731, country="NO", currency="EUR", reason="defective"), refused("window_expired")),
    ("GB day 731: six years in the UK", gb(731, reason="defective"), ok("legal_guarantee", 100, FREE)),
    ("GB day 2191", gb(2191, reason="defective"), ok("legal_guarantee", 100, FREE)),
    ("GB day 2192", gb(2192, reason="defective"), refused("window_expired")),
    (
        "not blocked by final sale, personalised, used beauty",
        fr(
            400,
            reason="defective",
            final_sale=True,
            personalised=True,
            category="beauty",
            condition="used",
        ),
        ok("legal_guarantee", 100, FREE, legal_basis="legal_guarantee"),
    ),
    ("member", fr(400, reason="defective", member=True), ok("legal_guarantee", 100, FREE)),
)

RETURNLESS = rows(
    (
        "line total 15.00",
        case(reason="defective", unit_price="15.00"),
        ok("seller_fault", 100, ("15.00", "0.00", "15.00", "16.50"), keep_item=True),
    ),
    (
        "line total 15.01",
        case(reason="defective", unit_price="15.01"),
        ok("seller_fault", 100, ("15.01", "0.00", "15.01", "16.51"), keep_item=False),
    ),
    (
        "7.50 × 2 = 15.00",
        case(reason="defective", unit_price="7.50", quantity=2),
        ok("seller_fault", 100, ("15.00", "0.00", "15.00", "16.50"), keep_item=True),
    ),
    (
        "7.51 × 2 = 15.02",
        case(reason="defective", unit_price="7.51", quantity=2),
        ok("seller_fault", 100, ("15.02", "0.00", "15.02", "16.52"), keep_item=False),
    ),
    ("5.00 × 3 = 15.00", case(reason="defective", unit_price="5.00", quantity=3), {"keep_item": True}),
    (
        "JPY 1500",
        case(reason="defective", country="JP", currency="JPY", unit_price="1500"),
        ok("seller_fault", 100, ("1500", "0", "1500", "1650"), keep_item=True),
    ),
    (
        "JPY 1501",
        case(reason="defective", country="JP", currency="JPY", unit_price="1501"),
        ok("seller_fault", 100, ("1501", "0", "1501", "1651"), keep_item=False),
    ),
    (
        "JPY 750 × 2",
        case(reason="defective", country="JP", currency="JPY", unit_price="750", quantity=2),
        {"keep_item": True},
    ),
    ("GBP 15.00", gb(reason="wrong_item", unit_price="15.00"), {"code": "seller_fault", "keep_item": True}),
    (
        "under the legal guarantee",
        fr(200, reason="defective", unit_price="15.00"),
        ok("legal_guarantee", 100, ("15.00", "0.00", "15.00", "16.50"), keep_item=True),
    ),
    (
        "not for a change of mind",
        case(unit_price="10.00"),
        ok("standard", 100, ("10.00", "4.95", "5.05", "5.56"), keep_item=False),
    ),
    ("not when expired", case(91, reason="defective", unit_price="10.00"), refused("window_expired")),
)

RULE_4_CHECKS = rows(
    ("gift card", case(category="gift_cards"), refused("non_returnable")),
    ("download", case(category="digital"), refused("non_returnable")),
    ("grocery", case(category="grocery"), refused("non_returnable")),
    ("personalised", case(personalised=True), refused("non_returnable")),
    ("personalised before final sale", case(personalised=True, final_sale=True), refused("non_returnable")),
    ("grocery before final sale", case(category="grocery", final_sale=True), refused("non_returnable")),
    ("gift card even when too late", case(61, category="gift_cards"), refused("non_returnable")),
    ("final sale", case(final_sale=True), refused("final_sale")),
    (
        "final sale before opened software",
        case(final_sale=True, category="software", condition="opened"),
        refused("final_sale"),
    ),
    (
        "final sale before unsealed beauty",
        case(final_sale=True, category="beauty", condition="opened"),
        refused("final_sale"),
    ),
    ("final sale even when too late", case(61, final_sale=True), refused("final_sale")),
    *[
        (f"software {condition}", case(category="software", condition=condition), refused("opened_software"))
        for condition in ("opened", "used", "damaged", "missing_parts")
    ],
    ("software unopened", case(category="software"), ok("standard", 100, FULL)),
    (
        "opened software too late",
        case(70, category="software", condition="opened"),
        refused("opened_software"),
    ),
    (
        "opened software before beauty check",
        case(category="software", condition="opened"),
        refused("opened_software"),
    ),
    *[
        (f"beauty {condition}", case(category="beauty", condition=condition), refused("hygiene_unsealed"))
        for condition in ("opened", "used", "damaged", "missing_parts")
    ],
    ("beauty unopened", case(category="beauty"), ok("standard", 100, FULL)),
    (
        "unsealed beauty too late",
        case(61, category="beauty", condition="opened"),
        refused("hygiene_unsealed"),
    ),
    ("apparel too late", case(61), refused("window_expired")),
)

DEDUCTIONS = rows(
    ("used book", case(category="books", condition="used"), ok("standard", 50, HALF)),
    ("opened book", case(category="books", condition="opened"), ok("standard", 100, FULL)),
    ("damaged book", case(category="books", condition="damaged"), ok("standard", 50, HALF)),
    ("opened media", case(category="media", condition="opened"), ok("standard", 50, HALF)),
    ("used media", case(category="media", condition="used"), ok("standard", 50, HALF)),
    ("unopened media", case(category="media"), ok("standard", 100, FULL)),
    ("used", case(condition="used"), ok("standard", 50, HALF)),
    ("damaged", case(condition="damaged"), ok("standard", 50, HALF)),
    ("missing parts", case(condition="missing_parts"), ok("standard", 50, HALF)),
    ("opened", case(condition="opened"), ok("standard", 100, FULL)),
    (
        "late and used book: 50, not 40",
        case(31, category="books", condition="used"),
        ok("late_return", 50, HALF),
    ),
    ("late and opened media", case(45, category="media", condition="opened"), ok("late_return", 50, HALF)),
    ("late and damaged", case(60, condition="damaged"), ok("late_return", 50, HALF)),
    ("late and unopened media", case(31, category="media"), ok("late_return", 80, LATE)),
    ("late and opened book", case(31, category="books", condition="opened"), ok("late_return", 80, LATE)),
    ("used, too late", case(61, condition="used"), refused("window_expired")),
)

FEES_AND_AMOUNTS = rows(
    ("USD 4.95", case(), ok("standard", 100, FULL)),
    ("EUR 4.95", fr(20), ok("standard", 100, FULL, legal_basis=None)),
    ("EUR, US shopper", case(currency="EUR"), ok("standard", 100, FULL)),
    ("GBP 3.95", gb(20), ok("standard", 100, GB_FULL)),
    (
        "JPY 500",
        case(20, country="JP", currency="JPY", unit_price="4000"),
        ok("standard", 100, ("4000", "500", "3500", "3850")),
    ),
    ("member USD", case(member=True), ok("standard", 100, FREE)),
    ("member GBP", gb(20, member=True), ok("standard", 100, FREE)),
    (
        "member JPY",
        case(country="JP", currency="JPY", unit_price="4000", member=True),
        ok("standard", 100, ("4000", "0", "4000", "4400")),
    ),
    ("member, late", case(31, member=True), ok("late_return", 80, ("32.00", "0.00", "32.00", "35.20"))),
    ("fee capped: 3.00", case(unit_price="3.00"), ok("standard", 100, ("3.00", "3.00", "0.00", "0.00"))),
    ("fee capped: 4.95", case(unit_price="4.95"), ok("standard", 100, ("4.95", "4.95", "0.00", "0.00"))),
    ("fee not capped: 5.00", case(unit_price="5.00"), ok("standard", 100, ("5.00", "4.95", "0.05", "0.06"))),
    (
        "fee capped after 50 %",
        case(unit_price="8.00", condition="used"),
        ok("standard", 50, ("4.00", "4.00", "0.00", "0.00")),
    ),
    (
        "fee capped, JPY",
        case(country="JP", currency="JPY", unit_price="400"),
        ok("standard", 100, ("400", "400", "0", "0")),
    ),
    ("free item", case(unit_price="0.00"), ok("standard", 100, ("0.00", "0.00", "0.00", "0.00"))),
    (
        "unit price × quantity",
        case(unit_price="12.50", quantity=3),
        ok("standard", 100, ("37.50", "4.95", "32.55", "35.81")),
    ),
    ("80 % rounded", case(31, unit_price="12.99"), ok("late_return", 80, ("10.39", "4.95", "5.44", "5.98"))),
    (
        "50 % rounded half-up",
        case(unit_price="12.99", condition="used"),
        ok("standard", 50, ("6.50", "4.95", "1.55", "1.71")),
    ),
    (
        "JPY 50 % rounded half-up",
        case(country="JP", currency="JPY", unit_price="1999", condition="used"),
        ok("standard", 50, ("1000", "500", "500", "550")),
    ),
    (
        "JPY 80 % rounded",
        case(31, country="JP", currency="JPY", unit_price="1999"),
        ok("late_return", 80, ("1599", "500", "1099", "1209")),
    ),
    (
        "unit price as a JSON number",
        case(unit_price=12.1),
        ok("standard", 100, ("12.10", "4.95", "7.15", "7.87")),
    ),
    (
        "more decimals than the currency: rounded once",
        case(unit_price="12.345"),
        ok("standard", 100, ("12.35", "4.95", "7.40", "8.14")),
    ),
)

WITHDRAWAL = rows(
    (
        "FR day 14",
        fr(14),
        ok("legal_withdrawal", 100, FULL, legal_basis="eu_withdrawal", resolutions=STANDARD, keep_item=False),
    ),
    ("FR day 0", fr(0), ok("legal_withdrawal", 100, FULL, legal_basis="eu_withdrawal")),
    ("FR day 15: rule 4", fr(15), ok("standard", 100, FULL, legal_basis=None)),
    *[
        (
            f"{country} day 14",
            case(14, country=country, currency="EUR"),
            ok("legal_withdrawal", 100, FULL, legal_basis="eu_withdrawal"),
        )
        for country in ("DE", "NO", "IS", "LI", "IE", "PL")
    ],
    ("GB day 14", gb(14), ok("legal_withdrawal", 100, GB_FULL, legal_basis="uk_cancellation")),
    ("GB day 15: rule 4", gb(15), ok("standard", 100, GB_FULL, legal_basis=None)),
    ("US day 14: rule 4", case(14), ok("standard", 100, FULL, legal_basis=None)),
    (
        "CH day 14: rule 4",
        case(14, country="CH", currency="EUR"),
        ok("standard", 100, FULL, legal_basis=None),
    ),
    ("US final sale day 14: rule 4", case(14, final_sale=True), refused("final_sale")),
    *[
        (f"reason {reason}", fr(5, reason=reason), ok("legal_withdrawal", 100, FULL))
        for reason in ("changed_mind", "no_longer_needed", "size_fit", "better_price", "arrived_late")
    ],
    ("final sale included", fr(14, final_sale=True), ok("legal_withdrawal", 100, FULL)),
    (
        "final sale, GB",
        gb(3, final_sale=True),
        ok("legal_withdrawal", 100, GB_FULL, legal_basis="uk_cancellation"),
    ),
    ("final sale after 14 days", fr(15, final_sale=True), refused("final_sale")),
    ("used: 50 %", fr(condition="used"), ok("legal_withdrawal", 50, HALF, legal_basis="eu_withdrawal")),
    ("damaged: 50 %", fr(condition="damaged"), ok("legal_withdrawal", 50, HALF)),
    ("missing parts: 50 %", fr(condition="missing_parts"), ok("legal_withdrawal", 50, HALF)),
    ("opened: 100 %", fr(condition="opened"), ok("legal_withdrawal", 100, FULL)),
    (
        "used, GB: 50 %",
        gb(condition="used"),
        ok("legal_withdrawal", 50, GB_HALF, legal_basis="uk_cancellation"),
    ),
    ("used, final sale: 50 %", fr(final_sale=True, condition="used"), ok("legal_withdrawal", 50, HALF)),
    ("used book: 50 %", fr(category="books", condition="used"), ok("legal_withdrawal", 50, HALF)),
    ("opened book: 100 %", fr(category="books", condition="opened"), ok("legal_withdrawal", 100, FULL)),
    ("unopened beauty", fr(category="beauty"), ok("legal_withdrawal", 100, FULL)),
    ("unopened software", fr(category="software"), ok("legal_withdrawal", 100, FULL)),
    ("unopened media", fr(category="media"), ok("legal_withdrawal", 100, FULL)),
    ("member: no fee", fr(member=True), ok("legal_withdrawal", 100, FREE)),
    ("fee capped", fr(unit_price="3.00"), ok("legal_withdrawal", 100, ("3.00", "3.00", "0.00", "0.00"))),
    # Statutory exceptions: rule 4 decides as written.
    ("exception: personalised", fr(personalised=True), refused("non_returnable")),
    ("exception: personalised final sale", fr(personalised=True, final_sale=True), refused("non_returnable")),
    ("exception: grocery", fr(category="grocery"), refused("non_returnable")),
    ("exception: download", fr(category="digital"), refused("non_returnable")),
    ("exception: gift card", fr(category="gift_cards"), refused("non_returnable")),
    ("exception: opened beauty", fr(category="beauty", condition="opened"), refused("hygiene_unsealed")),
    ("exception: used beauty, GB", gb(category="beauty", condition="used"), refused("hygiene_unsealed")),
    ("exception: opened software", fr(category="software", condition="opened"), refused("opened_software")),
    (
        "exception: opened media",
        fr(category="media", condition="opened"),
        ok("standard", 50, HALF, legal_basis=None),
    ),
    (
        "exception: used media",
        fr(category="media", condition="used"),
        ok("standard", 50, HALF, legal_basis=None),
    ),
    (
        "exception: opened media, final sale",
        fr(category="media", condition="opened", final_sale=True),
        refused("final_sale"),
    ),
    (
        "exception: opened beauty, final sale",
        fr(category="beauty", condition="opened", final_sale=True),
        refused("final_sale"),
    ),
    ("after 14 days, used: rule 4", fr(20, condition="used"), ok("standard", 50, HALF, legal_basis=None)),
)

RESOLUTIONS = rows(
    ("standard", case(), {"resolutions": STANDARD}),
    ("late", case(31), {"resolutions": STANDARD}),
    ("seller fault", case(reason="defective"), {"resolutions": SELLER}),
    ("legal guarantee", fr(100, reason="defective"), {"resolutions": GUARANTEE}),
    ("withdrawal", fr(3), {"resolutions": STANDARD}),
    ("gift, standard", case(is_gift=True), ok("standard", 100, FULL, resolutions=GIFT)),
    ("gift, late", case(31, is_gift=True), ok("late_return", 80, LATE, resolutions=GIFT)),
    (
        "gift, seller fault",
        case(reason="defective", is_gift=True),
        ok("seller_fault", 100, FREE, resolutions=GIFT),
    ),
    (
        "gift, legal guarantee",
        fr(100, reason="defective", is_gift=True),
        ok("legal_guarantee", 100, FREE, legal_basis="legal_guarantee", resolutions=GIFT),
    ),
    (
        "gift, withdrawal",
        fr(3, is_gift=True),
        ok("legal_withdrawal", 100, FULL, legal_basis="eu_withdrawal", resolutions=GIFT),
    ),
    ("gift, not returnable", case(is_gift=True, category="grocery"), refused("non_returnable")),
    ("gift, too late", case(61, is_gift=True), refused("window_expired")),
)


@pytest.mark.parametrize(
    ("case", "expected"),
    NOT_DELIVERED
    + RETURN_BY
    + HOLIDAYS
    + SELLER_FAULT
    + LEGAL_GUARANTEE
    + RETURNLESS
    + RULE_4_CHECKS
    + DEDUCTIONS
    + FEES_AND_AMOUNTS
    + WITHDRAWAL
    + RESOLUTIONS,
)
def test_marketplace_standard_decides_as_the_spec_says(
    evaluate: Callable[[str, dict[str, Any]], dict[str, Any]],
    check: Callable[[dict[str, Any], dict[str, Any]], None],
    case: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    check(evaluate(TEMPLATE, case), expected)


def test_the_template_is_a_policy_document() -> None:
    policy = services.parse(services.template_text(TEMPLATE)).policy
    assert policy.name == TEMPLATE
    assert policy.currencies == {"USD", "EUR", "GBP", "JPY"}
    assert policy.store_credit_bonus_percent == 10


@pytest.mark.parametrize("region", ["eu", "gb", "other"])
def test_the_legal_floor_changes_none_of_its_decisions(region: str) -> None:
    """The template already gives EU/EEA and UK shoppers what the law does, so the floor never steps in."""
    policy, floor = services.compiled_template(TEMPLATE), services.floor()
    changed = [
        facts
        for facts in lint.cases((region,))
        for facts in (facts, _variant(facts))
        if legal.decide(policy, facts, floor) != policy.decide(facts)
    ]
    assert changed == []


def _variant(facts: Facts) -> Facts:
    """The same case for a member's gift order delivered for the holidays."""
    assert facts.delivered_at is not None
    shift = date(2025, 12, 20) - facts.delivered_at
    return replace(
        facts,
        is_gift=True,
        member=True,
        ordered_at=facts.ordered_at + shift,
        delivered_at=facts.delivered_at + shift,
        requested_at=facts.requested_at + shift,
    )
