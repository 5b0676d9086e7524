"""The words policies are written in (specs/policy-templates.md, "Vocabulary")."""

from __future__ import annotations

from typing import Literal, get_args

# The words as types (the API's schemas take them, in this order, as their enums) and as sets.
Condition = Literal["unopened", "opened", "used", "damaged", "missing_parts"]
Reason = Literal[
    "changed_mind",
    "no_longer_needed",
    "size_fit",
    "better_price",
    "arrived_late",
    "defective",
    "damaged_in_transit",
    "wrong_item",
    "not_as_described",
]
CONDITIONS: frozenset[str] = frozenset(get_args(Condition))
REASONS: frozenset[str] = frozenset(get_args(Reason))
SELLER_FAULT_REASONS = frozenset({"defective", "damaged_in_transit", "wrong_item", "not_as_described"})
RESOLUTIONS = ("refund", "store_credit", "exchange", "replacement", "repair")
LEGAL_BASES = frozenset({"eu_withdrawal", "uk_cancellation", "legal_guarantee"})
WITHDRAWAL_BASES = frozenset({"eu_withdrawal", "uk_cancellation"})  # the statutory right of withdrawal
RETURN_METHODS = frozenset({"label", "drop_off", "in_store", "keep"})
APPROVALS = frozenset({"auto", "review"})
STAGES = frozenset({"request", "inspection"})

# The 27 EU member states and the three other EEA states; the UK is ``GB``.
EU_EEA = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)
REGIONS = frozenset({"eu", "gb", "other"})


def region_of(country: str) -> str:
    """``eu`` for the EU/EEA, ``gb`` for the United Kingdom, ``other`` elsewhere."""
    if country in EU_EEA:
        return "eu"
    return "gb" if country == "GB" else "other"


# How conditions read in a sentence, in English and French.
CONDITION_WORDS = {
    "unopened": ("unopened", "non ouvert"),
    "opened": ("opened", "ouvert"),
    "used": ("used", "usagé"),
    "damaged": ("damaged", "abîmé"),
    "missing_parts": ("incomplete", "incomplet"),
}
