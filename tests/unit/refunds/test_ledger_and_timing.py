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
    refund_due_by,
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


KINDS = ["promised", "bonus", "used", "settle", "failed", "seller", "label", "charge", "gift", "withdrawn"]


@given(st.lists(st.tuples(st.sampled_from(KINDS), cents, cents), max_size=30))
def test_any_sequence_of_transactions_keeps_the_trial_balance_at_zero(operations):
    builders = {
        "promised": lambda amount, shipping: ledger.refund_promised(amount, shipping, min(amount, shipping)),
        "bonus": lambda amount, _other: ledger.store_credit_bonus(amount),
        "used": lambda amount, _other: ledger.store_credit_used(amount),
        "settle": lambda amount, _other: ledger.settle_payable(amount, paid_to=ledger.GIFT_CARD_LIABILITY),
        "failed": lambda amount, _other: ledger.refund_failed(amount),
        "seller": lambda amount, _other: ledger.seller_charged_back(amount),
        "label": lambda amount, _other: ledger.label_cost(amount),
        "charge": lambda amount, _other: ledger.charge_collected(amount),
        "gift": lambda amount, _other: ledger.gift_card_used(amount),
        "withdrawn": lambda amount, other: ledger.closing(
            "x",
            {ledger.FEE_INCOME: -amount, ledger.SHIPPING_COST: other, ledger.SALES_RETURNS: amount - other},
        ),
    }
    made = [builders[kind](amount, other) for kind, amount, other in operations]
    assert all(total.amount == 0 for total in ledger.trial_balance(made).values())


def test_a_refund_is_promised_in_refunds_payable_and_settled_tender_by_tender():
    promise = ledger.refund_promised(eur("100.00"), eur("4.90"), eur("4.95"))
    owed = ledger.balances([promise])
    assert owed[ledger.REFUNDS_PAYABLE] == eur("-99.95")  # 100 + 4.90 shipping - 4.95 fee
    assert owed[ledger.SHIPPING_COST] == eur("4.90")  # the outbound shipping paid back is a cost
    assert owed[ledger.FEE_INCOME] == eur("-4.95")
    paid = [
        promise,
        ledger.settle_payable(eur("20.00"), paid_to=ledger.GIFT_CARD_LIABILITY),
        ledger.settle_payable(eur("79.95")),
    ]
    after = ledger.balances(paid)
    assert after[ledger.REFUNDS_PAYABLE] == eur("0")
    assert after[ledger.GIFT_CARD_LIABILITY] == eur("-20.00")
    assert after[ledger.PAYMENT_CLEARING] == eur("-79.95")


def test_a_promise_whose_tenders_all_failed_is_closed_out_to_zero():
    made = [
        ledger.refund_promised(eur("50.00"), eur("4.90"), eur("4.95")),
        ledger.refund_failed(eur("49.95")),
    ]
    made.append(ledger.closing("refund withdrawn", ledger.balances(made)))
    assert all(amount == eur("0") for amount in ledger.balances(made).values())


def test_nothing_to_post_makes_an_empty_transaction():
    assert ledger.refund_promised(eur("0"), eur("0"), eur("0")).postings == ()


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


def test_the_trader_may_hold_the_refund_until_the_goods_or_proof_of_sending_arrive():
    deadline = legal_refund_deadline(date(2026, 11, 2))
    assert refund_due_by(deadline, None) is None  # nothing back, nothing sent: it may wait
    assert refund_due_by(deadline, date(2026, 11, 5)) == date(2026, 11, 16)  # back early: 14 days hold
    assert refund_due_by(deadline, date(2026, 11, 20)) == date(2026, 11, 20)  # back late: due at once
    collected = legal_refund_deadline(date(2026, 11, 2), trader_collects=True)
    assert not collected.may_wait_for_goods
    assert refund_due_by(collected, None) == date(2026, 11, 16)


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
