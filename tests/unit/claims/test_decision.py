"""The decision on the evidence of an eligible claim, and who pays a granted one."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.unit

NOT_AS_DESCRIBED: dict[str, Any] = {
    "claim_type": "not_as_described",
    "delivered_at": "2026-03-08T12:00:00Z",
    "return_requested_at": "2026-03-11T12:00:00Z",
}
RETURN_NOT_REFUNDED: dict[str, Any] = {
    "claim_type": "return_not_refunded",
    "delivered_at": "2026-03-08T12:00:00Z",
    "return_requested_at": "2026-03-09T12:00:00Z",
    "seller_answered_return_at": "2026-03-10T12:00:00Z",
    "return_delivered_at": "2026-03-12T12:00:00Z",
}


@pytest.mark.parametrize(
    ("fields", "decision", "reason"),
    [
        pytest.param({}, "granted", "not_delivered", id="no scan"),
        pytest.param(
            {"delivered_at": "2026-03-09T12:00:00Z"}, "granted", "not_delivered", id="scan without proof"
        ),
        pytest.param({"proof_of_delivery": True}, "granted", "not_delivered", id="proof without a scan"),
        pytest.param(
            {"delivered_at": "2026-03-09T12:00:00Z", "proof_of_delivery": True},
            "denied",
            "delivered_with_proof",
            id="scan with proof",
        ),
    ],
)
def test_a_parcel_not_received_is_granted_unless_delivered_with_proof(evaluate, fields, decision, reason):
    result = evaluate(**fields)
    assert (result["eligible"], result["decision"], result["reason"]) == (True, decision, reason)


@pytest.mark.parametrize(
    ("fields", "decision", "reason"),
    [
        pytest.param(
            {"seller_refused_return": True, "seller_answered_return_at": "2026-03-12T12:00:00Z"},
            "granted",
            "seller_refused_return",
            id="the seller refused",
        ),
        pytest.param(
            {
                "seller_refused_return": True,
                "seller_answered_return_at": "2026-03-12T12:00:00Z",
                "return_delivered_at": "2026-03-14T12:00:00Z",
            },
            "granted",
            "seller_refused_return",
            id="a refusal comes first, whatever else",
        ),
        pytest.param(
            {"seller_refused_return": True}, "granted", "seller_refused_return", id="refused, no time"
        ),
        pytest.param({}, "granted", "seller_no_answer", id="the seller never answered"),
        pytest.param(
            {"return_delivered_at": "2026-03-14T12:00:00Z"},
            "granted",
            "seller_no_answer",
            id="no answer, though the item came back",
        ),
        pytest.param(
            {
                "seller_answered_return_at": "2026-03-12T12:00:00Z",
                "return_delivered_at": "2026-03-14T12:00:00Z",
            },
            "granted",
            "returned_not_as_described",
            id="answered and returned",
        ),
        pytest.param(
            {"seller_answered_return_at": "2026-03-12T12:00:00Z"},
            "denied",
            "item_not_returned",
            id="answered, not returned",
        ),
        pytest.param(
            {"seller_answered_return_at": "2026-03-20T12:00:00Z"},
            "denied",
            "item_not_returned",
            id="an answer after the filing enters the rules as it is",
        ),
    ],
)
def test_an_item_not_as_described_is_decided_on_the_seller_s_answer_and_the_return(
    evaluate, fields, decision, reason
):
    result = evaluate(**NOT_AS_DESCRIBED, **fields)
    assert (result["eligible"], result["decision"], result["reason"]) == (True, decision, reason)


def test_an_unrefunded_return_is_granted(evaluate):
    result = evaluate(**RETURN_NOT_REFUNDED, proof_of_delivery=True)
    assert (result["decision"], result["reason"]) == ("granted", "returned_not_refunded")


def test_a_denied_claim_pays_nothing_and_nobody_funds_it(evaluate):
    result = evaluate(delivered_at="2026-03-09T12:00:00Z", proof_of_delivery=True, fulfilled_by="marketplace")
    assert result["decision"] == "denied"
    assert (result["funded_by"], result["payout"], result["capped"]) == (None, "0", False)
    assert result["claimable"] == "105.00"
    assert result["respond_by"] == "2026-03-18T12:00:00Z"


def test_a_denied_claim_above_the_cap_is_not_capped(evaluate):
    result = evaluate(item_price="9000.00", delivered_at="2026-03-09T12:00:00Z", proof_of_delivery=True)
    assert (result["decision"], result["claimable"], result["payout"], result["capped"]) == (
        "denied",
        "9005.00",
        "0",
        False,
    )


# Who pays a granted claim.


@pytest.mark.parametrize(
    ("protected", "on_time", "funded_by"),
    [
        (True, True, "marketplace"),
        (True, False, "seller"),
        (False, True, "seller"),
        (False, False, "seller"),
    ],
)
def test_a_lost_parcel_on_protected_shipping_sent_on_time_is_the_marketplace_s(
    evaluate, protected, on_time, funded_by
):
    result = evaluate(protected_shipping=protected, shipped_on_time=on_time)
    assert (result["decision"], result["funded_by"]) == ("granted", funded_by)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="not received"),
        pytest.param({**NOT_AS_DESCRIBED, "seller_refused_return": True}, id="not as described"),
        pytest.param(RETURN_NOT_REFUNDED, id="return not refunded"),
    ],
)
def test_a_claim_on_the_marketplace_s_own_fulfilment_is_the_marketplace_s(evaluate, fields):
    assert evaluate(**fields, fulfilled_by="marketplace")["funded_by"] == "marketplace"
    assert evaluate(**fields, fulfilled_by="seller")["funded_by"] == "seller"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({**NOT_AS_DESCRIBED, "seller_refused_return": True}, id="not as described"),
        pytest.param(RETURN_NOT_REFUNDED, id="return not refunded"),
    ],
)
def test_protected_shipping_covers_only_parcels_that_never_came(evaluate, fields):
    result = evaluate(**fields, protected_shipping=True, shipped_on_time=True)
    assert (result["decision"], result["funded_by"]) == ("granted", "seller")
