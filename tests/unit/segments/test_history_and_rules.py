"""Customer figures and named segments, computed from records (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from retour.segments.domain import rules
from retour.segments.domain.history import OrderRecord, ReturnRecord, figures

DAY = date(2026, 6, 1)


def _order(days_before: int, units: int = 1, value: str = "100") -> OrderRecord:
    return OrderRecord(DAY - timedelta(days=days_before), units, Decimal(value))


def _return(days_before: int, units: int = 1, value: str = "100") -> ReturnRecord:
    return ReturnRecord(DAY - timedelta(days=days_before), units, Decimal(value))


def test_figures_count_the_365_days_before_the_day_and_never_the_day_itself_or_after() -> None:
    orders = [_order(400), _order(200, 2, "300"), _order(10), _order(0, 5, "900"), _order(-3)]
    returns = [_return(5, 1, "100"), _return(0), _return(-1)]
    found = figures(orders, returns, DAY)
    assert found.orders_total == 3
    assert found.orders_365d == 2
    assert found.units_365d == 3
    assert found.returns_365d == 1
    assert found.return_rate_units == Decimal("33.3")
    assert found.return_rate_value == Decimal("25.0")
    assert found.net_spend_365d == Decimal("300.00")
    assert found.recency_days == 10
    assert found.tenure_days == 400


def test_a_customer_without_orders_has_rates_of_zero_and_no_rfm() -> None:
    found = figures([], [], DAY)
    assert found.return_rate_units == 0
    assert found.rfm_code == "R0F0M0"
    assert found.recency_days is None


def test_the_rate_is_capped_at_one_hundred_and_rfm_scores_rise_with_recency_frequency_and_value() -> None:
    orders = [_order(days, 1, "400") for days in (3, 20, 40, 60, 80, 100, 120, 140, 160, 180)]
    found = figures(orders, [_return(2, 30, "10")], DAY)
    assert found.return_rate_units == 100
    assert found.rfm_code == "R5F5M5"


def test_the_default_rules_name_serial_returners_before_vips() -> None:
    orders = [_order(days, 2, "800") for days in (20, 50, 80, 110)]
    returns = [_return(days, 2, "800") for days in (15, 45, 75, 100)]
    serial = figures(orders, returns, DAY)
    assert rules.segment_of(rules.DEFAULT_RULES, serial) == "serial_returner"
    vip = figures(orders, [], DAY)
    assert rules.segment_of(rules.DEFAULT_RULES, vip) == "vip"


@pytest.mark.parametrize(
    ("orders", "segment"),
    [
        ([_order(30)], "new"),
        ([_order(200), _order(300)], "at_risk"),
        ([_order(100), _order(120), _order(150)], "loyal"),
        ([_order(120)], ""),
    ],
)
def test_each_default_segment(orders: list[OrderRecord], segment: str) -> None:
    assert rules.segment_of(rules.DEFAULT_RULES, figures(orders, [], DAY)) == segment


def test_rules_a_store_writes_are_read_back_as_written() -> None:
    data = [{"name": "big", "label_en": "big", "label_fr": "gros", "when": {"net_spend_365d": {"min": "50"}}}]
    parsed = rules.parse(data)
    assert [rule.as_json() for rule in parsed] == data
    assert parsed[0].label("fr") == "gros"


def test_bad_rules_are_refused_with_every_problem() -> None:
    data = [
        {"name": "Bad Name", "when": {"orders_365d": {"min": 1}}},
        {"name": "ok", "when": {"height": {"min": 1}}},
        {"name": "ok", "when": {"orders_365d": {"min": 5, "max": 2}}},
        {"name": "x", "when": {"orders_365d": {"min": "many"}}},
        {"name": "y", "when": {}},
    ]
    with pytest.raises(rules.RulesInvalid) as error:
        rules.parse(data)
    wheres = [problem.where for problem in error.value.problems]
    assert wheres == [
        "rules[0].name",
        "rules[1].when.height",
        "rules[2].name",
        "rules[2].when.orders_365d",
        "rules[3].when.orders_365d.min",
        "rules[4].when",
    ]
    with pytest.raises(rules.RulesInvalid):
        rules.parse({"name": "vip"})
