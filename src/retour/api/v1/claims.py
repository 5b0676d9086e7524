"""``/api/v1/claims``: marketplace guarantee claims (specs/guarantee-claims.md): file one for a buyer,
list the queue, read one with its timeline, answer for the seller, decide, appeal.

A claim is addressed by its number within the stores the token reaches: ``?store=CODE`` narrows a call to
one store, a token bound to a store reaches only that one, and a claim of another store is not found
(404), exactly as a claim that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status
from pydantic import AwareDatetime

from retour.api.scope import one_store, seller_scope, store_scope, within
from retour.api.v1.returns import OrderNotFound, asked_language, require
from retour.claims.domain import states
from retour.claims.errors import ClaimInvalid, ClaimNotFound
from retour.claims.models import Claim
from retour.claims.services import deciding, money
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.claims.services.timeline import find
from retour.claims.wording import reason_text
from retour.core.money import Money
from retour.orders.models import Order

router = Router(tags=["claims"])
MAX_PAGE = 200
MAX_ID = 2**63 - 1
MAX_AMOUNT = Decimal("1000000000000")

ClaimType = Literal["not_received", "not_as_described", "return_not_refunded"]
State = Literal[
    "awaiting_seller", "seller_responded", "seller_refunded", "granted", "denied", "paid", "appealed"
]
Language = Literal["", "en", "fr"]


class ClaimLineIn(Schema):
    order_line: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(1, ge=1, le=10_000)


class FactsIn(Schema):
    """What the order does not tell: each has the default the rules read when it is left out."""

    fulfilled_by: Literal["seller", "marketplace"] = "seller"
    item_kind: Literal["physical", "digital", "service", "gift_card"] | None = None
    paid_on_marketplace: bool = True
    chargeback_filed: bool = False
    protected_shipping: bool = False
    shipped_on_time: bool = False
    proof_of_delivery: bool = False
    seller_refused_return: bool = False
    already_refunded: Decimal = Field(Decimal(0), ge=0, le=MAX_AMOUNT, decimal_places=4)
    # Empty: the end of the latest estimated delivery day of the order's shipments.
    max_delivery_at: AwareDatetime | None = None
    # Empty: the carrier's delivered scan of the order's shipments, if any.
    delivered_at: AwareDatetime | None = None
    return_requested_at: AwareDatetime | None = None
    seller_answered_return_at: AwareDatetime | None = None
    return_delivered_at: AwareDatetime | None = None


class ClaimIn(Schema):
    order: str = Field(min_length=1, max_length=64)
    claim_type: ClaimType
    lines: list[ClaimLineIn] = Field(min_length=1, max_length=200)
    message: str = Field("", max_length=2000)
    language: Language = ""
    facts: FactsIn | None = None


class AnswerIn(Schema):
    kind: Literal["evidence", "refund"]
    tracking_number: str = Field("", max_length=64)
    proof_of_delivery: bool = False
    delivered_at: AwareDatetime | None = None
    message: str = Field("", max_length=2000)


class DecisionIn(Schema):
    outcome: Literal["granted", "denied"]
    note: str = Field(min_length=1, max_length=2000)


class AppealIn(Schema):
    party: Literal["buyer", "seller"]
    reason: str = Field(min_length=1, max_length=2000)


class ClaimLineOut(Schema):
    order_line: int
    title: str
    quantity: int
    amount: Decimal


class AnswerOut(Schema):
    kind: str
    answered_at: datetime
    tracking_number: str
    proof_of_delivery: bool
    delivered_at: datetime | None
    message: str


class DecisionOut(Schema):
    outcome: str
    reason: str
    reason_text: str
    note: str
    decided_at: datetime | None


class AppealOut(Schema):
    party: str
    reason: str
    appealed_at: datetime
    outcome: str  # "" while staff have not decided it; upheld | reversed
    decided_at: datetime | None


class EventOut(Schema):
    at: datetime
    kind: str
    from_state: str
    to_state: str
    by: str
    reason: str


class ClaimOut(Schema):
    number: str
    store: str
    order: str
    seller: str
    claim_type: str
    state: str
    language: str
    channel: str
    message: str
    lines: list[ClaimLineOut]
    currency: str
    item_price: Decimal
    shipping_paid: Decimal
    already_refunded: Decimal
    claimable: Decimal
    filed_at: datetime
    respond_by: datetime
    explanation: str
    answer: AnswerOut | None
    decision: DecisionOut | None
    funded_by: str
    payout: Decimal
    capped: bool
    payout_status: str  # none | pending | paid | failed
    appeal: AppealOut | None
    timeline: list[EventOut]


class ClaimSummary(Schema):
    number: str
    store: str
    order: str
    seller: str
    claim_type: str
    state: str
    currency: str
    claimable: Decimal
    payout: Decimal
    funded_by: str
    filed_at: datetime
    respond_by: datetime


class ClaimPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ClaimSummary]


class ClaimFilters(Schema):
    state: State | None = None
    claim_type: ClaimType | None = None
    seller: str | None = Field(None, max_length=64)
    order: str | None = Field(None, max_length=64)
    overdue: bool | None = None  # true: awaiting the seller past respond_by
    store: str | None = Field(None, max_length=64)
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


def _amount(value: Decimal, currency: str) -> Decimal:
    return Money(Decimal(value), currency).rounded().amount


def _explanation(claim: Claim, language: str) -> str:
    """The rules' sentences for the buyer, as they were when the claim was last assessed."""
    explained = claim.assessment.get("explanation", {})
    return str(explained.get("fr" if language.startswith("fr") else "en", ""))


def present(request: HttpRequest, claim: Claim) -> ClaimOut:
    claim = Claim.objects.select_related("store", "order", "seller").get(pk=claim.pk)
    currency = claim.currency
    answer = None
    if claim.responded_at is not None:
        answer = AnswerOut(
            kind=claim.response,
            answered_at=claim.responded_at,
            tracking_number=claim.tracking_number,
            proof_of_delivery=claim.proof_of_delivery,
            delivered_at=claim.delivered_at,
            message=claim.response_message,
        )
    decision = None
    if claim.decision:
        decision = DecisionOut(
            outcome=claim.decision,
            reason=claim.decision_reason,
            reason_text=reason_text(claim.decision_reason),
            note=claim.decision_note,
            decided_at=claim.decided_at,
        )
    appeal = None
    if claim.appealed_at is not None:
        appeal = AppealOut(
            party=claim.appealed_by,
            reason=claim.appeal_reason,
            appealed_at=claim.appealed_at,
            outcome=claim.appeal_outcome,
            decided_at=claim.appeal_decided_at,
        )
    return ClaimOut(
        number=claim.number,
        store=claim.store.code,
        order=claim.order.number,
        seller=claim.seller.code,
        claim_type=claim.claim_type,
        state=claim.state,
        language=claim.language,
        channel=claim.channel,
        message=claim.message,
        lines=[
            ClaimLineOut(
                order_line=line.order_line_id,
                title=line.order_line.title,
                quantity=line.quantity,
                amount=_amount(line.amount, currency),
            )
            for line in claim.lines.select_related("order_line").order_by("id")
        ],
        currency=currency,
        item_price=_amount(claim.item_price, currency),
        shipping_paid=_amount(claim.shipping_paid, currency),
        already_refunded=_amount(claim.already_refunded, currency),
        claimable=_amount(claim.claimable, currency),
        filed_at=claim.filed_at,
        respond_by=claim.respond_by,
        explanation=_explanation(claim, asked_language(request) or claim.language or "en"),
        answer=answer,
        decision=decision,
        funded_by=claim.funded_by,
        payout=_amount(claim.payout, currency),
        capped=claim.capped,
        payout_status=money.payout_status(claim),
        appeal=appeal,
        timeline=[
            EventOut(
                at=event.at,
                kind=event.kind,
                from_state=event.from_state,
                to_state=event.to_state,
                by=event.actor.get_username() if event.actor else event.actor_label,
                reason=event.reason,
            )
            for event in claim.events.select_related("actor").order_by("at", "id")
        ],
    )


def find_claim(request: HttpRequest, number: str, store: str | None = None) -> Claim:
    """The claim numbered ``number`` in the stores the request reaches (``?store=CODE``, the token's)."""
    require(request, "claims.view_claim", _("You may not see claims."))
    scope = store_scope(request, store or request.GET.get("store"))
    found = find(number, scope.pk if scope is not None else None)
    seller = seller_scope(request)
    if seller is not None and found.seller_id != seller.pk:
        # Another seller's claim is not found, in the very words of one that does not exist.
        raise ClaimNotFound(_("There is no claim %(number)s.") % {"number": found.number})
    return found


@router.post("", response={200: ClaimOut, 201: ClaimOut}, summary="File a guarantee claim for a buyer")
def post_claim(
    request: HttpRequest,
    body: ClaimIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # type: ignore[type-arg]
    store: str | None = None,
) -> Status[ClaimOut]:
    """The guarantee's rules decide at once whether the claim can be filed: an ineligible claim is refused
    (422, code ``claim_not_eligible``, with the rule's ``reason`` and, when the claim is only early, the
    ``file_from`` instant), nothing is made. An eligible claim waits for the seller until ``respond_by``.
    Send an ``Idempotency-Key``: the same key again returns the first claim (200) and files nothing more."""
    require(request, "claims.add_claim", _("You may not file claims."))
    target = one_store(request, store)
    order = Order.objects.filter(store=target, number=body.order).first()
    if order is None:
        raise OrderNotFound(_("The store has no order %(number)s.") % {"number": body.order})
    stated: dict[str, Any] = body.facts.model_dump() if body.facts is not None else {}
    claim, created = file_claim(
        order,
        Filing(
            claim_type=body.claim_type,
            lines=[ClaimedLine(line.order_line, line.quantity) for line in body.lines],
            message=body.message,
            language=body.language or asked_language(request) or order.language,
            stated=stated,
        ),
        key=idempotency_key,
        actor=request.user,
        channel=Claim.Channel.API,
    )
    return Status(201 if created else 200, present(request, claim))


@router.get("", response=ClaimPage, summary="List claims (the queue: ?state=awaiting_seller)")
def list_claims(request: HttpRequest, filters: Query[ClaimFilters]) -> ClaimPage:
    """Claims in the stores the request reaches, filtered. Claims waiting for the seller or for a
    decision come by deadline (``respond_by``, the most urgent first); other lists newest first. Pages of
    ``limit`` (1 to 200) from ``offset``."""
    require(request, "claims.view_claim", _("You may not see claims."))
    found = within(
        Claim.objects.select_related("store", "order", "seller"), store_scope(request, filters.store)
    )
    seller = seller_scope(request)
    if seller is not None:
        found = found.filter(seller=seller)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.claim_type:
        found = found.filter(claim_type=filters.claim_type)
    if filters.seller:
        found = found.filter(seller__code=filters.seller)
    if filters.order:
        found = found.filter(order__number=filters.order)
    if filters.overdue is not None:
        late = Q(state=states.AWAITING_SELLER, respond_by__lt=timezone.now())
        found = found.filter(late) if filters.overdue else found.exclude(late)
    by_deadline = filters.state in states.UNDECIDED or filters.overdue
    found = found.order_by(*(("respond_by", "id") if by_deadline else ("-filed_at", "-id")))
    page = found[filters.offset : filters.offset + filters.limit]
    return ClaimPage(
        count=found.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[
            ClaimSummary(
                number=claim.number,
                store=claim.store.code,
                order=claim.order.number,
                seller=claim.seller.code,
                claim_type=claim.claim_type,
                state=claim.state,
                currency=claim.currency,
                claimable=_amount(claim.claimable, claim.currency),
                payout=_amount(claim.payout, claim.currency),
                funded_by=claim.funded_by,
                filed_at=claim.filed_at,
                respond_by=claim.respond_by,
            )
            for claim in page
        ],
    )


@router.get("/{number}", response=ClaimOut, summary="A claim with its answer, decision and timeline")
def get_claim(request: HttpRequest, number: str, store: str | None = None) -> ClaimOut:
    return present(request, find_claim(request, number, store))


@router.post("/{number}/respond", response=ClaimOut, summary="Answer a claim for the seller")
def respond(request: HttpRequest, number: str, body: AnswerIn, store: str | None = None) -> ClaimOut:
    """Before ``respond_by``: evidence (a tracking number, a proof of delivery with when it was
    delivered, a message), which the rules weigh when the claim is decided; or a full refund of what the
    buyer claims, paid at the seller's cost, which closes the claim."""
    require(request, "claims.respond_claim", _("You may not answer claims."))
    claim = find_claim(request, number, store)
    answer = deciding.Answer(
        kind=body.kind,
        tracking_number=body.tracking_number,
        proof_of_delivery=body.proof_of_delivery,
        delivered_at=body.delivered_at,
        message=body.message,
    )
    return present(request, deciding.respond(claim, answer, actor=request.user))


@router.post("/{number}/decide", response=ClaimOut, summary="Grant or deny a claim, or decide its appeal")
def decide(
    request: HttpRequest,
    number: str,
    body: DecisionIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # type: ignore[type-arg]
    store: str | None = None,
) -> ClaimOut:
    """``note`` is what the buyer reads. A grant pays the buyer (up to the cap) through the refund
    machinery, funded by the seller or the marketplace as the rules say. On an appealed claim, the same
    outcome upholds the decision and the other reverses it (the money moves back with its own ledger
    entries). Send an ``Idempotency-Key`` (required): the same key again changes and pays nothing more."""
    require(request, "claims.decide_claim", _("You may not decide claims."))
    claim = find_claim(request, number, store)
    decided, _created = deciding.decide(
        claim, body.outcome, note=body.note, key=idempotency_key, actor=request.user
    )
    return present(request, decided)


@router.post("/{number}/appeal", response=ClaimOut, summary="Appeal a claim's decision")
def appeal(request: HttpRequest, number: str, body: AppealIn, store: str | None = None) -> ClaimOut:
    """For the buyer or the seller: once per claim, within 30 days of the decision. Staff then decide
    the appeal with ``/decide``."""
    require(request, "claims.appeal_claim", _("You may not appeal claims."))
    claim = find_claim(request, number, store)
    if seller_scope(request) is not None and body.party != "seller":
        raise ClaimInvalid(_("A seller's account appeals for the seller: party is seller."))
    return present(request, deciding.appeal(claim, body.party, reason=body.reason, actor=request.user))
