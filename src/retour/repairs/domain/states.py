"""A repair's journey as data: which state may follow which, and who may move it.

requested -> approved -> sent -> received -> diagnosed -> repaired -> shipped_back -> delivered. A
diagnosis may instead find the item unrepairable (the shopper is offered a replacement or a refund at
once) or, out of guarantee, price the repair (quoted: accepted, it is repaired; declined, it is sent back).
Past the law's deadline the shopper may leave the repair for a refund or a price reduction
(``clock.late_remedies``). The services lock, check here, save and append the event.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SENT = "sent"
    RECEIVED = "received"  # by the repairer
    DIAGNOSED = "diagnosed"
    QUOTED = "quoted"
    QUOTE_ACCEPTED = "quote_accepted"
    QUOTE_DECLINED = "quote_declined"
    REPAIRED = "repaired"
    SHIPPED_BACK = "shipped_back"
    DELIVERED = "delivered"
    UNREPAIRABLE = "unrepairable"
    REPLACEMENT_CHOSEN = "replacement_chosen"
    REFUND_CHOSEN = "refund_chosen"
    PRICE_REDUCTION_CHOSEN = "price_reduction_chosen"
    CANCELLED = "cancelled"


S = State
# The shopper's remedies once a repair cannot be (or was not, in time) made.
REMEDIES = frozenset({S.REPLACEMENT_CHOSEN, S.REFUND_CHOSEN, S.PRICE_REDUCTION_CHOSEN})
# States from which, once the law's deadline has passed, the shopper may leave the repair.
LATE_FROM = frozenset({S.REQUESTED, S.APPROVED, S.SENT, S.RECEIVED, S.DIAGNOSED, S.QUOTED, S.QUOTE_ACCEPTED})
LATE_REMEDIES = frozenset({S.REFUND_CHOSEN, S.PRICE_REDUCTION_CHOSEN})

TRANSITIONS: dict[State, frozenset[State]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.CANCELLED}),
    S.APPROVED: frozenset({S.SENT, S.CANCELLED}),
    S.SENT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.DIAGNOSED, S.UNREPAIRABLE}),  # found unrepairable at first sight
    S.DIAGNOSED: frozenset({S.REPAIRED, S.QUOTED, S.UNREPAIRABLE}),
    S.QUOTED: frozenset({S.QUOTE_ACCEPTED, S.QUOTE_DECLINED}),
    S.QUOTE_ACCEPTED: frozenset({S.REPAIRED, S.UNREPAIRABLE}),
    S.QUOTE_DECLINED: frozenset({S.SHIPPED_BACK}),
    S.REPAIRED: frozenset({S.SHIPPED_BACK}),
    S.SHIPPED_BACK: frozenset({S.DELIVERED}),
    S.UNREPAIRABLE: frozenset({S.REPLACEMENT_CHOSEN, S.REFUND_CHOSEN}),
    S.DELIVERED: frozenset(),
    S.REPLACEMENT_CHOSEN: frozenset(),
    S.REFUND_CHOSEN: frozenset(),
    S.PRICE_REDUCTION_CHOSEN: frozenset(),
    S.CANCELLED: frozenset(),
}
FINAL = frozenset(state for state, following in TRANSITIONS.items() if not following)
OPEN = frozenset(set(State) - FINAL)

# Who moves a repair into each state: the store's staff, the repairer (a partner, a seller or the store's
# own workshop) or the shopper. Staff may do what a repairer does (the store's own workshop is staff).
STAFF = "staff"
REPAIRER = "repairer"
SHOPPER = "shopper"
MOVED_BY: dict[State, frozenset[str]] = {
    S.APPROVED: frozenset({STAFF}),
    S.CANCELLED: frozenset({STAFF, SHOPPER}),
    S.SENT: frozenset({STAFF, SHOPPER}),
    S.RECEIVED: frozenset({REPAIRER, STAFF}),
    S.DIAGNOSED: frozenset({REPAIRER, STAFF}),
    S.QUOTED: frozenset({REPAIRER, STAFF}),
    S.QUOTE_ACCEPTED: frozenset({SHOPPER}),
    S.QUOTE_DECLINED: frozenset({SHOPPER}),
    S.REPAIRED: frozenset({REPAIRER, STAFF}),
    S.SHIPPED_BACK: frozenset({REPAIRER, STAFF}),
    S.DELIVERED: frozenset({REPAIRER, STAFF}),  # the carrier's scan, recorded by whoever shipped it
    S.UNREPAIRABLE: frozenset({REPAIRER, STAFF}),
    S.REPLACEMENT_CHOSEN: frozenset({SHOPPER, STAFF}),
    S.REFUND_CHOSEN: frozenset({SHOPPER, STAFF}),
    S.PRICE_REDUCTION_CHOSEN: frozenset({SHOPPER, STAFF}),
}


def can_move(current: str, target: str, role: str, *, late: bool = False) -> tuple[bool, str]:
    """Whether ``role`` may move a repair from ``current`` to ``target``, and the code of the refusal.

    ``late``: the law's deadline has passed, so the shopper may leave an open repair for a refund or a
    price reduction whatever its state (``clock.late_remedies`` says when).
    """
    try:
        now, then = State(current), State(target)
    except ValueError:
        return False, "unknown_state"
    if role not in MOVED_BY.get(then, frozenset()):
        return False, "not_yours"
    if then in TRANSITIONS[now]:
        return True, ""
    if late and now in LATE_FROM and then in LATE_REMEDIES:
        return True, ""
    if then in LATE_REMEDIES and now in LATE_FROM:
        return False, "not_late_yet"
    return False, "transition_refused"
