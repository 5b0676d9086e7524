"""Properties that hold for any valid case: the money never exceeds what is owed or the cap, the
evaluation never gives the worker's reason, and instants count as elapsed time, whatever the offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.claims.domain.cases import parse_case
from retour.claims.domain.rules import assess
from retour.claims.domain.terms import Terms

pytestmark = pytest.mark.unit

TERMS = Terms()
START = datetime(2026, 1, 1, tzinfo=UTC)
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7, minutes=-30))])
# Small and large amounts: above every cap (375,000 yen) too.
SMALL = st.decimals(min_value=0, max_value=500, places=3)
AMOUNTS = SMALL | st.decimals(min_value=0, max_value=500000, places=2)
# Hours after the order, up to half a year: enough to cross every window.
HOURS = st.integers(min_value=0, max_value=24 * 180)
# Most cases pass rules 1 to 4, so that the later rules are reached often.
RARELY = st.sampled_from([False] * 5 + [True])
USUALLY = st.sampled_from([True] * 5 + [False])


def text(instant: datetime, offset: timezone) -> str:
    return instant.astimezone(offset).isoformat()


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    offset = draw(OFFSETS)
    ordered_at = START + timedelta(minutes=draw(st.integers(0, 60 * 24 * 365)))

    def after(optional: bool = False) -> str | None:
        if optional and draw(st.booleans()):
            return None
        return text(ordered_at + timedelta(hours=draw(HOURS), seconds=draw(st.integers(0, 59))), offset)

    return {
        "id": draw(st.integers(0, 10**6)),
        "claim_type": draw(st.sampled_from(["not_received", "not_as_described", "return_not_refunded"])),
        "currency": draw(st.sampled_from(sorted(TERMS.caps))),
        "fulfilled_by": draw(st.sampled_from(["seller", "marketplace"])),
        "sold_by_marketplace": draw(RARELY),
        "item_kind": draw(st.sampled_from(["physical"] * 8 + ["digital", "service", "gift_card"])),
        "paid_on_marketplace": draw(USUALLY),
        "chargeback_filed": draw(RARELY),
        "protected_shipping": draw(st.booleans()),
        "shipped_on_time": draw(st.booleans()),
        "proof_of_delivery": draw(st.booleans()),
        "seller_refused_return": draw(st.booleans()),
        "item_price": str(draw(AMOUNTS)),
        "shipping_paid": str(draw(AMOUNTS)),
        "already_refunded": str(draw(AMOUNTS)),
        "ordered_at": text(ordered_at, offset),
        "max_delivery_at": after(),
        "filed_at": after(),
        "delivered_at": after(optional=True),
        "return_requested_at": after(optional=True),
        "seller_answered_return_at": after(optional=True),
        "return_delivered_at": after(optional=True),
    }


def evaluate(case: dict[str, Any]) -> dict[str, Any]:
    return assess(parse_case(case, TERMS), TERMS).as_contract(case["id"])


@given(cases())
def test_the_payout_never_exceeds_what_is_owed_or_the_cap(case):
    result = evaluate(case)
    payout, claimable = Decimal(result["payout"]), Decimal(result["claimable"])
    assert payout <= claimable
    assert payout <= TERMS.caps[case["currency"]]
    if result["capped"]:
        assert result["decision"] == "granted"
        assert payout == TERMS.caps[case["currency"]]
    if result["decision"] != "granted":
        assert (payout, result["funded_by"]) == (0, None)


@given(cases())
def test_the_evaluation_never_gives_the_worker_s_reason(case):
    assert evaluate(case)["reason"] != "seller_no_response"


@given(cases())
def test_an_eligible_claim_is_filed_between_its_opening_and_its_deadline(case):
    result = evaluate(case)
    if result["eligible"]:
        filed_at = datetime.fromisoformat(case["filed_at"])
        assert datetime.fromisoformat(result["file_from"]) <= filed_at  # whole seconds: shown exactly
        respond_by = datetime.fromisoformat(result["respond_by"])
        assert respond_by == filed_at + timedelta(hours=72)


@given(cases(), st.integers(min_value=-24 * 400, max_value=24 * 400))
def test_moving_every_instant_together_moves_the_dates_and_changes_nothing_else(case, hours):
    shift = timedelta(hours=hours)
    moved = dict(case)
    for name, value in case.items():
        if name.endswith("_at") and value is not None:
            moved[name] = (datetime.fromisoformat(value) + shift).isoformat()
    before, after = evaluate(case), evaluate(moved)
    for name in ("file_from", "respond_by"):
        if before[name] is None:
            assert after[name] is None
        else:
            assert datetime.fromisoformat(after[name]) == datetime.fromisoformat(before[name]) + shift
    unchanged = ("eligible", "code", "decision", "reason", "funded_by", "claimable", "payout", "capped")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


@given(cases(), OFFSETS)
def test_the_offset_an_instant_is_written_in_changes_nothing(case, offset):
    rewritten = {
        name: text(datetime.fromisoformat(value), offset) if name.endswith("_at") and value else value
        for name, value in case.items()
    }
    before, after = evaluate(case), evaluate(rewritten)
    assert {k: v for k, v in after.items() if k != "explanation"} == {
        k: v for k, v in before.items() if k != "explanation"
    }
    assert after["explanation"] == before["explanation"]
