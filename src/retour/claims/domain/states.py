"""A claim's lifecycle as data: which state may follow which.

Pure: the services lock the claim, check here, save and append the event. A move the table lacks is
refused, so a double click, a stale page or two workers never move a claim twice.

    awaiting_seller ──▶ seller_responded ──▶ granted ──▶ paid
          │   │                │   │           │          │
          │   └────────────────┼───┴──▶ denied │          │
          └──▶ seller_refunded ◀┘          │   ▼          ▼
                                           └─▶ appealed ◀─┘ ──▶ granted | denied | paid

Filing makes a claim ``awaiting_seller`` (an ineligible claim is refused, never made). The seller answers
with evidence (``seller_responded``) or refunds in full (``seller_refunded``, closed); past ``respond_by``
without an answer the worker grants it. A granted claim is ``paid`` once every tender of its payout is.
Either party may appeal a decision once: staff uphold it (the claim goes back to where it was) or reverse
it (granted becomes denied, denied becomes granted).
"""

from __future__ import annotations

from datetime import datetime, timedelta

AWAITING_SELLER = "awaiting_seller"
SELLER_RESPONDED = "seller_responded"
SELLER_REFUNDED = "seller_refunded"
GRANTED = "granted"
DENIED = "denied"
PAID = "paid"
APPEALED = "appealed"

STATES = (AWAITING_SELLER, SELLER_RESPONDED, SELLER_REFUNDED, GRANTED, DENIED, PAID, APPEALED)

TRANSITIONS: dict[str, frozenset[str]] = {
    AWAITING_SELLER: frozenset({SELLER_RESPONDED, SELLER_REFUNDED, GRANTED, DENIED}),
    SELLER_RESPONDED: frozenset({SELLER_REFUNDED, GRANTED, DENIED}),
    GRANTED: frozenset({PAID, APPEALED}),
    PAID: frozenset({APPEALED}),
    DENIED: frozenset({APPEALED}),
    # Upheld: back to the decision's state (a payout paid meanwhile: paid); reversed: the other one.
    APPEALED: frozenset({GRANTED, DENIED, PAID}),
    SELLER_REFUNDED: frozenset(),
}
# Waiting for the marketplace's decision (the queue), the seller's answer first.
UNDECIDED = frozenset({AWAITING_SELLER, SELLER_RESPONDED})
# A decision stands: it may be appealed (once, within the appeal window).
APPEALABLE = frozenset({GRANTED, PAID, DENIED})
# The decision a state stands for.
DECISION_OF = {GRANTED: GRANTED, PAID: GRANTED, DENIED: DENIED}


def can_move(current: str, target: str) -> bool:
    """Whether a claim in ``current`` may become ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


# Either party may appeal a decision once, within this many hours of it (30 days, elapsed time).
APPEAL_HOURS = 30 * 24


def appeal_open(state: str, decided_at: datetime | None, appealed_at: datetime | None, now: datetime) -> bool:
    """Whether the decision of a claim in ``state`` may be appealed at ``now``: a decision that stands,
    never appealed, within the appeal window of when it was taken."""
    if state not in APPEALABLE or decided_at is None or appealed_at is not None:
        return False
    return now <= appeal_until(decided_at)


def appeal_until(decided_at: datetime) -> datetime:
    """The last instant a decision taken at ``decided_at`` may be appealed."""
    return decided_at + timedelta(hours=APPEAL_HOURS)
