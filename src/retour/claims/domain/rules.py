"""The guarantee's rules (specs/guarantee-claims.md): whether a claim can be filed, when, what the
marketplace decides on the evidence, what it pays and who funds it.

``assess`` is pure: it reads a ``Claim`` and the marketplace's ``Terms`` and returns an ``Assessment``,
a value. Amounts are added and compared exactly; they are rounded once, when they are shown.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Overflow

from retour.claims.domain.assessment import Assessment, Decision
from retour.claims.domain.claim import (
    NOT_COVERED,
    Claim,
    ClaimType,
    Code,
    FulfilledBy,
    FundedBy,
    Outcome,
    Reason,
)
from retour.claims.domain.terms import Terms

# Exact arithmetic: cases.py bounds every amount (15 integer digits, 30 decimals), so a sum of three
# fits in these digits; a result that would not be exact raises instead of being rounded silently.
EXACT = Context(prec=64, rounding=ROUND_HALF_UP, traps=[Inexact, InvalidOperation, Overflow])


def assess(claim: Claim, terms: Terms) -> Assessment:
    """What the guarantee says about ``claim``: eligibility in the spec's order, then the decision."""
    currency = claim.currency
    refused = _not_covered(claim)
    if refused is not None:
        return Assessment(eligible=False, code=refused, currency=currency)
    claimable = EXACT.subtract(EXACT.add(claim.item_price, claim.shipping_paid), claim.already_refunded)
    cap = terms.cap(currency)
    file_from = filing_opens(claim, terms)
    deadline = filing_deadline(claim, terms)
    if claim.filed_at > deadline:
        code = Code.TOO_LATE
    elif file_from is None:
        code = Code.CONTACT_SELLER_FIRST
        if claim.claim_type is ClaimType.RETURN_NOT_REFUNDED:
            code = Code.RETURN_NOT_DELIVERED
    elif claim.filed_at < file_from:
        code = Code.TOO_EARLY
    else:
        return _eligible(claim, terms, claimable, cap, file_from, deadline)
    return Assessment(
        eligible=False,
        code=code,
        currency=currency,
        claimable=claimable,
        cap=cap,
        file_from=file_from,
        deadline=deadline,
        wait_hours=_wait_hours(claim, terms),
    )


def _eligible(
    claim: Claim, terms: Terms, claimable: Decimal, cap: Decimal, file_from: datetime, deadline: datetime
) -> Assessment:
    decision = decide(claim)
    granted = decision.outcome is Outcome.GRANTED
    payout = min(claimable, cap) if granted else Decimal(0)
    return Assessment(
        eligible=True,
        code=Code.ELIGIBLE,
        currency=claim.currency,
        claimable=claimable,
        payout=payout,
        cap=cap,
        # Nothing paid is never capped; caps are positive, so a granted claim always pays something.
        capped=granted and cap < claimable,
        file_from=file_from,
        deadline=deadline,
        respond_by=claim.filed_at + _hours(terms.response_hours),
        decision=decision,
        funded_by=funded_by(claim) if granted else None,
        wait_hours=_wait_hours(claim, terms),
    )


def _wait_hours(claim: Claim, terms: Terms) -> int | None:
    if claim.claim_type is ClaimType.NOT_AS_DESCRIBED:
        return terms.seller_return_hours
    if claim.claim_type is ClaimType.RETURN_NOT_REFUNDED:
        return terms.seller_refund_hours
    return None


def _not_covered(claim: Claim) -> Code | None:
    """Rules 1 to 5: the first that the claim fails, or ``None`` when the guarantee covers it."""
    if claim.sold_by_marketplace:
        return Code.NOT_THIRD_PARTY
    if claim.item_kind in NOT_COVERED:
        return Code.NOT_COVERED_ITEM
    if not claim.paid_on_marketplace:
        return Code.NOT_PAID_ON_MARKETPLACE
    if claim.chargeback_filed:
        return Code.CHARGEBACK_FILED
    if claim.already_refunded >= EXACT.add(claim.item_price, claim.shipping_paid):
        return Code.ALREADY_REFUNDED
    return None


def filing_deadline(claim: Claim, terms: Terms) -> datetime:
    """The last instant a claim may be filed (rule 6): filing exactly then is in time."""
    deadline = claim.max_delivery_at + _hours(terms.filing_hours)
    if claim.claim_type is ClaimType.RETURN_NOT_REFUNDED and claim.return_delivered_at is not None:
        deadline = max(deadline, claim.return_delivered_at + _hours(terms.return_filing_hours))
    return deadline


def filing_opens(claim: Claim, terms: Terms) -> datetime | None:
    """The earliest instant the claim may be filed (rule 7), or ``None`` when the buyer has a step left
    first: asking the seller for a return, or getting the return delivered."""
    if claim.claim_type is ClaimType.NOT_RECEIVED:
        opens = [
            claim.max_delivery_at + _hours(terms.late_delivery_hours),
            claim.ordered_at + _hours(terms.order_age_hours),
        ]
        # Marked delivered but never came: the buyer may claim at once.
        if claim.delivered_at is not None:
            opens.append(claim.delivered_at)
        return min(opens)
    if claim.claim_type is ClaimType.NOT_AS_DESCRIBED:
        if claim.return_requested_at is None:
            return None
        opens_at = claim.return_requested_at + _hours(terms.seller_return_hours)
        answered = claim.seller_answered_return_at
        # A refusal before the seller's time is up ends the wait.
        if claim.seller_refused_return and answered is not None and answered < opens_at:
            return answered
        return opens_at
    if claim.return_delivered_at is None:
        return None
    return claim.return_delivered_at + _hours(terms.seller_refund_hours)


def decide(claim: Claim) -> Decision:
    """The marketplace's decision on the evidence in the claim, assuming the seller does not refund
    before ``respond_by``."""
    if claim.claim_type is ClaimType.NOT_RECEIVED:
        if claim.delivered_at is not None and claim.proof_of_delivery:
            return Decision(Outcome.DENIED, Reason.DELIVERED_WITH_PROOF)
        return Decision(Outcome.GRANTED, Reason.NOT_DELIVERED)
    if claim.claim_type is ClaimType.NOT_AS_DESCRIBED:
        if claim.seller_refused_return:
            return Decision(Outcome.GRANTED, Reason.SELLER_REFUSED_RETURN)
        if claim.seller_answered_return_at is None:
            return Decision(Outcome.GRANTED, Reason.SELLER_NO_ANSWER)
        if claim.return_delivered_at is not None:
            return Decision(Outcome.GRANTED, Reason.RETURNED_NOT_AS_DESCRIBED)
        return Decision(Outcome.DENIED, Reason.ITEM_NOT_RETURNED)
    return Decision(Outcome.GRANTED, Reason.RETURNED_NOT_REFUNDED)


def funded_by(claim: Claim) -> FundedBy:
    """Who bears a granted claim: the marketplace when the fault is its own (its fulfilment, or a parcel
    lost on its protected shipping though shipped on time), else the seller, against whom it counts."""
    if claim.fulfilled_by is FulfilledBy.MARKETPLACE:
        return FundedBy.MARKETPLACE
    if claim.claim_type is ClaimType.NOT_RECEIVED and claim.protected_shipping and claim.shipped_on_time:
        return FundedBy.MARKETPLACE
    return FundedBy.SELLER


def _hours(hours: int) -> timedelta:
    return timedelta(hours=hours)
