"""The simulator's arithmetic, without a database: groups of past requests summed into a report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from retour.catalog.models import Store
from retour.policies import services, simulation
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Text
from retour.policies.simulation import Recorded, Replay, aggregate

pytestmark = pytest.mark.unit

EXPLAIN = Text("", "")


def decision(
    code: str = "standard",
    *,
    eligible: bool = True,
    currency: str = "EUR",
    refund: str = "35.05",
    fee: str = "4.95",
    credit: str = "38.56",
    resolutions: tuple[str, ...] = ("refund", "store_credit", "exchange"),
    rule: str | None = None,
) -> Decision:
    zero = Decimal(0)
    return Decision(
        eligible=eligible,
        code=code,
        refund_percent=100 if eligible else 0,
        currency=currency,
        item_refund=Decimal(refund) + Decimal(fee) if eligible else zero,
        fees=(("return_shipping", Decimal(fee)),) if eligible else (),
        refund_amount=Decimal(refund) if eligible else zero,
        store_credit_amount=Decimal(credit) if eligible else zero,
        keep_item=False,
        legal_basis=None,
        resolutions=resolutions if eligible else (),
        approval="auto",
        photo_required=False,
        return_methods=("label",),
        policy="test",
        trace=(rule or code,),
        explain=EXPLAIN,
    )


REFUSED = decision("window_expired", eligible=False, rule="too-late")


def facts(currency: str = "EUR", country: str = "FR") -> Facts:
    return Facts(
        country=country,
        currency=currency,
        category="apparel",
        unit_price=Decimal("40.00"),
        quantity=1,
        ordered_at=date(2026, 1, 2),
        delivered_at=date(2026, 1, 5),
        requested_at=date(2026, 1, 20),
        condition="unopened",
        reason="changed_mind",
    )


def replay(count: int, active: Decision, draft: Decision, *, request_id: int = 1, **kwargs: Any) -> Replay:
    recorded = Recorded(
        eligible=active.eligible,
        refund_amount=active.refund_amount,
        fees=active.fees_total,
        store_credit_amount=active.store_credit_amount,
        store_credit_offered="store_credit" in active.resolutions,
    )
    return Replay(count, request_id, facts(active.currency, **kwargs), recorded, active, draft)


def test_counts_approvals_and_refusals_under_each_policy_and_as_recorded():
    report = aggregate(
        [
            replay(5, decision(), decision()),
            replay(3, decision(), REFUSED),
            replay(2, REFUSED, REFUSED),
        ]
    )

    assert report.requests == 10
    assert report.decided == 3  # groups, each decided once
    assert (report.active.approved, report.active.refused) == (8, 2)
    assert (report.draft.approved, report.draft.refused) == (5, 5)
    assert (report.recorded.approved, report.recorded.refused) == (8, 2)


def test_sums_money_per_currency_and_never_across_currencies():
    report = aggregate(
        [
            replay(2, decision(), decision(refund="30.05", fee="5.95", credit="34.56")),
            replay(3, decision(currency="GBP", refund="36.05", fee="3.95", credit="39.66"), REFUSED),
        ]
    )

    assert report.currencies == ["EUR", "GBP"]
    eur, gbp = report.active.money["EUR"], report.active.money["GBP"]
    assert (eur.refunds, eur.fees, eur.store_credit) == (Decimal("70.10"), Decimal("9.90"), Decimal("77.12"))
    assert (gbp.refunds, gbp.fees, gbp.store_credit) == (
        Decimal("108.15"),
        Decimal("11.85"),
        Decimal("118.98"),
    )
    assert report.draft.money["EUR"].refunds == Decimal("60.10")
    assert "GBP" not in report.draft.money  # refused under the draft: nothing paid in pounds


def test_store_credit_counts_only_where_it_is_offered():
    refund_only = decision("legal_withdrawal", resolutions=("refund",), credit="38.56")
    report = aggregate([replay(4, decision(), refund_only), replay(1, REFUSED, REFUSED)])

    assert report.active.store_credit_offered == 4
    assert report.active.store_credit_share == 1.0
    assert report.draft.store_credit_offered == 0
    assert report.draft.money["EUR"].store_credit == 0
    assert report.draft.store_credit_share == 0.0


def test_changes_are_counted_by_kind():
    report = aggregate(
        [
            replay(7, decision(), decision()),  # unchanged
            replay(3, decision(), REFUSED),  # now refused
            replay(2, REFUSED, decision()),  # now approved
            replay(4, decision(), decision(refund="30.05", fee="5.95")),  # lower refund
            replay(1, decision(refund="30.05"), decision(refund="35.05")),  # higher refund
            replay(6, decision(), decision("late_return")),  # the code alone changed
        ]
    )

    changes = report.changes
    assert changes.total == 3 + 2 + 4 + 1 + 6
    assert (changes.now_refused, changes.now_approved) == (3, 2)
    assert (changes.refund_lower, changes.refund_higher) == (4, 1)


def test_rule_changes_come_most_outcomes_first():
    report = aggregate(
        [
            replay(2, decision(rule="standard"), REFUSED, request_id=1),
            replay(9, decision(rule="standard"), decision("x", refund="1.00", rule="standard"), request_id=2),
            replay(4, decision(rule="eu-withdrawal"), REFUSED, request_id=3),
            replay(3, decision(rule="standard"), REFUSED, request_id=4),
        ]
    )

    ranked = [(change.active_rule, change.draft_rule, change.count) for change in report.rules]
    assert ranked == [
        ("standard", "standard", 9),
        ("standard", "too-late", 5),
        ("eu-withdrawal", "too-late", 4),
    ]
    assert [example.request_id for example in report.rules[1].examples] == [4, 1]  # most alike first


def test_examples_are_capped_and_the_biggest_groups_are_shown():
    groups = [replay(count, decision(), REFUSED, request_id=count) for count in range(1, 8)]
    report = aggregate(groups)

    (change,) = report.rules
    assert change.count == sum(range(1, 8))
    assert [example.request_id for example in change.examples] == [7, 6, 5]
    assert all(example.draft.code == "window_expired" for example in change.examples)
    assert len(aggregate(groups, examples=1).rules[0].examples) == 1


def test_rule_changes_beyond_the_top_are_summed():
    groups = [replay(10 - index, decision(rule=f"rule-{index}"), REFUSED) for index in range(5)]
    report = aggregate(groups, top=2)

    assert [change.active_rule for change in report.rules] == ["rule-0", "rule-1"]
    assert report.other_rule_changes == 8 + 7 + 6


def test_the_json_report_has_amounts_in_each_currency_minor_unit():
    report = aggregate([replay(2, decision(), decision(refund="30.0500", fee="5.9500", credit="34.5600"))])
    data = report.as_dict()

    assert set(data) >= {"requests", "decided", "recorded", "active", "draft", "changes", "rules"}
    assert data["draft"]["money"] == {"EUR": {"refunds": "60.10", "fees": "11.90", "store_credit": "69.12"}}
    assert data["changes"]["refund_lower"] == 2
    (rule,) = data["rules"]
    assert rule["examples"][0]["facts"]["days_since_delivery"] == 15
    assert rule["examples"][0]["draft"]["refund_amount"] == "30.05"
    assert rule["examples"][0]["facts"]["unit_price"] == "40.00"


def test_an_empty_period_gives_an_empty_report():
    report = aggregate([])
    assert (report.requests, report.decided, report.rules, report.currencies) == (0, 0, [], [])
    assert report.active.store_credit_share == 0.0


def test_the_policies_are_seen_through_their_thresholds():
    seen = simulation.sight(
        [services.compiled_template("marketplace-standard").policy, services.floor().policy]
    )

    assert {"region", "seller_fault", "category", "condition", "member", "is_gift"} <= seen.facts
    # the legal guarantee periods differ by country (SE, IE, GB, NO, IS): those countries are named
    assert "country" in seen.facts
    # "at most 14 / 30 / 90 / 730 / 1095 / 1826 / 2191 days" flip the day after
    assert {15, 31, 91, 731, 1096, 1827, 2192} <= set(seen.cuts["days_since_delivery"])
    # each policy its own return-by thresholds: late from day 1, too late from day 31; none for the floor
    assert seen.return_by_cuts == ((1, 31), ())


def test_a_period_is_a_number_of_days_or_a_day_in_the_store_time_zone():
    store = Store(code="s", name="S", currency="EUR", country="FR", time_zone="Europe/Paris")
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    assert simulation.parse_since("30d", store, now) == datetime(2026, 1, 30, 12, 0, tzinfo=UTC)
    since = simulation.parse_since("2026-02-01", store, now)
    assert since.isoformat() == "2026-02-01T00:00:00+01:00"
    for wrong in ("30", "0d", "yesterday", "2026-02-30"):
        with pytest.raises(simulation.BadPeriod):
            simulation.parse_since(wrong, store, now)
