"""The cost of returns (issue 11, item 3) on a small store whose every figure is worked out here.

Rates: handling 1.50 a received unit, tracking 0.40 and insurance 0.10 + 1 % of the value per label,
payment fees 2 % of the money refunded + 0.25 per refund, recovery 60 % refurbished, 25 % liquidated,
0 % destroyed.

Cohort (March 2026): O1 with L1 (apparel, the store, 2 units, paid 100.00) and L2 (shoes, acme, 1 unit,
60.00); O2 with L3 (apparel, acme, 1 unit, 40.00). O3 is cancelled: outside the cohort.

- R1 (O1, refunded 107.00, received, labelled: label 5.00, fees 3.00): L1 x 1 size_fit refurbished
  (50.00), L2 x 1 defective destroyed (60.00). Labels 5.00, handling 2 x 1.50 = 3.00, tracking 0.40,
  insurance 0.10 + 1.10 = 1.20, payment fees 2.14 + 0.25 = 2.39, loss 50 x 0.40 + 60 x 1 = 80.00:
  91.99 less the 3.00 of fees, net 88.99. Each line carries half of the shared costs (one unit of two):
  L1 2.50 + 1.50 + 0.20 + 0.60 + 1.195 + 20 - 1.50 = 24.495; L2 the same with 60 of loss: 64.495.
- R2 (O2, store credit, not received, no label): L3 x 1 size_fit (40.00): costs nothing.
- R3 (O2, rejected): void, its label of 4.00 counts nowhere. R4 (O3): outside the cohort.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from retour.insights.domain import cost, metrics, rollup
from retour.insights.domain.metrics import Line, Order, Period, ReturnedLine, ReturnRecord

pytestmark = pytest.mark.unit

D = Decimal
PARIS = ZoneInfo("Europe/Paris")
MARCH = Period(date(2026, 3, 1), date(2026, 4, 1), PARIS)
RATES = cost.CostSettings(
    handling_per_unit=D("1.50"),
    tracking_per_label=D("0.40"),
    insurance_per_label=D("0.10"),
    insurance_share_of_value=D("0.01"),
    payment_fee_share=D("0.02"),
    payment_fee_per_refund=D("0.25"),
    recovery=MappingProxyType({"refurbish": D("0.60"), "liquidate": D("0.25"), "scrap": D(0)}),
)


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=PARIS)


ORDERS = [
    Order(
        1,
        _at(2),
        (Line(11, 2, D("100.00"), "apparel", ""), Line(12, 1, D("60.00"), "shoes", "acme")),
        False,
        (True,),
    ),
    Order(2, _at(9), (Line(21, 1, D("40.00"), "apparel", "acme"),), False, (True,)),
    Order(3, _at(10), (Line(31, 1, D("30.00"), "apparel", ""),), True, (True,)),
]
R1 = ReturnRecord(
    1,
    metrics.REFUNDED,
    (
        ReturnedLine(11, 1, "size_fit", "refund", D("50.00"), "refurbish"),
        ReturnedLine(12, 1, "defective", "refund", D("60.00"), "scrap"),
    ),
    received=True,
    refunded=D("107.00"),
    fees_charged=D("3.00"),
    label_cost=D("5.00"),
    labelled=True,
)
R2 = ReturnRecord(
    2,
    metrics.STORE_CREDIT,
    (ReturnedLine(21, 1, "size_fit", "store_credit", D("40.00")),),
    store_credit=D("40.00"),
)
R3 = ReturnRecord(
    2,
    metrics.REJECTED,
    (ReturnedLine(21, 1, "size_fit", "refund", D("40.00")),),
    label_cost=D("4.00"),
    labelled=True,
)
R4 = ReturnRecord(
    3, metrics.REFUNDED, (ReturnedLine(31, 1, "size_fit", "refund", D("30.00")),), received=True
)
RETURNS = [R1, R2, R3, R4]


def test_every_cost_of_a_return_is_counted_and_the_fees_shoppers_paid_are_taken_off():
    figures = cost.report(cost.compute(ORDERS, RETURNS, MARCH, RATES), "EUR")

    assert {key: figures[key] for key in ("returns", "units", "returned_value")} == {
        "returns": 2,
        "units": 3,
        "returned_value": "150.00",
    }
    assert {name: figures[name] for name in cost.COMPONENTS} == {
        "labels": "5.00",
        "handling": "3.00",
        "tracking": "0.40",
        "insurance": "1.20",
        "payment_fees": "2.39",
        "disposition_loss": "80.00",
        "fees_charged": "3.00",
    }
    assert figures["gross"] == "91.99"
    assert figures["net"] == "88.99"
    assert figures["net_per_return"] == "44.50"  # 44.495, half-up
    assert figures["net_per_unit"] == "29.66"  # 29.6633...
    assert figures["share_of_value"] == "0.5933"  # 88.99 / 150


def test_a_lines_share_of_its_returns_costs_follows_its_units_in_each_breakdown():
    figures = cost.report(cost.compute(ORDERS, RETURNS, MARCH, RATES), "EUR")
    by_category = figures["by_category"]
    assert isinstance(by_category, dict)
    apparel, shoes = by_category["apparel"], by_category["shoes"]
    assert (apparel["returns"], apparel["units"], apparel["returned_value"]) == (2, 2, "90.00")
    assert (apparel["net"], apparel["net_per_return"], apparel["share_of_value"]) == (
        "24.50",
        "12.25",
        "0.2722",
    )
    assert (shoes["returns"], shoes["net"], shoes["share_of_value"]) == (1, "64.50", "1.0749")
    by_seller = figures["by_seller"]
    assert isinstance(by_seller, dict)
    assert (by_seller[""]["net"], by_seller["acme"]["returns"], by_seller["acme"]["net"]) == (
        "24.50",
        2,
        "64.50",
    )
    assert by_seller["acme"]["share_of_value"] == "0.6450"  # 64.495 / 100
    by_reason = figures["by_reason"]
    assert isinstance(by_reason, dict)
    assert (by_reason["size_fit"]["net"], by_reason["defective"]["net"]) == ("24.50", "64.50")
    assert figures["by_disposition"] == {
        "refurbish": {"units": 1, "returned_value": "50.00", "loss": "20.00"},
        "scrap": {"units": 1, "returned_value": "60.00", "loss": "60.00"},
    }


def test_a_sellers_filter_keeps_its_lines_and_the_returns_that_touch_them():
    only_acme = cost.compute(ORDERS, RETURNS, MARCH, RATES, only=lambda line: line.seller == "acme")
    figures = cost.report(only_acme, "EUR")
    assert (figures["returns"], figures["units"], figures["net"]) == (2, 2, "64.50")


def test_with_the_new_settings_at_their_defaults_the_net_cost_is_the_specs():
    rates = cost.CostSettings(handling_per_unit=D("1.50"))
    ours = cost.report(cost.compute(ORDERS, RETURNS, MARCH, rates), "EUR")
    spec = metrics.report(metrics.compute(ORDERS, RETURNS, MARCH, handling_cost_per_unit=D("1.50")), "EUR")
    spec_cost = spec["cost"]
    assert isinstance(spec_cost, dict)
    assert (ours["labels"], ours["handling"], ours["fees_charged"]) == (
        spec_cost["labels"],
        spec_cost["handling"],
        spec_cost["fees_charged"],
    )
    assert (ours["net"], ours["net_per_return"]) == (spec_cost["net"], spec_cost["net_per_return"])
    assert cost.net_per_return(cost.compute(ORDERS, RETURNS, MARCH, rates), "EUR") == D("2.50")


def test_payment_fees_are_owed_only_on_money_refunded_to_a_payment():
    rates = cost.CostSettings(payment_fee_share=D("0.02"), payment_fee_per_refund=D("0.25"))
    credited = cost.return_costs(R2, rates)
    assert all("payment_fees" not in part for part in credited)
    refunded = cost.return_costs(R1, rates)
    assert sum(cost.Fraction(*part["payment_fees"]) for part in refunded) * cost.Fraction(1, cost.SCALE) == D(
        "2.39"
    )


def test_a_cost_shared_in_thirds_is_kept_exact_and_sums_back_to_the_whole():
    order = Order(9, _at(3), tuple(Line(90 + n, 1, D("10.00"), f"c{n}") for n in range(3)), False, (True,))
    record = ReturnRecord(
        9,
        metrics.REFUNDED,
        tuple(ReturnedLine(90 + n, 1, "size_fit", "refund", D("10.00")) for n in range(3)),
        label_cost=D("10.00"),
        labelled=True,
    )
    costs = cost.compute([order], [record], MARCH, cost.CostSettings())
    assert costs.total.labels == 10
    assert [costs.by_category[f"c{n}"].labels for n in range(3)] == [cost.Fraction(10, 3)] * 3
    assert cost.report(costs, "EUR")["by_category"]["c0"]["labels"] == "3.33"  # type: ignore[index]


def test_restocked_and_unknown_dispositions_lose_nothing():
    assert RATES.recovery_of("restock") == 1
    assert RATES.recovery_of("") == 1
    assert RATES.recovery_of("liquidate") == D("0.25")


def test_no_returns_cost_nothing_and_divide_by_nothing():
    figures = cost.report(cost.compute(ORDERS, [], MARCH, RATES), "EUR")
    assert (
        figures["net"],
        figures["net_per_return"],
        figures["net_per_unit"],
        figures["share_of_value"],
    ) == (
        "0.00",
        "0.00",
        "0.00",
        "0.0000",
    )


def _from_rollup(orders: list[Order], returns: list[ReturnRecord]) -> dict[str, object]:
    """The cost report made from the rollup's cells alone, as the cost page reads them: per slice its
    ``total``, ``cost`` (per return size) and ``disposition`` cells; per reason the ``cost_reason`` cells."""
    cells = rollup.build(orders, returns, PARIS, {}, {})

    def summed(dimension: str, level: int, by: str) -> dict[str, dict[str, rollup.Cell]]:
        found: dict[str, dict[str, rollup.Cell]] = {}
        for key, cell in cells.items():
            if key.dimension == dimension and key.level == level:
                group = found.setdefault(getattr(key, by), {})
                group.setdefault(key.key, rollup.Cell()).add(cell)
        return found

    def slices(level: int, by: str) -> dict[str, cost.CostCounts]:
        shared, lost = summed(rollup.COST, level, by), summed(rollup.DISPOSITION, level, by)
        found = {}
        for group, keys in summed(rollup.TOTAL, level, by).items():
            whole = rollup.total(keys.values())
            if whole.returns:
                found[group] = cost.slice_costs(
                    RATES,
                    returns=whole.returns,
                    units=whole.returned_units,
                    value=whole.returned_value,
                    received_units=whole.received_units,
                    shared={int(n): c for n, c in shared.get(group, {}).items()},
                    dispositions={d: c.returned_value for d, c in lost.get(group, {}).items()},
                )
        return found

    dispositions = summed(rollup.DISPOSITION, rollup.ALL, "category").get("", {})
    costs = cost.Costs(
        total=slices(rollup.ALL, "category")[""],
        by_category=slices(rollup.CATEGORY, "category"),
        by_seller=slices(rollup.SELLER, "seller"),
        by_reason=cost.reason_costs(summed(rollup.COST_REASON, rollup.ALL, "category").get("", {}), RATES),
        by_disposition=cost.disposition_costs(
            {key: (c.returned_units, c.returned_value) for key, c in dispositions.items()}, RATES
        ),
    )
    return cost.report(costs, "EUR")


def test_the_rollups_cost_cells_give_every_figure_of_the_returns_themselves():
    from_rows = cost.report(cost.compute(ORDERS, RETURNS, MARCH, RATES), "EUR")
    rolled = _from_rollup(ORDERS, RETURNS)
    assert rolled["net"] == "88.99"
    assert rolled == from_rows


def test_a_cost_shared_in_thirds_is_the_same_from_the_rollup():
    orders = [
        Order(
            1,
            _at(2),
            (Line(11, 1, D("10.00"), "apparel", ""), Line(12, 2, D("20.00"), "home", "acme")),
            False,
            (True,),
        )
    ]
    returns = [
        ReturnRecord(
            1,
            metrics.REFUNDED,
            (
                ReturnedLine(11, 1, "size_fit", "refund", D("10.00")),
                ReturnedLine(12, 2, "defective", "refund", D("20.00"), "liquidate"),
            ),
            received=True,
            refunded=D("30.01"),
            fees_charged=D("1.00"),
            label_cost=D("4.01"),
            labelled=True,
        )
    ]
    assert _from_rollup(orders, returns) == cost.report(cost.compute(orders, returns, MARCH, RATES), "EUR")
