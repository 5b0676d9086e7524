"""Eligibility, checked in the spec's order: the first rule that fails decides; then when a claim may be
filed (``file_from``) and until when (the deadline), each at its boundary.

The base case (conftest.BASE) is a parcel that never came: ordered 2026-03-01T12:00Z, latest estimated
delivery 2026-03-10T12:00Z, so claimable from 2026-03-13T12:00Z until 2026-06-08T12:00Z.
"""

from __future__ import annotations

from typing import Any

import pytest

from retour.claims.domain.claim import Code

pytestmark = pytest.mark.unit

# Rules 1 to 5, each with what makes it fail.
FAILS = {
    "not_third_party": {"sold_by_marketplace": True},
    "not_covered_item": {"item_kind": "digital"},
    "not_paid_on_marketplace": {"paid_on_marketplace": False},
    "chargeback_filed": {"chargeback_filed": True},
    "already_refunded": {"already_refunded": "105.00"},
}
NOT_AS_DESCRIBED: dict[str, Any] = {
    "claim_type": "not_as_described",
    "delivered_at": "2026-03-08T12:00:00Z",
    "return_requested_at": "2026-03-12T12:00:00Z",
}
RETURN_NOT_REFUNDED: dict[str, Any] = {
    "claim_type": "return_not_refunded",
    "delivered_at": "2026-03-08T12:00:00Z",
    "return_requested_at": "2026-03-09T12:00:00Z",
    "seller_answered_return_at": "2026-03-10T12:00:00Z",
    "return_delivered_at": "2026-03-20T12:00:00Z",
}


def test_a_claim_that_passes_every_rule_is_eligible(evaluate):
    result = evaluate()
    assert (result["eligible"], result["code"]) == (True, "eligible")
    assert result["file_from"] == "2026-03-13T12:00:00Z"
    assert result["respond_by"] == "2026-03-18T12:00:00Z"  # filed_at + 72 hours


@pytest.mark.parametrize("code", list(FAILS))
def test_each_of_rules_1_to_5_refuses_with_its_code(evaluate, code):
    result = evaluate(**FAILS[code])
    assert (result["eligible"], result["code"]) == (False, code)
    # Nothing is computed for a claim the guarantee does not cover.
    assert (result["file_from"], result["claimable"], result["payout"]) == (None, "0", "0")


@pytest.mark.parametrize("position", range(len(FAILS)))
def test_the_first_rule_that_fails_decides(evaluate, position):
    """Every rule from this one on fails; the earliest gives the code."""
    codes = list(FAILS)
    fields: dict[str, Any] = {}
    for code in codes[position:]:
        fields.update(FAILS[code])
    # Also too late and too early at once: rules 6 and 7 come after.
    result = evaluate(**fields, filed_at="2027-01-01T00:00:00Z")
    assert result["code"] == codes[position]


def test_eligibility_rules_come_before_the_deadline(evaluate):
    result = evaluate(chargeback_filed=True, filed_at="2026-03-02T00:00:00Z")
    assert result["code"] == "chargeback_filed"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("physical", "eligible"),
        ("digital", "not_covered_item"),
        ("service", "not_covered_item"),
        ("gift_card", "not_covered_item"),
    ],
)
def test_only_physical_items_are_covered(evaluate, kind, code):
    assert evaluate(item_kind=kind)["code"] == code


@pytest.mark.parametrize(
    ("refunded", "code", "claimable"),
    [
        pytest.param("104.99", "eligible", "0.01", id="a cent short of everything"),
        pytest.param("104.999", "eligible", "0.00", id="a fraction of a cent short: still owed"),
        pytest.param("105.00", "already_refunded", "0", id="item and shipping refunded"),
        pytest.param("105", "already_refunded", "0", id="the same amount written otherwise"),
        pytest.param("105.01", "already_refunded", "0", id="more than paid"),
        pytest.param("100.00", "eligible", "5.00", id="the item but not its shipping"),
    ],
)
def test_already_refunded_compares_with_item_and_shipping_exactly(evaluate, refunded, code, claimable):
    result = evaluate(already_refunded=refunded)
    assert (result["code"], result["claimable"]) == (code, claimable)


def test_a_free_item_with_free_shipping_has_nothing_to_claim(evaluate):
    result = evaluate(item_price="0", shipping_paid="0.00", already_refunded="0")
    assert result["code"] == "already_refunded"


# Rule 6: too late. The deadline is max_delivery_at + 90 days = 2026-06-08T12:00:00Z.


@pytest.mark.parametrize(
    ("filed_at", "code"),
    [
        pytest.param("2026-06-08T11:59:59Z", "eligible", id="a second before"),
        pytest.param("2026-06-08T12:00:00Z", "eligible", id="at the deadline"),
        pytest.param("2026-06-08T12:00:00.000001Z", "too_late", id="a microsecond after"),
        pytest.param("2026-06-08T12:00:01Z", "too_late", id="a second after"),
        pytest.param("2026-06-08T14:00:00+02:00", "eligible", id="at the deadline, in another offset"),
        pytest.param("2026-06-08T14:00:01+02:00", "too_late", id="a second after, in another offset"),
        pytest.param("2026-06-08T07:00:01-05:00", "too_late", id="a second after, west of UTC"),
    ],
)
def test_a_claim_is_too_late_after_max_delivery_plus_90_days(evaluate, filed_at, code):
    result = evaluate(filed_at=filed_at)
    assert result["code"] == code
    # file_from is given whatever the outcome, once rules 1-5 pass.
    assert result["file_from"] == "2026-03-13T12:00:00Z"


def test_a_late_claim_still_says_what_it_would_have_been_worth(evaluate):
    result = evaluate(filed_at="2026-07-01T00:00:00Z")
    assert (result["eligible"], result["claimable"], result["payout"]) == (False, "105.00", "0")
    assert (result["decision"], result["respond_by"]) == (None, None)


@pytest.mark.parametrize(
    ("return_delivered_at", "filed_at", "code"),
    [
        # The return came late: return_delivered_at + 30 days (2026-06-29T12:00Z) is the later deadline.
        pytest.param("2026-05-30T12:00:00Z", "2026-06-29T12:00:00Z", "eligible", id="late return, at"),
        pytest.param("2026-05-30T12:00:00Z", "2026-06-29T11:59:59Z", "eligible", id="late return, before"),
        pytest.param("2026-05-30T12:00:00Z", "2026-06-29T12:00:01Z", "too_late", id="late return, after"),
        # The return came early: its 30 days end 2026-04-19, max_delivery_at + 90 days is later.
        pytest.param("2026-03-20T12:00:00Z", "2026-06-08T12:00:00Z", "eligible", id="early return, at"),
        pytest.param("2026-03-20T12:00:00Z", "2026-06-08T12:00:01Z", "too_late", id="early return, after"),
        pytest.param("2026-03-20T12:00:00Z", "2026-04-19T12:00:01Z", "eligible", id="past its own 30 days"),
    ],
)
def test_an_unrefunded_return_may_be_claimed_until_the_later_deadline(
    evaluate, return_delivered_at, filed_at, code
):
    result = evaluate(
        **{**RETURN_NOT_REFUNDED, "return_delivered_at": return_delivered_at}, filed_at=filed_at
    )
    assert result["code"] == code


def test_the_return_s_30_days_do_not_extend_other_claims(evaluate):
    fields = {**NOT_AS_DESCRIBED, "return_delivered_at": "2026-05-30T12:00:00Z"}
    assert evaluate(**fields, filed_at="2026-06-08T12:00:00Z")["code"] == "eligible"
    assert evaluate(**fields, filed_at="2026-06-08T12:00:01Z")["code"] == "too_late"


@pytest.mark.parametrize(
    ("fields", "file_from"),
    [
        pytest.param({"claim_type": "not_as_described"}, None, id="no return requested"),
        pytest.param(
            {"claim_type": "return_not_refunded", "return_requested_at": "2026-03-12T12:00:00Z"},
            None,
            id="return not delivered",
        ),
        pytest.param(NOT_AS_DESCRIBED, "2026-03-14T12:00:00Z", id="not as described"),
    ],
)
def test_too_late_is_checked_before_the_steps_the_buyer_missed(evaluate, fields, file_from):
    result = evaluate(**fields, filed_at="2026-06-08T12:00:01Z")
    assert (result["code"], result["file_from"]) == ("too_late", file_from)


# Rule 7: too early, not_received. file_from is the earliest of max_delivery_at + 3 days,
# ordered_at + 30 days and the carrier's delivered scan.


@pytest.mark.parametrize(
    ("fields", "file_from"),
    [
        pytest.param({}, "2026-03-13T12:00:00Z", id="max_delivery_at + 3 days"),
        pytest.param(
            {"max_delivery_at": "2026-04-15T12:00:00Z", "filed_at": "2026-04-20T12:00:00Z"},
            "2026-03-31T12:00:00Z",
            id="ordered_at + 30 days comes first",
        ),
        pytest.param(
            {"max_delivery_at": "2026-03-28T12:00:00Z", "filed_at": "2026-04-20T12:00:00Z"},
            "2026-03-31T12:00:00Z",
            id="both the same instant",
        ),
        pytest.param(
            {"delivered_at": "2026-03-05T09:30:00+01:00"},
            "2026-03-05T08:30:00Z",
            id="marked delivered: at once",
        ),
        pytest.param(
            {"delivered_at": "2026-03-14T12:00:00Z"},
            "2026-03-13T12:00:00Z",
            id="a delivered scan after the others changes nothing",
        ),
        pytest.param(
            {"delivered_at": "2026-03-20T12:00:00Z", "filed_at": "2026-03-15T12:00:00Z"},
            "2026-03-13T12:00:00Z",
            id="a scan after the filing enters the rules as it is",
        ),
    ],
)
def test_a_parcel_not_received_may_be_claimed_from_the_earliest_opening(evaluate, fields, file_from):
    result = evaluate(**fields)
    assert (result["code"], result["file_from"]) == ("eligible", file_from)


@pytest.mark.parametrize(
    ("filed_at", "code"),
    [
        pytest.param("2026-03-13T11:59:59Z", "too_early", id="a second before"),
        pytest.param("2026-03-13T11:59:59.999999Z", "too_early", id="a microsecond before"),
        pytest.param("2026-03-13T12:00:00Z", "eligible", id="at file_from"),
        pytest.param("2026-03-13T12:00:01Z", "eligible", id="a second after"),
        pytest.param("2026-03-13T13:00:00+01:00", "eligible", id="at file_from, in another offset"),
        pytest.param("2026-03-13T12:59:59+01:00", "too_early", id="a second before, in another offset"),
    ],
)
def test_a_parcel_not_received_is_too_early_before_file_from(evaluate, filed_at, code):
    result = evaluate(filed_at=filed_at)
    assert (result["code"], result["file_from"]) == (code, "2026-03-13T12:00:00Z")


def test_ordered_at_plus_30_days_at_its_boundary(evaluate):
    fields = {"max_delivery_at": "2026-04-15T12:00:00Z"}
    assert evaluate(**fields, filed_at="2026-03-31T11:59:59Z")["code"] == "too_early"
    assert evaluate(**fields, filed_at="2026-03-31T12:00:00Z")["code"] == "eligible"
    assert evaluate(**fields, filed_at="2026-03-31T12:00:01Z")["code"] == "eligible"


def test_a_parcel_marked_delivered_may_be_claimed_at_the_scan(evaluate):
    fields = {"delivered_at": "2026-03-05T08:30:00Z"}
    assert evaluate(**fields, filed_at="2026-03-05T08:29:59Z")["code"] == "too_early"
    assert evaluate(**fields, filed_at="2026-03-05T08:30:00Z")["code"] == "eligible"
    assert evaluate(**fields, filed_at="2026-03-05T08:30:01Z")["code"] == "eligible"


def test_windows_are_elapsed_hours_across_a_change_of_clocks(evaluate):
    """Paris moves to summer time on 2026-03-29: three days are still 72 hours, not three wall-clock days."""
    result = evaluate(
        ordered_at="2026-03-20T12:00:00+01:00",
        max_delivery_at="2026-03-28T12:00:00+01:00",
        filed_at="2026-03-31T13:00:00+02:00",
    )
    assert result["file_from"] == "2026-03-31T11:00:00Z"  # 13:00 in Paris that day, not 12:00
    assert result["code"] == "eligible"
    assert (
        evaluate(
            ordered_at="2026-03-20T12:00:00+01:00",
            max_delivery_at="2026-03-28T12:00:00+01:00",
            filed_at="2026-03-31T12:59:59+02:00",
        )["code"]
        == "too_early"
    )


# Rule 7, not_as_described: the buyer asks the seller first; the seller has 48 hours, unless they refuse.


def test_not_as_described_without_a_return_request_asks_to_contact_the_seller(evaluate):
    result = evaluate(claim_type="not_as_described", delivered_at="2026-03-08T12:00:00Z")
    assert (result["eligible"], result["code"], result["file_from"]) == (False, "contact_seller_first", None)
    assert result["claimable"] == "105.00"


@pytest.mark.parametrize(
    ("filed_at", "code"),
    [
        pytest.param("2026-03-14T11:59:59Z", "too_early", id="a second before 48 hours"),
        pytest.param("2026-03-14T12:00:00Z", "eligible", id="at 48 hours"),
        pytest.param("2026-03-14T12:00:01Z", "eligible", id="a second after"),
    ],
)
def test_not_as_described_may_be_claimed_48_hours_after_the_return_request(evaluate, filed_at, code):
    result = evaluate(**NOT_AS_DESCRIBED, filed_at=filed_at)
    assert (result["code"], result["file_from"]) == (code, "2026-03-14T12:00:00Z")


@pytest.mark.parametrize(
    ("refused", "answered_at", "file_from"),
    [
        pytest.param(True, "2026-03-13T08:00:00Z", "2026-03-13T08:00:00Z", id="refused early: at once"),
        pytest.param(True, "2026-03-14T11:59:59Z", "2026-03-14T11:59:59Z", id="refused a second early"),
        pytest.param(True, "2026-03-14T12:00:00Z", "2026-03-14T12:00:00Z", id="refused at 48 hours"),
        pytest.param(True, "2026-03-15T12:00:00Z", "2026-03-14T12:00:00Z", id="refused late"),
        pytest.param(True, None, "2026-03-14T12:00:00Z", id="refused, no answer time"),
        pytest.param(False, "2026-03-13T08:00:00Z", "2026-03-14T12:00:00Z", id="answered early, no refusal"),
        pytest.param(True, "2026-03-11T12:00:00Z", "2026-03-11T12:00:00Z", id="answer before the request"),
    ],
)
def test_a_refusal_before_48_hours_opens_the_claim_at_once(evaluate, refused, answered_at, file_from):
    result = evaluate(
        **NOT_AS_DESCRIBED,
        seller_refused_return=refused,
        seller_answered_return_at=answered_at,
        filed_at="2026-03-20T12:00:00Z",
    )
    assert result["file_from"] == file_from


def test_a_buyer_whose_return_was_refused_may_claim_at_the_refusal(evaluate):
    fields = {
        **NOT_AS_DESCRIBED,
        "seller_refused_return": True,
        "seller_answered_return_at": "2026-03-13T08:00:00Z",
    }
    assert evaluate(**fields, filed_at="2026-03-13T07:59:59Z")["code"] == "too_early"
    assert evaluate(**fields, filed_at="2026-03-13T08:00:00Z")["code"] == "eligible"


# Rule 7, return_not_refunded: the return must be delivered; the seller then has 48 hours to refund.


def test_an_unrefunded_return_not_yet_delivered_cannot_be_claimed(evaluate):
    result = evaluate(**{**RETURN_NOT_REFUNDED, "return_delivered_at": None})
    assert (result["eligible"], result["code"], result["file_from"]) == (False, "return_not_delivered", None)


@pytest.mark.parametrize(
    ("filed_at", "code"),
    [
        pytest.param("2026-03-22T11:59:59Z", "too_early", id="a second before 48 hours"),
        pytest.param("2026-03-22T12:00:00Z", "eligible", id="at 48 hours"),
        pytest.param("2026-03-22T12:00:01Z", "eligible", id="a second after"),
    ],
)
def test_an_unrefunded_return_may_be_claimed_48_hours_after_its_delivery(evaluate, filed_at, code):
    result = evaluate(**RETURN_NOT_REFUNDED, filed_at=filed_at)
    assert (result["code"], result["file_from"]) == (code, "2026-03-22T12:00:00Z")


def test_a_too_early_claim_is_not_decided(evaluate):
    result = evaluate(filed_at="2026-03-12T00:00:00Z")
    assert result["code"] == "too_early"
    assert (result["decision"], result["reason"], result["funded_by"], result["respond_by"]) == (None,) * 4
    assert (result["claimable"], result["payout"], result["capped"]) == ("105.00", "0", False)


# The seller's answer: respond_by = filed_at + 72 hours, for an eligible claim only.


@pytest.mark.parametrize(
    ("filed_at", "respond_by"),
    [
        ("2026-03-15T12:00:00Z", "2026-03-18T12:00:00Z"),
        ("2026-03-29T23:30:00+02:00", "2026-04-01T21:30:00Z"),
        ("2026-05-30T18:00:00-07:00", "2026-06-03T01:00:00Z"),
    ],
)
def test_the_seller_has_72_hours_to_answer_an_eligible_claim(evaluate, filed_at, respond_by):
    assert evaluate(filed_at=filed_at)["respond_by"] == respond_by


def test_instants_are_shown_in_utc_to_the_second(evaluate):
    """file_from is never shown earlier than it is, respond_by never later."""
    result = evaluate(delivered_at="2026-03-05T08:30:00.250Z", filed_at="2026-03-05T08:30:00.5Z")
    assert (result["code"], result["file_from"]) == ("eligible", "2026-03-05T08:30:01Z")
    assert result["respond_by"] == "2026-03-08T08:30:00Z"
    early = evaluate(delivered_at="2026-03-05T08:30:00.250Z", filed_at="2026-03-05T08:30:00.1Z")
    assert early["code"] == "too_early"


def test_every_code_is_reachable(evaluate):
    seen = {
        evaluate()["code"],
        *(evaluate(**fields)["code"] for fields in FAILS.values()),
        evaluate(filed_at="2027-01-01T00:00:00Z")["code"],
        evaluate(filed_at="2026-03-02T00:00:00Z")["code"],
        evaluate(claim_type="not_as_described")["code"],
        evaluate(claim_type="return_not_refunded")["code"],
    }
    assert seen == {str(code) for code in Code}
