"""The refund forecast's maths on hand-computed cases (insights.domain.forecast)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from retour.insights.domain.forecast import (
    RECEIVED,
    REQUESTED,
    Backtest,
    History,
    ReturnFact,
    Settings,
    SoldLine,
    backtest,
    forecast,
    origins,
    wape,
)

T = date(2026, 6, 1)  # a Monday: the forecasts' origin


def day(offset: int) -> date:
    return T + timedelta(days=offset)


def line(
    key: int, offset_delivered: int, category: str = "apparel", value: str = "100", transit: int = 3
) -> SoldLine:
    return SoldLine(key, category, Decimal(value), day(offset_delivered - transit), day(offset_delivered))


def paid_return(
    key: int | None,
    requested: int,
    paid_after: int,
    refunded: str,
    value: str = "100",
    category: str = "apparel",
) -> ReturnFact:
    return ReturnFact(
        key,
        category,
        Decimal(value),
        day(requested),
        ended_on=day(requested + paid_after),
        paid_on=day(requested + paid_after),
        refunded=Decimal(refunded),
    )


def test_wape_is_the_absolute_errors_over_what_was_paid():
    assert wape([(110.0, 100.0), (90.0, 100.0)]) == pytest.approx(0.1)
    assert wape([(0.0, 50.0), (50.0, 50.0)]) == pytest.approx(0.5)


def test_wape_is_none_with_nothing_to_compare_or_nothing_paid():
    assert wape([]) is None
    assert wape([(10.0, 0.0)]) is None


def test_the_backtest_origins_are_the_26_mondays_before_this_week():
    found = origins(date(2026, 12, 6))  # a Sunday: its week began on Monday 30 November
    assert len(found) == 26
    assert found[0] == date(2026, 6, 1)
    assert found[-1] == date(2026, 11, 23)
    assert all(origin.weekday() == 0 for origin in found)


def test_an_open_return_without_history_is_paid_when_the_eta_model_says_at_the_default_share():
    # Asked for 3 days ago; the ETA model's delay for a return not received yet is 10 days: 7 days from now,
    # the second week. Nothing ended yet: 75 % of its value is expected in cash, and it is certain.
    opened = ReturnFact(None, "apparel", Decimal(100), day(-3))
    made = forecast(History([], [opened]), T)
    assert [round(week.pipeline, 6) for week in made.weeks[:3]] == [0.0, 75.0, 0.0]
    assert made.weeks[1].low == pytest.approx(75.0)
    assert made.weeks[1].high == pytest.approx(75.0)
    assert made.total(12) == pytest.approx(75.0)


def test_an_open_return_is_expected_as_returns_still_open_at_its_age_were_paid():
    # Learnt from four returns asked for 100 days ago, 100 each: two paid 80 after 10 days, one paid 100
    # after 20 days, one rejected after 2 days. Still open after 5 days: the three paid (260 of 300), paid
    # 10, 10 and 20 days after the request.
    learnt = [
        paid_return(None, -100, 10, "80"),
        paid_return(None, -100, 10, "80"),
        paid_return(None, -100, 20, "100"),
        ReturnFact(None, "apparel", Decimal(100), day(-100), ended_on=day(-98)),
    ]
    opened = ReturnFact(None, "apparel", Decimal(60), day(-5))
    made = forecast(History([], [*learnt, opened]), T, Settings(min_history=2))
    expected = 60 * 260 / 300  # 52
    # Paid 5 more days on (2 chances in 3: the first week) or 15 (1 in 3: the third week).
    assert made.weeks[0].pipeline == pytest.approx(expected * 2 / 3)
    assert made.weeks[1].pipeline == pytest.approx(0.0)
    assert made.weeks[2].pipeline == pytest.approx(expected / 3)
    # Paid (surely) in one week or the other: a Bernoulli variance of (q - q^2) A^2 in each.
    sigma = (2 / 9 * expected**2) ** 0.5
    assert made.weeks[0].sigma == pytest.approx(sigma)
    assert made.weeks[2].high == pytest.approx(expected / 3 + 1.645 * sigma)


def test_return_rates_by_category_are_shrunk_towards_the_stores():
    # Delivered 100 days ago, their window closed: two apparel lines (one came back), one book line.
    lines = [line(1, -100), line(2, -100), line(3, -100, category="books")]
    returns = [paid_return(1, -99, 3, "100")]
    made = forecast(History(lines, returns), T, Settings(rate_prior_value=100.0))
    store = 100 / 300
    assert made.return_rates["apparel"] == pytest.approx((100 + 100 * store) / (200 + 100))
    assert made.return_rates["books"] == pytest.approx((0 + 100 * store) / (100 + 100))
    assert forecast(History(lines, returns), T, Settings(rate_prior_value=0.0)).return_rates == {
        "apparel": pytest.approx(0.5),
        "books": pytest.approx(0.0),
    }


def _store_with_a_delivered_line() -> History:
    # Ten apparel lines delivered 100 days ago, 100 each: two came back, 0 and 1 day after delivery, and
    # were paid in full 3 days after the request. So r = 0.2, f(0) = f(1) = 0.5, all cash, 3 days.
    lines = [line(key, -100) for key in range(1, 11)]
    returns = [paid_return(1, -100, 3, "100"), paid_return(2, -99, 3, "100")]
    # Delivered yesterday (ordered 3 days ago), not returned yet.
    lines.append(line(11, -1, transit=2))
    return History(lines, returns)


def test_a_delivered_line_comes_back_with_the_chance_left_at_its_age():
    made = forecast(_store_with_a_delivered_line(), T, Settings(rate_prior_value=0.0, min_history=2))
    # One day after delivery, not back yet: asked for today with r f(1) / (1 - r F(1)) = 0.1 / 0.9, then
    # paid in full 3 days later: in the first week.
    assert made.weeks[0].coming == pytest.approx(100 * 0.1 / 0.9)
    assert sum(week.coming for week in made.weeks[1:]) == pytest.approx(0.0)


def test_orders_still_to_be_placed_come_back_at_the_rate_learnt():
    made = forecast(_store_with_a_delivered_line(), T, Settings(rate_prior_value=0.0, min_history=2))
    # Sales: the one line ordered in the last 28 days, 100/28 a day, delivered 3 days after the order
    # (the median), asked back 0 or 1 day after delivery (r = 0.2), paid 3 days later: requests on days
    # 3.. (half) and 4.. (half), paid by day 83 for those asked by day 80.
    assert sum(week.new_orders for week in made.weeks) == pytest.approx(
        0.2 * 100 / 28 * (0.5 * 78 + 0.5 * 77)
    )
    assert made.weeks[0].sales == pytest.approx(100 / 28 * 7)


def test_nothing_dated_on_or_after_the_origin_changes_the_forecast():
    history = _store_with_a_delivered_line()
    lines = [line(key, -100) for key in range(1, 11)] + [line(11, -1, transit=2)]
    returns = [paid_return(1, -100, 3, "100"), paid_return(2, -99, 3, "100")]
    later = History(
        [*lines, line(12, 5), SoldLine(13, "books", Decimal(40), day(0))],
        [
            *returns,
            paid_return(11, 0, 3, "100"),  # the delivered line, asked back today
            ReturnFact(12, "apparel", Decimal(100), day(5)),
        ],
    )
    settings = Settings(rate_prior_value=0.0, min_history=2)
    assert forecast(later, T, settings).weeks == forecast(history, T, settings).weeks


def test_the_backtest_compares_each_weeks_forecast_with_what_was_then_paid():
    returns = [paid_return(None, offset, 3, "50") for offset in range(-200, 40, 2)]
    history = History([], returns)
    result = backtest(history, day(27), weeks=4, horizons=(1, 2), settings=Settings(min_history=2))
    assert isinstance(result, Backtest)
    ones = [row for row in result.rows if row.horizon == 1]
    assert [row.origin for row in ones] == [day(-7), day(0), day(7), day(14)]
    for row in ones:
        assert row.actual == history.paid(row.origin, row.origin + timedelta(weeks=1))
    twos = [row for row in result.rows if row.horizon == 2]
    assert [row.origin for row in twos] == [day(-7), day(0), day(7)]  # the last one's second week is not over
    assert result.wape[1] == pytest.approx(
        sum(abs(row.forecast - row.actual) for row in ones) / sum(row.actual for row in ones)
    )


def test_the_paid_cash_counts_refunds_by_the_day_they_were_paid():
    history = History([], [paid_return(None, -10, 3, "30"), paid_return(None, -10, 10, "20")])
    assert history.paid(day(-7), day(-6)) == pytest.approx(30.0)
    assert history.paid(day(-7), day(1)) == pytest.approx(50.0)
    assert history.paid(day(1), day(7)) == 0.0


def test_a_new_return_is_paid_after_the_delay_learnt_from_requests():
    # With history, the delay of the requested stage is learnt (3 days), not the ETA model's.
    learnt = [paid_return(None, -100 + n, 3, "100") for n in range(3)]
    opened = ReturnFact(None, "apparel", Decimal(100), day(-1))
    made = forecast(
        History([], [*learnt, opened]), T, Settings(min_history=2, eta_days={REQUESTED: 30, RECEIVED: 3})
    )
    assert made.weeks[0].pipeline == pytest.approx(100.0)
