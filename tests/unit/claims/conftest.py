"""Evaluate one contract case the way ``retour claims evaluate`` does, and check the result's shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pytest

from retour.claims.domain.cases import parse_case
from retour.claims.domain.rules import assess
from retour.claims.domain.terms import Terms

CONTRACT_KEYS = [
    "id",
    "eligible",
    "code",
    "file_from",
    "respond_by",
    "decision",
    "reason",
    "funded_by",
    "claimable",
    "payout",
    "capped",
    "explanation",
]
# A third-party seller's parcel that never came, claimed five days after the latest estimated delivery:
# eligible from 2026-03-13T12:00Z (max_delivery_at + 3 days), granted, funded by the seller.
BASE: dict[str, Any] = {
    "id": "case",
    "claim_type": "not_received",
    "currency": "USD",
    "fulfilled_by": "seller",
    "sold_by_marketplace": False,
    "item_kind": "physical",
    "paid_on_marketplace": True,
    "chargeback_filed": False,
    "protected_shipping": False,
    "shipped_on_time": False,
    "proof_of_delivery": False,
    "seller_refused_return": False,
    "item_price": "100.00",
    "shipping_paid": "5.00",
    "already_refunded": "0",
    "ordered_at": "2026-03-01T12:00:00Z",
    "max_delivery_at": "2026-03-10T12:00:00Z",
    "filed_at": "2026-03-15T12:00:00Z",
    "delivered_at": None,
    "return_requested_at": None,
    "seller_answered_return_at": None,
    "return_delivered_at": None,
}


class Evaluate(Protocol):
    def __call__(self, terms: Terms = ..., **fields: Any) -> dict[str, Any]: ...


def case(**fields: Any) -> dict[str, Any]:
    return {**BASE, **fields}


def check_result(result: dict[str, Any]) -> None:
    """What every result holds, whatever the case: the contract's keys in its order, consistent values,
    and an explanation in both languages with every placeholder filled in."""
    assert list(result) == CONTRACT_KEYS
    assert result["code"] == ("eligible" if result["eligible"] else result["code"])
    granted = result["decision"] == "granted"
    if not result["eligible"]:
        assert (result["decision"], result["reason"], result["respond_by"]) == (None, None, None)
    else:
        assert result["decision"] in {"granted", "denied"}
        assert result["respond_by"] is not None
        assert result["file_from"] is not None
    assert (result["funded_by"] is not None) == granted
    if not granted:
        assert (result["payout"], result["capped"]) == ("0", False)
    for language in ("en", "fr"):
        sentence = result["explanation"][language]
        assert sentence.strip(), language
        assert "{" not in sentence, sentence
    assert result["explanation"]["en"] != result["explanation"]["fr"]


@pytest.fixture(scope="session")
def evaluate() -> Evaluate:
    """The contract's result for ``BASE`` with ``fields`` changed, under ``terms`` (the spec's by
    default), checked against the contract's shape."""

    def run(terms: Terms = Terms(), **fields: Any) -> dict[str, Any]:  # noqa: B008 - frozen, immutable
        data = case(**fields)
        result = assess(parse_case(data, terms), terms).as_contract(data["id"])
        check_result(result)
        return result

    return run


@pytest.fixture(scope="session")
def make_case() -> Callable[..., dict[str, Any]]:
    return case
