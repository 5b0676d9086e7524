"""Filing a guarantee claim: validated, decided eligible or not by the rules, made once per client key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.claims.domain.assessment import instant
from retour.claims.domain.claim import ClaimType
from retour.claims.domain.states import AWAITING_SELLER
from retour.claims.errors import ClaimExists, ClaimInvalid, ClaimNotEligible
from retour.claims.models import Claim, ClaimLine
from retour.claims.services import facts as claim_facts
from retour.claims.services.timeline import record_event
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.refunds.errors import IdempotencyKeyReused
from retour.returns.services.timeline import Actor, user_of

MAX_KEY = 64
MAX_TEXT = 2000


@dataclass(frozen=True)
class ClaimedLine:
    order_line_id: int
    quantity: int


@dataclass(frozen=True)
class Filing:
    """What the buyer (or a system on their behalf) claims. ``stated`` holds the facts the order cannot
    tell (see ``facts.STATED_FLAGS``, ``facts.STATED_INSTANTS``, ``fulfilled_by``, ``item_kind``,
    ``already_refunded``)."""

    claim_type: str
    lines: Sequence[ClaimedLine]
    message: str = ""
    language: str = ""
    stated: Mapping[str, Any] = field(default_factory=dict)


def file_claim(
    order: Order,
    filing: Filing,
    *,
    key: str = "",
    actor: Actor = None,
    channel: str = Claim.Channel.API,
    now: datetime | None = None,
) -> tuple[Claim, bool]:
    """File ``filing`` against the seller of the claimed lines. Returns the claim and whether this call
    made it; the same ``key`` again returns the first claim, unchanged. The rules decide eligibility: an
    ineligible claim is refused (``ClaimNotEligible``, with the rules' code and when it may be filed)."""
    key = (key or "").strip()
    if len(key) > MAX_KEY:
        raise ClaimInvalid(_("An Idempotency-Key has at most %(max)d characters.") % {"max": MAX_KEY})
    if key:
        found = _existing(order, key)
        if found is not None:
            return found, False
    lines = _lines(order, filing)
    seller = lines[0][0].seller
    item_price = sum((claim_facts.paid_for(line, n) for line, n in lines), Money.zero(order.currency))
    filed_at = now or timezone.now()
    ordered = [line for line, _n in lines]
    facts = claim_facts.build(order, seller, filing.claim_type, item_price, filing.stated, filed_at, ordered)
    _case, assessment = claim_facts.assessed(facts)
    if not assessment.eligible:
        raise ClaimNotEligible(
            assessment.explanation(translation.get_language() or "en"),
            reason=str(assessment.code),
            file_from=instant(assessment.file_from, up=True),
        )
    assert assessment.respond_by is not None  # an eligible claim always has one
    try:
        with transaction.atomic():
            # The lines' order row serialises filings for one order: a line is claimed once.
            Order.objects.select_for_update().filter(pk=order.pk).first()
            if key and (found := _existing(order, key)) is not None:
                return found, False
            taken = ClaimLine.objects.filter(order_line__in=ordered).values_list("claim__number", flat=True)
            if taken:
                raise ClaimExists(
                    _("These items are already claimed in %(number)s.") % {"number": taken[0]},
                    claim=taken[0],
                )
            claim = Claim.objects.create(
                store_id=order.store_id,
                order=order,
                seller=seller,
                claim_type=filing.claim_type,
                state=AWAITING_SELLER,
                channel=channel,
                language=filing.language,
                message=filing.message.strip(),
                request_key=key or None,
                currency=order.currency,
                item_price=item_price.amount,
                shipping_paid=Decimal(facts["shipping_paid"]),
                already_refunded=Decimal(facts["already_refunded"]),
                facts=facts,
                filed_at=filed_at,
                respond_by=assessment.respond_by,
                claimable=Money(assessment.claimable or Decimal(0), order.currency).rounded().amount,
            )
            claim.assessment = claim_facts.contract(assessment, claim.number)
            claim.save(update_fields=["assessment"])
            ClaimLine.objects.bulk_create(
                ClaimLine(
                    claim=claim, order_line=line, quantity=n, amount=claim_facts.paid_for(line, n).amount
                )
                for line, n in lines
            )
            record_event(
                claim,
                "filed",
                actor=actor,
                actor_label="" if user_of(actor) else "buyer",
                to_state=AWAITING_SELLER,
                reason=claim.message,
                data={"facts": facts, "assessment": claim.assessment},
                at=filed_at,
            )
    except IntegrityError:  # the same key, filed by another process between our check and our insert
        found = _existing(order, key) if key else None
        if found is None:
            raise
        return found, False
    return claim, True


def filed_with(order: Order, key: str) -> Claim | None:
    """The claim of ``order`` filed with the client ``key``, if any (a second click finds the first)."""
    key = (key or "").strip()
    return Claim.objects.filter(order=order, request_key=key).first() if key else None


def _existing(order: Order, key: str) -> Claim | None:
    found = Claim.objects.filter(store_id=order.store_id, request_key=key).first()
    if found is not None and found.order_id != order.pk:
        raise IdempotencyKeyReused(_("This idempotency key was used for another order's claim."))
    return found


def _lines(order: Order, filing: Filing) -> list[tuple[OrderLine, int]]:
    """The claimed order lines with their quantities, checked: the order's own, each once, no more units
    than were bought, one seller."""
    if filing.claim_type not in ClaimType.__members__.values():
        raise ClaimInvalid(_("“%(value)s” is not a type of claim.") % {"value": filing.claim_type})
    if len(filing.message) > MAX_TEXT:
        raise ClaimInvalid(_("The message has at most %(max)d characters.") % {"max": MAX_TEXT})
    if not filing.lines:
        raise ClaimInvalid(_("Claim at least one item."))
    by_id = {line.pk: line for line in order.lines.select_related("seller", "order__store")}
    found: list[tuple[OrderLine, int]] = []
    for asked in filing.lines:
        line = by_id.get(asked.order_line_id)
        if line is None:
            raise ClaimInvalid(
                _("The order has no line %(line)s.") % {"line": asked.order_line_id}, field="lines"
            )
        if any(line.pk == seen.pk for seen, _n in found):
            raise ClaimInvalid(_("Claim each line once."), field="lines")
        if not 1 <= asked.quantity <= line.quantity:
            raise ClaimInvalid(
                _("Claim from 1 to %(max)d units of “%(title)s”.")
                % {"max": line.quantity, "title": line.title},
                field="lines",
            )
        found.append((line, asked.quantity))
    if len({line.seller_id for line, _n in found}) > 1:
        raise ClaimInvalid(_("A claim is against one seller: claim each seller's items separately."))
    return found
