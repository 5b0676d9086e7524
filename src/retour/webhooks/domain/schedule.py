"""When a failed delivery is tried again, and when it is given up (after about three days)."""

from __future__ import annotations

from datetime import datetime, timedelta

# The wait after the 1st, 2nd, … failed attempt: 12 attempts over 67.6 hours, then given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    *(timedelta(hours=10),) * 6,
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# An endpoint is paused after this many deliveries given up in a row, or after failing this long.
PAUSE_AFTER_GIVEN_UP = 5
PAUSE_AFTER_FAILING = timedelta(hours=24)

# A repair's steps (repairs' RepairEvent kinds), each sent as ``repair.<step>``.
REPAIR_STEPS = (
    "requested",
    "approved",
    "sent",
    "received",
    "diagnosed",
    "quoted",
    "quote_accepted",
    "quote_declined",
    "repaired",
    "shipped_back",
    "delivered",
    "unrepairable",
    "replacement_chosen",
    "refund_chosen",
    "price_reduction_chosen",
    "cancelled",
)
EVENTS = (
    "return.requested",
    "return.approved",
    "return.label_issued",
    "return.in_transit",
    "return.delivered",
    "return.received",
    "return.inspected",
    "return.refunded",
    "return.resolved",
    "claim.filed",
    "claim.decided",
    "store_credit.issued",
    *(f"repair.{step}" for step in REPAIR_STEPS),
)
# The timeline's kinds behind each event (returns' ReturnEvent, claims' ClaimEvent).
RETURN_KINDS = {
    "requested": "return.requested",
    "approved": "return.approved",
    "label_issued": "return.label_issued",
    "in_transit": "return.in_transit",
    "delivered": "return.delivered",  # the carrier delivered the parcel to the warehouse (logistics)
    "received": "return.received",
    "inspected": "return.inspected",
    "refunded": "return.refunded",
    "resolved": "return.resolved",
}
REPAIR_KINDS = {step: f"repair.{step}" for step in REPAIR_STEPS}
CLAIM_KINDS = {
    "filed": "claim.filed",
    "granted": "claim.decided",
    "denied": "claim.decided",
    "appeal_upheld": "claim.decided",
    "appeal_reversed": "claim.decided",
}


def next_attempt(failed_attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``failed_attempts`` failures; None: give up."""
    if failed_attempts < 1 or failed_attempts > len(BACKOFF):
        return None
    return now + BACKOFF[failed_attempts - 1]


def should_pause(recent_outcomes: list[bool], failing_since: datetime | None, now: datetime) -> bool:
    """Pause an endpoint whose last ``PAUSE_AFTER_GIVEN_UP`` finished deliveries (newest first, True:
    given up) were all given up, or that has failed without a success for ``PAUSE_AFTER_FAILING``."""
    recent = recent_outcomes[:PAUSE_AFTER_GIVEN_UP]
    if len(recent) == PAUSE_AFTER_GIVEN_UP and all(recent):
        return True
    return failing_since is not None and now - failing_since >= PAUSE_AFTER_FAILING
