"""What Retour asks of a shop, in the shop's words: return reasons, and when a failed request is tried
again (then given up, after about two days)."""

from __future__ import annotations

from datetime import datetime, timedelta

# Retour's return reasons (policies' vocabulary) as Shopify's ReturnReason values.
SHOPIFY_RETURN_REASONS = {
    "changed_mind": "UNWANTED",
    "no_longer_needed": "UNWANTED",
    "better_price": "UNWANTED",
    "arrived_late": "OTHER",
    "size_fit": "SIZE_TOO_SMALL",
    "defective": "DEFECTIVE",
    "damaged_in_transit": "DEFECTIVE",
    "wrong_item": "WRONG_ITEM",
    "not_as_described": "NOT_AS_DESCRIBED",
}

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def shopify_reason(reason: str) -> str:
    return SHOPIFY_RETURN_REASONS.get(reason, "OTHER")


def next_attempt(failed_attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``failed_attempts`` failures; None: give up."""
    if failed_attempts < 1 or failed_attempts > len(BACKOFF):
        return None
    return now + BACKOFF[failed_attempts - 1]
