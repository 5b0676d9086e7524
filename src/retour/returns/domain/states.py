"""The return's lifecycle as data: which state may follow which, and the per-line tables.

Pure: the services lock, check here, save and append the event. A transition the tables lack is refused
with a stable code, so a double click or a stale page never moves a return twice.
"""

from __future__ import annotations

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

# from state -> the states it may go to. Cancelling stops once anything has been received.
TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({APPROVED, REJECTED, CANCELLED}),
    APPROVED: frozenset({LABEL_ISSUED, IN_TRANSIT, RECEIVED, RESOLVED, CANCELLED, EXPIRED}),
    LABEL_ISSUED: frozenset({IN_TRANSIT, RECEIVED, CANCELLED, EXPIRED}),
    IN_TRANSIT: frozenset({RECEIVED, CANCELLED}),
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

# Per line.
RECEPTION = ("awaiting", "received", "lost", "wrong_item")
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


def cancellable(state: str, anything_received: bool) -> bool:
    return not anything_received and can_move(TRANSITIONS, state, CANCELLED)
