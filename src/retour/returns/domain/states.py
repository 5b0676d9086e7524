"""The return's lifecycle as data: which state may follow which, and the per-line tables.

Pure: the services lock, check here, save and append the event. A transition the tables lack is refused
with a stable code, so a double click or a stale page never moves a return twice.
"""

from __future__ import annotations

from collections.abc import Iterable

REQUESTED = "requested"
APPROVED = "approved"
REJECTED = "rejected"
LABEL_ISSUED = "label_issued"
IN_TRANSIT = "in_transit"
RECEIVED = "received"
INSPECTED = "inspected"
RESOLVED = "resolved"
CANCELLED = "cancelled"
EXPIRED = "expired"

STATES = (
    REQUESTED,
    APPROVED,
    REJECTED,
    LABEL_ISSUED,
    IN_TRANSIT,
    RECEIVED,
    INSPECTED,
    RESOLVED,
    CANCELLED,
    EXPIRED,
)

# from state -> the states it may go to. Cancelling stops once the parcel is on its way (see
# ``cancellation``). An approved return goes straight to resolved only when the shopper keeps every item
# (see RESOLVED_FROM).
TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({APPROVED, REJECTED, CANCELLED}),
    APPROVED: frozenset({LABEL_ISSUED, IN_TRANSIT, RECEIVED, RESOLVED, CANCELLED, EXPIRED}),
    LABEL_ISSUED: frozenset({IN_TRANSIT, RECEIVED, CANCELLED, EXPIRED}),
    IN_TRANSIT: frozenset({RECEIVED}),
    RECEIVED: frozenset({INSPECTED}),
    INSPECTED: frozenset({RESOLVED}),
    REJECTED: frozenset(),
    RESOLVED: frozenset(),
    CANCELLED: frozenset(),
    EXPIRED: frozenset(),
}
FINAL = frozenset(state for state, following in TRANSITIONS.items() if not following)
# A return in one of these still holds its units: they cannot be asked for again.
OPEN = frozenset(set(STATES) - {REJECTED, CANCELLED, EXPIRED})
# Approved returns the shopper has not sent yet (reminders, expiry).
AWAITING_SHIPMENT = frozenset({APPROVED, LABEL_ISSUED})

# Resolved returns say how (resolution outcomes).
OUTCOMES = ("refunded", "store_credit", "exchanged", "replaced", "repaired", "kept")
# outcome -> the states a return may be resolved from with it. Keeping the item needs nothing sent back;
# every other outcome waits for the goods to be inspected.
RESOLVED_FROM: dict[str, frozenset[str]] = {
    "kept": frozenset({APPROVED}),
    "refunded": frozenset({INSPECTED}),
    "store_credit": frozenset({INSPECTED}),
    "exchanged": frozenset({INSPECTED}),
    "replaced": frozenset({INSPECTED}),
    "repaired": frozenset({INSPECTED}),
}
# Outcomes that only a paid refund may give (the refund's payment resolves the return).
PAID_OUTCOMES = frozenset({"refunded", "store_credit"})

# Per line.
RECEPTION = ("awaiting", "received", "lost", "wrong_item")
# A line is settled once the warehouse has said what became of it; the return is received when every
# line is. A lost line may still turn up (lost -> received) until the return has been inspected.
SETTLED = frozenset({"received", "lost", "wrong_item"})
# Return states in which the warehouse may still record what arrived, line by line.
RECEIVING = frozenset({APPROVED, LABEL_ISSUED, IN_TRANSIT, RECEIVED})
RECEPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    "awaiting": frozenset({"received", "lost", "wrong_item"}),
    "received": frozenset(),
    "lost": frozenset({"received"}),  # a parcel declared lost may still turn up
    "wrong_item": frozenset(),
}
INSPECTION = ("pending", "accepted", "rejected", "review")
INSPECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"accepted", "rejected", "review"}),
    "review": frozenset({"accepted", "rejected"}),
    "accepted": frozenset(),
    "rejected": frozenset(),
}
DISPOSITIONS = ("restock", "refurbish", "liquidate", "scrap", "return_to_vendor", "back_to_customer")


def can_move(table: dict[str, frozenset[str]], current: str, target: str) -> bool:
    """Whether ``table`` lets ``current`` go to ``target``."""
    return target in table.get(current, frozenset())


def can_resolve(state: str, outcome: str) -> bool:
    """Whether a return in ``state`` may be resolved with ``outcome``."""
    return state in RESOLVED_FROM.get(outcome, frozenset()) and can_move(TRANSITIONS, state, RESOLVED)


def all_settled(receptions: Iterable[str]) -> bool:
    """Whether every line's reception is settled (received, lost or wrong item)."""
    return all(reception in SETTLED for reception in receptions)


# Why a return cannot be cancelled (``cancellation``).
RECEIVED_ALREADY = "received"  # part of it is back: the warehouse handles it now
ON_ITS_WAY = "on_its_way"  # the parcel was handed to the carrier: it will arrive, cancelled or not
CLOSED = "closed"  # a final state: nothing left to cancel


def cancellation(state: str, anything_received: bool) -> tuple[bool, str]:
    """Whether a return in ``state`` may be cancelled, and why not: one rule for the portal's button, the
    API, the back office and the services. Until the parcel is on its way, and nothing received."""
    if anything_received or state in (RECEIVED, INSPECTED):
        return False, RECEIVED_ALREADY
    if state == IN_TRANSIT:
        return False, ON_ITS_WAY
    if not can_move(TRANSITIONS, state, CANCELLED):
        return False, CLOSED
    return True, ""
