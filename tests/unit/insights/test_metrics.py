"""The return metrics of specs/returns-metrics.md on a small store whose every figure is worked out here.

The store (EUR, Europe/Paris), period March 2026, handling 0.33375 a received unit:

- O1 (2 March, prices include tax, order discount 10.00 over three lines of 20.00 each, prorated by
  largest remainder: 3.34, 3.33, 3.33): L11 apparel x 2 by the store (paid 16.66), L12 shoes x 1 by
  acme (16.67), L13 home x 1 by the store (16.67).
- O2 (15 March, prices exclude tax: the 7.00 of tax is left out): L21 apparel x 2 by acme at 40.00 less
  a line discount of 5.00 (paid 75.00).
- O3 (20 March): L31 garden x 3 by the store at 5.00 (15.00); nothing returned.
- Outside the cohort: O4 (1 April 00:30 in Paris, still 31 March in UTC), O5 (cancelled), O6 (one of its
  two shipments not delivered), O7 (never shipped). Their returns count nowhere.

Returns of the cohort: R1 refunded (L11 x 1 refund 8.33, L12 x 1 exchange 16.67), received; R2 kept
(L13 x 1 keep 16.67), its received_at set; R3 store credit (L21 x 1, 37.50), received; R4 rejected
(void, L21 x 2); R5 open (L21 x 1 refund 37.50), received.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from retour.core.money import split
from retour.insights.domain.metrics import (
    Line,
    Order,
    Period,
    ReturnedLine,
    ReturnRecord,
    compute,
    in_cohort,
    paid_value,
    ratio,
    report,
    returned_value,
)

pytestmark = pytest.mark.unit

D = Decimal
PARIS = ZoneInfo("Europe/Paris")
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
MARCH = Period(date(2026, 3, 1), date(2026, 4, 1), PARIS)
HANDLING = D("0.33375")


def test_the_order_discount_is_prorated_by_largest_remainder():
    # 10.00 over three equal lines: 3.33 each and the cent left over to the first.
    assert split(D("10.00"), "EUR", [D("20.00"), D("20.00"), D("20.00")]) == [D("3.34"), D("3.33"), D("3.33")]


def test_a_lines_paid_value_is_price_less_its_discounts_without_shipping_or_added_tax():
    assert paid_value(D("10.00"), 2, D(0), D("3.34")) == D("16.66")
    # Prices without tax: the tax is not added (it is not part of the paid value).
    assert paid_value(D("40.00"), 2, D("5.00"), D(0)) == D("75.00")


def test_the_paid_value_of_returned_units_is_rounded_half_up_to_the_cent():
    assert returned_value(D("16.66"), 2, 1, "EUR") == D("8.33")
    assert returned_value(D("51.43"), 2, 1, "EUR") == D("25.72")  # 25.715
    assert returned_value(D("1001"), 2, 1, "JPY") == D("501")  # 500.5


def line(id: str, quantity: int, paid: str, category: str, seller: str = "") -> Line:
    return Line(id=id, quantity=quantity, paid_value=D(paid), category=category, seller=seller)


def order(
    id: str, at: datetime, *lines: Line, cancelled: bool = False, shipments: tuple[bool, ...] = (True,)
) -> Order:
    return Order(id=id, ordered_at=at, lines=lines, cancelled=cancelled, shipments_delivered=shipments)


def back(line_id: str, quantity: int, reason: str, resolution: str, amount: str) -> ReturnedLine:
    return ReturnedLine(line_id, quantity, reason, resolution, D(amount))


ORDERS = [
    order(
        "O1",
        datetime(2026, 3, 2, 9, tzinfo=CET),
        line("L11", 2, "16.66", "apparel"),
        line("L12", 1, "16.67", "shoes", "acme"),
        line("L13", 1, "16.67", "home"),
    ),
    order("O2", datetime(2026, 3, 15, 12, tzinfo=CET), line("L21", 2, "75.00", "apparel", "acme")),
    order("O3", datetime(2026, 3, 20, 8, tzinfo=CET), line("L31", 3, "15.00", "garden")),
    order("O4", datetime(2026, 4, 1, 0, 30, tzinfo=CEST), line("L41", 1, "99.00", "toys")),
    order("O5", datetime(2026, 3, 3, tzinfo=CET), line("L51", 1, "50.00", "toys"), cancelled=True),
    order("O6", datetime(2026, 3, 4, tzinfo=CET), line("L61", 1, "50.00", "toys"), shipments=(True, False)),
    order("O7", datetime(2026, 3, 5, tzinfo=CET), line("L71", 1, "50.00", "toys"), shipments=()),
]
RETURNS = [
    ReturnRecord(
        "O1",
        "refunded",
        (back("L11", 1, "size_fit", "refund", "8.33"), back("L12", 1, "defective", "exchange", "16.67")),
        received=True,
        refunded=D("8.33"),
        fees_charged=D("1.00"),
        label_cost=D("5.00"),
    ),
    ReturnRecord("O1", "kept", (back("L13", 1, "damaged_in_transit", "keep", "16.67"),), received=True),
    ReturnRecord(
        "O2",
        "store_credit",
        (back("L21", 1, "size_fit", "store_credit", "37.50"),),
        received=True,
        store_credit=D("37.50"),
        label_cost=D("4.50"),
    ),
    ReturnRecord(
        "O2",
        "rejected",
        (back("L21", 2, "changed_mind", "refund", "75.00"),),
        fees_charged=D("2.00"),
        label_cost=D("3.00"),
    ),
    ReturnRecord("O2", "open", (back("L21", 1, "size_fit", "refund", "37.50"),), received=True),
    # Returns of orders outside the cohort.
    ReturnRecord(
        "O4",
        "refunded",
        (back("L41", 1, "size_fit", "refund", "99.00"),),
        received=True,
        label_cost=D("7.00"),
    ),
    ReturnRecord("O4", "cancelled", (back("L41", 1, "size_fit", "refund", "99.00"),)),
    ReturnRecord("O5", "expired", (back("L51", 1, "size_fit", "refund", "50.00"),)),
    ReturnRecord("O6", "refunded", (back("L61", 1, "size_fit", "refund", "50.00"),), refunded=D("50.00")),
]


@pytest.fixture(scope="module")
def figures() -> dict[str, object]:
    return report(compute(ORDERS, RETURNS, MARCH, handling_cost_per_unit=HANDLING), "EUR")


def test_the_cohort_is_the_delivered_uncancelled_orders_placed_in_the_period_in_the_stores_time():
    assert [o.id for o in ORDERS if in_cohort(o, MARCH)] == ["O1", "O2", "O3"]
    # O4 was placed on 31 March in UTC, on 1 April in Paris.
    assert ORDERS[3].ordered_at.astimezone(UTC).date() == date(2026, 3, 31)


def test_the_totals(figures: dict[str, object]):
    assert figures["orders"] == 3
    assert figures["units"] == 9  # 4 + 2 + 3
    assert figures["value"] == "140.00"  # 50.00 + 75.00 + 15.00
    assert figures["returned_orders"] == 2  # O1 and O2
    assert figures["returned_units"] == 5  # R1 2, R2 1, R3 1, R5 1; R4 is void
    assert figures["returned_value"] == "116.67"  # 8.33 + 16.67 + 16.67 + 37.50 + 37.50
    assert figures["order_return_rate"] == "0.6667"  # 2/3
    assert figures["unit_return_rate"] == "0.5556"  # 5/9 = 0.5555…
    assert figures["value_return_rate"] == "0.8334"  # 116.67/140 = 0.83335…


def test_by_category_counts_each_categorys_own_lines_even_with_nothing_returned(figures: dict[str, object]):
    assert figures["by_category"] == {
        "apparel": {
            "orders": 2,
            "returned_orders": 2,
            "units": 4,
            "returned_units": 3,
            "value": "91.66",
            "returned_value": "83.33",
            "order_return_rate": "1.0000",
            "unit_return_rate": "0.7500",
            "value_return_rate": "0.9091",  # 83.33/91.66 = 0.90912…
        },
        "garden": {
            "orders": 1,
            "returned_orders": 0,
            "units": 3,
            "returned_units": 0,
            "value": "15.00",
            "returned_value": "0.00",
            "order_return_rate": "0.0000",
            "unit_return_rate": "0.0000",
            "value_return_rate": "0.0000",
        },
        "home": {
            "orders": 1,
            "returned_orders": 1,
            "units": 1,
            "returned_units": 1,
            "value": "16.67",
            "returned_value": "16.67",
            "order_return_rate": "1.0000",
            "unit_return_rate": "1.0000",
            "value_return_rate": "1.0000",
        },
        "shoes": {
            "orders": 1,
            "returned_orders": 1,
            "units": 1,
            "returned_units": 1,
            "value": "16.67",
            "returned_value": "16.67",
            "order_return_rate": "1.0000",
            "unit_return_rate": "1.0000",
            "value_return_rate": "1.0000",
        },
    }


def test_by_seller_names_the_store_itself_with_an_empty_code(figures: dict[str, object]):
    assert figures["by_seller"] == {
        "": {
            "orders": 2,  # O1 and O3
            "returned_orders": 1,
            "units": 6,
            "returned_units": 2,
            "value": "48.33",
            "returned_value": "25.00",
            "order_return_rate": "0.5000",
            "unit_return_rate": "0.3333",
            "value_return_rate": "0.5173",  # 25/48.33 = 0.51727…
        },
        "acme": {
            "orders": 2,
            "returned_orders": 2,
            "units": 3,
            "returned_units": 3,
            "value": "91.67",
            "returned_value": "91.67",
            "order_return_rate": "1.0000",
            "unit_return_rate": "1.0000",
            "value_return_rate": "1.0000",
        },
    }


def test_by_reason_lists_only_the_reasons_of_counted_units(figures: dict[str, object]):
    # changed_mind is only given by the void R4, and by returns of orders outside the cohort.
    assert figures["by_reason"] == {
        "damaged_in_transit": {"returned_units": 1, "returned_value": "16.67", "share": "0.2000"},
        "defective": {"returned_units": 1, "returned_value": "16.67", "share": "0.2000"},
        "size_fit": {"returned_units": 3, "returned_value": "83.33", "share": "0.6000"},
    }


def test_outcomes_cover_resolved_returns_by_line_resolution_with_every_key(figures: dict[str, object]):
    # R5 is open: not resolved, not an outcome.
    assert figures["outcomes"] == {
        "refund": "8.33",
        "store_credit": "37.50",
        "exchange": "16.67",
        "keep": "16.67",
        "repair": "0.00",
        "replacement": "0.00",
    }
    assert figures["retained_revenue_ratio"] == "0.6842"  # (37.50 + 16.67) / 79.17 = 0.68422…


def test_money_paid_and_costs(figures: dict[str, object]):
    assert figures["refunds_paid"] == "8.33"
    assert figures["store_credit_issued"] == "37.50"
    # Received units: R1's two (an exchange is sent back), R3's one, R5's one; R2's kept unit never
    # travels, received_at or not. 4 x 0.33375 = 1.335; net = 9.50 + 1.335 - 1.00 = 9.835, rounded once.
    assert figures["cost"] == {
        "labels": "9.50",
        "handling": "1.34",
        "fees_charged": "1.00",
        "net": "9.84",
        "net_per_return": "2.46",  # 9.835 / 4 = 2.45875
    }
    assert figures["void_returns"] == 1  # R4; the void returns of O4 and O5 are outside the cohort


def test_the_contract_object_has_exactly_the_contracts_keys(figures: dict[str, object]):
    assert list(figures) == [
        "orders",
        "units",
        "value",
        "returned_orders",
        "returned_units",
        "returned_value",
        "order_return_rate",
        "unit_return_rate",
        "value_return_rate",
        "by_category",
        "by_seller",
        "by_reason",
        "outcomes",
        "retained_revenue_ratio",
        "refunds_paid",
        "store_credit_issued",
        "cost",
        "void_returns",
    ]


def test_an_empty_period_reports_zeros_and_every_outcome():
    figures = report(compute([], [], MARCH), "EUR")
    assert figures["orders"] == 0
    assert figures["order_return_rate"] == "0.0000"
    assert figures["by_category"] == figures["by_seller"] == figures["by_reason"] == {}
    assert figures["outcomes"] == dict.fromkeys(
        ["refund", "store_credit", "exchange", "keep", "repair", "replacement"], "0.00"
    )
    assert figures["retained_revenue_ratio"] == "0.0000"
    assert figures["cost"] == dict.fromkeys(
        ["labels", "handling", "fees_charged", "net", "net_per_return"], "0.00"
    )


def test_ratios_round_half_up_exactly_and_money_to_the_currencys_unit():
    assert ratio(Fraction(2, 7)) == "0.2857"
    assert ratio(Fraction(1, 20000)) == "0.0001"  # 0.00005, half-up
    assert ratio(Fraction(1, 20001)) == "0.0000"
    figures = report(
        compute([order("J", datetime(2026, 3, 2, tzinfo=CET), line("J1", 1, "1001", "a"))], [], MARCH), "JPY"
    )
    assert figures["value"] == "1001"
