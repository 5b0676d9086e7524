"""The ledger always balances; refund dates on business days; the French late-refund surcharge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.core.money import Money
from retour.refunds.domain import ledger
from retour.refunds.domain.timing import (
    add_business_days,
    expected_refund_date,
    france_late_refund_surcharge,
    legal_refund_deadline,
    surcharge_schedule,
)

RATE = Decimal("6.00")


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def test_an_unbalanced_transaction_cannot_be_made():
    with pytest.raises(ledger.Unbalanced):
        ledger.Transaction("bad", (ledger.Posting(ledger.SALES_RETURNS, eur("1"), eur("0")),))
    with pytest.raises(ledger.Unbalanced):
        ledger.Transaction(
            "mixed",
            (
                ledger.Posting(ledger.SALES_RETURNS, eur("1"), eur("0")),
                ledger.Posting(ledger.FEE_INCOME, Money.of("0", "USD"), Money.of("1", "USD")),
            ),
        )


cents = st.integers(0, 10_000_000).map(lambda c: Money.from_minor(c, "EUR"))


@given(
    st.lists(
        st.tuples(st.sampled_from(["refund", "bonus", "used", "settle", "seller"]), cents, cents), max_size=30
    )
)
def test_any_sequence_of_transactions_keeps_the_trial_balance_at_zero(operations):
    builders = {
        "refund": ledger.refund,
        "bonus": lambda amount, _fees: ledger.store_credit_bonus(amount),
        "used": lambda amount, _fees: ledger.store_credit_used(amount),
        "settle": lambda amount, _fees: ledger.settle_payable(amount),
        "seller": lambda amount, _fees: ledger.seller_charged_back(amount),
    }
    made = [builders[kind](amount, fees) for kind, amount, fees in operations]
    assert all(total.amount == 0 for total in ledger.trial_balance(made).values())


def test_card_refunds_arrive_in_business_days_skipping_french_and_german_holidays():
    # Friday 24 December 2027: Christmas Saturday; in Germany 26 December is a holiday too (Sunday).
    assert add_business_days(date(2026, 12, 24), 1, "FR") == date(2026, 12, 28)  # 25 Dec is a holiday
    assert add_business_days(date(2026, 5, 13), 1, "FR") == date(2026, 5, 15)  # Ascension, 14 May 2026
    assert add_business_days(date(2026, 10, 2), 1, "DE") == date(2026, 10, 5)  # 3 Oct (Sat) then Monday
    assert add_business_days(date(2026, 10, 2), 1, "FR") == date(2026, 10, 5)
    assert add_business_days(date(2026, 12, 24), 1, "DE") == date(2026, 12, 28)  # 25 and 26 Dec
    expected = expected_refund_date("stripe", date(2026, 11, 23), "FR")
    assert (expected.earliest, expected.latest) == (date(2026, 11, 30), date(2026, 12, 7))
    assert expected_refund_date("store_credit", date(2026, 11, 23), "DE").latest == date(2026, 11, 23)


def test_eu_withdrawal_refund_is_due_14_days_after_the_notice():
    deadline = legal_refund_deadline(date(2026, 11, 2))
    assert deadline.due == date(2026, 11, 16)
    assert deadline.may_wait_for_goods


@pytest.mark.parametrize(
    ("days_late", "rule", "percent", "amount"),
    [
        (0, "none", "0", "0"),
        (10, "legal_interest", "6.00", "1.64"),  # 1000 x 6 % x 10/365
        (11, "percent", "5", "50.00"),
        (20, "percent", "5", "50.00"),
        (21, "percent", "10", "100.00"),
        (31, "percent", "20", "200.00"),
        (61, "percent", "50", "500.00"),
        (90, "percent", "50", "500.00"),
        (91, "percent", "55", "550.00"),
        (121, "percent", "60", "600.00"),
        (2000, "percent", "370", "1000.00"),  # never more than the price
    ],
)
def test_france_late_refund_surcharge_l242_4(days_late, rule, percent, amount):
    due = date(2026, 1, 1)
    paid = date.fromordinal(due.toordinal() + days_late)
    result = france_late_refund_surcharge(eur("1000.00"), due, paid, legal_rate=RATE)
    assert (result.rule, result.amount) == (rule, eur(amount))
    assert result.percent == Decimal(percent)


def test_the_schedule_shows_staff_each_step_before_it_is_owed():
    steps = surcharge_schedule(eur("200.00"), date(2026, 3, 1), legal_rate=RATE)
    assert steps[0][0] == date(2026, 3, 2)
    assert [s.rule for _day, s in steps][:2] == ["legal_interest", "percent"]
    assert [s.amount for _day, s in steps][1:5] == [eur("10.00"), eur("20.00"), eur("40.00"), eur("100.00")]


def test_a_country_the_holiday_calendar_does_not_cover_counts_weekends_only():
    # Friday 25 December 2026: a holiday in France, a business day where no calendar is known.
    assert add_business_days(date(2026, 12, 24), 1, "AC") == date(2026, 12, 25)  # Ascension: no calendar
    assert add_business_days(date(2026, 12, 24), 1, "FR") == date(2026, 12, 28)
