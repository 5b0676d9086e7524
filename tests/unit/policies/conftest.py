"""Evaluate one contract case under a built-in template, the way ``retour policy evaluate`` does, and
check a result object against the contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from retour.policies import services
from retour.policies.domain import legal
from retour.policies.domain.cases import parse_case

CONTRACT_KEYS = {
    "id",
    "eligible",
    "code",
    "refund_percent",
    "item_refund",
    "return_shipping_fee",
    "refund_amount",
    "store_credit_amount",
    "keep_item",
    "legal_basis",
    "resolutions",
    "explanation",
}
Evaluate = Callable[[str, dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="session")
def evaluate() -> Evaluate:
    """The contract's result object for a case dict under a template, the legal floor included."""

    def run(template: str, case: dict[str, Any]) -> dict[str, Any]:
        policy = services.compiled_template(template)
        facts = parse_case(case, policy.policy.currencies)
        return legal.decide(policy, facts, services.floor()).as_contract(case["id"])

    return run


@pytest.fixture(scope="session")
def check() -> Callable[[dict[str, Any], dict[str, Any]], None]:
    return check_result


def check_result(result: dict[str, Any], expected: dict[str, Any]) -> None:
    """``result`` has the contract's keys, holds ``expected``, and explains itself in both languages.

    A line that is not eligible has every amount "0", a percentage of 0 and nothing offered.
    """
    assert set(result) == CONTRACT_KEYS
    assert {key: result[key] for key in expected} == expected
    for language in ("en", "fr"):
        sentence = result["explanation"][language]
        assert sentence.strip(), language
        assert "{" not in sentence, sentence  # every placeholder filled in
    if not result["eligible"]:
        assert result["refund_percent"] == 0
        assert [result[k] for k in ("item_refund", "return_shipping_fee", "refund_amount")] == ["0"] * 3
        assert result["store_credit_amount"] == "0"
        assert result["resolutions"] == []
        assert result["keep_item"] is False
        assert result["legal_basis"] is None
