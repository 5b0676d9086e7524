"""The seller's answer, the marketplace's decision, appeals, and the automatic grant at ``respond_by``.

Each step locks the claim, checks the state table (``timeline.transition``), saves and writes its event
in one transaction; a payout is written down in that transaction and paid after it commits, outside any
lock (refunds.services.paying).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.claims.domain import states
from retour.claims.domain.claim import Outcome, Reason
from retour.claims.domain.rules import funded_by
from retour.claims.errors import AppealRefused, ClaimInvalid, ResponseTooLate, TransitionRefused
from retour.claims.models import Claim
from retour.claims.services import facts as claim_facts
from retour.claims.services import money
from retour.claims.services.filing import MAX_KEY, MAX_TEXT
from retour.claims.services.timeline import locked, transition
from retour.core.errors import DomainError
from retour.refunds.errors import IdempotencyKeyRequired
from retour.returns.services.timeline import Actor, user_of

logger = logging.getLogger(__name__)

# The reason of a decision the marketplace took against what the rules say on the evidence.
MARKETPLACE_DECISION = "marketplace_decision"
EVIDENCE = "evidence"
REFUND = "refund"


@dataclass(frozen=True)
class Answer:
    """The seller's answer: evidence (any of a tracking number, a proof of delivery with the delivery
    instant, a message), or a full refund of what the buyer claims, which closes the claim."""

    kind: str
    tracking_number: str = ""
    proof_of_delivery: bool = False
    delivered_at: datetime | None = None
    message: str = ""


def respond(claim: Claim, answer: Answer, *, actor: Actor = None, now: datetime | None = None) -> Claim:
    """The seller answers before ``respond_by``: the evidence enters the facts and the claim is assessed
    again; a full refund pays the buyer what they claim, at the seller's cost, and closes the claim."""
    _check_answer(answer)
    now = now or timezone.now()
    with transaction.atomic():
        current = locked(claim)
        target = states.SELLER_REFUNDED if answer.kind == REFUND else states.SELLER_RESPONDED
        if not states.can_move(current.state, target):
            transition(current, target)  # refused, with the table's words
        if now > current.respond_by:
            raise ResponseTooLate(
                _("The time to answer this claim ended at %(instant)s.")
                % {
                    "instant": timezone.localtime(current.respond_by, current.store.zone).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                }
            )
        current.responded_at = now
        current.response = answer.kind
        current.response_message = answer.message.strip()
        fields: tuple[str, ...] = ("responded_at", "response", "response_message")
        data: dict[str, Any] = {}
        if answer.kind == REFUND:
            current.funded_by = Claim.Funding.SELLER
            amount = current.money(current.claimable)
            current.payout = amount.amount
            money.open_payout(current, amount, actor=actor)
            fields += ("funded_by", "payout", "payout_request")
            data = {"amount": str(amount.amount), "currency": current.currency}
        else:
            current.tracking_number = answer.tracking_number.strip()
            current.proof_of_delivery = answer.proof_of_delivery
            current.delivered_at = answer.delivered_at
            current.facts = {
                **current.facts,
                "proof_of_delivery": bool(current.facts.get("proof_of_delivery")) or answer.proof_of_delivery,
                "delivered_at": (
                    answer.delivered_at.isoformat()
                    if answer.delivered_at
                    else current.facts.get("delivered_at")
                ),
            }
            claim_facts.check_instants(current.order, current.facts)
            _case, assessment = claim_facts.assessed(current.facts)
            current.assessment = claim_facts.contract(assessment, current.number)
            fields += ("tracking_number", "proof_of_delivery", "delivered_at", "facts", "assessment")
            data = {"tracking_number": current.tracking_number, "assessment": current.assessment}
        transition(
            current,
            target,
            actor=actor,
            actor_label="" if user_of(actor) else "seller",
            reason=current.response_message,
            data=data,
            at=now,
            fields=fields,
        )
    return money.pay(current) if answer.kind == REFUND else current


def _check_answer(answer: Answer) -> None:
    if answer.kind not in (EVIDENCE, REFUND):
        raise ClaimInvalid(_("Answer with evidence or a refund."))
    if len(answer.message) > MAX_TEXT:
        raise ClaimInvalid(_("The message has at most %(max)d characters.") % {"max": MAX_TEXT})
    if len(answer.tracking_number) > 64:
        raise ClaimInvalid(_("A tracking number has at most 64 characters."))
    evidence = answer.tracking_number.strip() or answer.proof_of_delivery or answer.message.strip()
    if answer.kind == EVIDENCE and not evidence:
        raise ClaimInvalid(_("Send evidence: a tracking number, a proof of delivery or a message."))
    if answer.proof_of_delivery and answer.delivered_at is None and answer.kind == EVIDENCE:
        raise ClaimInvalid(_("A proof of delivery says when the parcel was delivered: give delivered_at."))


def decide(
    claim: Claim,
    outcome: str,
    *,
    note: str,
    key: str,
    actor: Actor = None,
    now: datetime | None = None,
) -> tuple[Claim, bool]:
    """The marketplace grants or denies ``claim`` (or decides its appeal), saying why to the buyer, once
    per ``key``: the same key again returns the claim as it is. A grant pays the buyer."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise IdempotencyKeyRequired(
            _("An Idempotency-Key of 1 to %(max)d characters is required.") % {"max": MAX_KEY}
        )
    if outcome not in (Outcome.GRANTED, Outcome.DENIED):
        raise ClaimInvalid(_("Decide granted or denied."))
    note = (note or "").strip()
    if not note or len(note) > MAX_TEXT:
        raise ClaimInvalid(_("Say why in 1 to %(max)d characters: the buyer reads it.") % {"max": MAX_TEXT})
    now = now or timezone.now()
    with transaction.atomic():
        current = locked(claim)
        if current.decision_key == key:
            return current, False
        if current.state == states.APPEALED:
            _decide_appeal(current, outcome, note=note, key=key, actor=actor, now=now)
        elif outcome == Outcome.GRANTED:
            _grant(current, note=note, key=key, actor=actor, now=now)
        else:
            _deny(current, note=note, key=key, actor=actor, now=now)
    return money.pay(current), True


def _grant(
    current: Claim,
    *,
    note: str,
    key: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    kind: str = "",
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> Claim:
    """Grant the locked claim: who funds it and what it pays come from the rules; the payout is written
    down (paid after commit)."""
    if not states.can_move(current.state, states.GRANTED):
        transition(current, states.GRANTED)  # refused, with the table's words
    case, assessment = claim_facts.assessed(current.facts)
    if not reason:
        said = assessment.decision
        reason = str(said.reason) if said and said.outcome is Outcome.GRANTED else MARKETPLACE_DECISION
    claimable = assessment.claimable or Decimal(0)
    cap = assessment.cap if assessment.cap is not None else claimable
    payout = current.money(min(claimable, cap)).rounded()
    current.funded_by = str(funded_by(case))
    current.payout, current.capped = payout.amount, cap < claimable
    _decided(current, Outcome.GRANTED, reason, note, key, actor, now)
    money.open_payout(current, payout, actor=actor)
    return transition(
        current,
        states.GRANTED,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        reason=note,
        data={
            "reason": reason,
            "funded_by": current.funded_by,
            "payout": str(payout.amount),
            "currency": current.currency,
            "capped": current.capped,
            **(data or {}),
        },
        at=now,
        fields=(*DECISION_FIELDS, "funded_by", "payout", "capped", "payout_request"),
    )


def _deny(current: Claim, *, note: str, key: str, actor: Actor, now: datetime, kind: str = "") -> Claim:
    _case, assessment = claim_facts.assessed(current.facts)
    said = assessment.decision
    reason = str(said.reason) if said and said.outcome is Outcome.DENIED else MARKETPLACE_DECISION
    _decided(current, Outcome.DENIED, reason, note, key, actor, now)
    return transition(
        current,
        states.DENIED,
        kind=kind,
        actor=actor,
        reason=note,
        data={"reason": reason},
        at=now,
        fields=DECISION_FIELDS,
    )


DECISION_FIELDS = (
    "decision",
    "decision_reason",
    "decision_note",
    "decided_at",
    "decided_by",
    "decision_key",
)


def _decided(
    current: Claim, outcome: str, reason: str, note: str, key: str, actor: Actor, now: datetime
) -> None:
    current.decision, current.decision_reason, current.decision_note = str(outcome), reason, note
    current.decision_key, current.decided_by = key, user_of(actor)
    if current.state != states.APPEALED:  # the appeal window runs from the first decision
        current.decided_at = now


def _decide_appeal(current: Claim, outcome: str, *, note: str, key: str, actor: Actor, now: datetime) -> None:
    """Upheld: the claim goes back to its decision; reversed: a grant becomes a denial (the seller is
    made whole, the marketplace bears the payout) or a denial becomes a grant (the buyer is paid)."""
    before = states.DECISION_OF[current.appeal_from]
    current.appeal_decided_at = now
    if outcome == before:
        current.appeal_outcome = "upheld"
        current.decision_note, current.decision_key = note, key
        target = current.appeal_from
        if target in (states.GRANTED, states.PAID):
            target = states.PAID if money.payout_status(current) == "paid" else states.GRANTED
        transition(
            current,
            target,
            kind="appeal_upheld",
            actor=actor,
            reason=note,
            at=now,
            fields=("appeal_outcome", "appeal_decided_at", "decision_note", "decision_key"),
        )
        return
    current.appeal_outcome = "reversed"
    current.save(update_fields=["appeal_outcome", "appeal_decided_at"])
    if outcome == Outcome.GRANTED:
        _grant(current, note=note, key=key, actor=actor, now=now, kind="appeal_reversed")
        return
    money.reverse(current)
    was_funded_by = current.funded_by
    current.funded_by = Claim.Funding.MARKETPLACE  # the buyer keeps the payout; the seller owes nothing
    current.save(update_fields=["funded_by"])
    _decided(current, Outcome.DENIED, MARKETPLACE_DECISION, note, key, actor, now)
    transition(
        current,
        states.DENIED,
        kind="appeal_reversed",
        actor=actor,
        reason=note,
        data={"reversed": str(current.payout), "was_funded_by": was_funded_by, "currency": current.currency},
        at=now,
        fields=DECISION_FIELDS,
    )


def appeal(
    claim: Claim, party: str, *, reason: str, actor: Actor = None, now: datetime | None = None
) -> Claim:
    """The buyer or the seller appeals the decision: once, within 30 days of it."""
    if party not in Claim.Party.values:
        raise ClaimInvalid(_("The buyer or the seller appeals."))
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise ClaimInvalid(
            _("Give the grounds of the appeal in 1 to %(max)d characters.") % {"max": MAX_TEXT}
        )
    now = now or timezone.now()
    with transaction.atomic():
        current = locked(claim)
        if current.appealed_at is not None:
            raise AppealRefused(_("A decision is appealed once, and this one was."))
        if current.state not in states.APPEALABLE or current.decided_at is None:
            raise TransitionRefused(
                _("Only a decided claim can be appealed; this one is %(state)s.")
                % {"state": Claim.State(current.state).label},
                current=current.state,
            )
        if now > current.decided_at + timedelta(hours=states.APPEAL_HOURS):
            raise AppealRefused(_("A decision can be appealed for 30 days, and that time has passed."))
        current.appealed_at, current.appealed_by, current.appeal_reason = now, party, reason
        current.appeal_from = current.state
        return transition(
            current,
            states.APPEALED,
            actor=actor,
            actor_label="" if user_of(actor) else party,
            reason=reason,
            data={"party": party},
            at=now,
            fields=("appealed_at", "appealed_by", "appeal_reason", "appeal_from"),
        )


def grant_overdue(now: datetime | None = None, limit: int = 200) -> int:
    """Grant every claim whose seller let ``respond_by`` pass without an answer (reason
    ``seller_no_response``), each once: a claim is taken under its row lock, skipping rows another worker
    holds, and only while it still awaits the seller. Returns how many this call granted."""
    now = now or timezone.now()
    granted: list[Claim] = []
    skipped: list[int] = []
    while len(granted) + len(skipped) < limit:
        with transaction.atomic():
            row = (
                Claim.objects.select_for_update(skip_locked=True)
                .filter(state=states.AWAITING_SELLER, respond_by__lt=now)
                .exclude(pk__in=skipped)
                .order_by("respond_by", "id")
                .first()
            )
            if row is None:
                break
            try:
                with transaction.atomic():
                    current = locked(row)
                    _grant(
                        current,
                        note="",
                        key=f"overdue-{current.number}",
                        actor=None,
                        now=now,
                        reason=str(Reason.SELLER_NO_RESPONSE),
                        actor_label="system",
                        data={"respond_by": current.respond_by.isoformat()},
                    )
                    granted.append(current)
            except DomainError:  # one claim that cannot be paid (nothing left to refund) stops no other
                logger.exception("Granting the overdue claim %s failed", row.number)
                skipped.append(row.pk)
    for claim in granted:
        money.pay(claim)
    return len(granted)
