"""Whether and when a buyer can claim, per third-party seller of an order and per type of claim: the rules
(claims/domain) asked with the order's facts as they are now, before anything is filed.

The facts the order cannot tell come from the buyer's own return requests for those items
(``stated_from_returns``): asking the seller for a return, the seller's answer (approved or refused), the
parcel received back, and what was refunded for it. The same facts are filed with the claim, so what the
buyer is told here is what filing decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from retour.catalog.models import Seller
from retour.claims.domain.assessment import Assessment
from retour.claims.domain.claim import ClaimType, Code
from retour.claims.errors import ClaimInvalid
from retour.claims.models import Claim, ClaimLine
from retour.claims.services import facts as claim_facts
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.refunds.gateways.base import SUCCEEDED
from retour.refunds.models import Refund
from retour.returns.models import Return, ReturnEvent

# The order a buyer reads the types in, and how each is offered.
TYPES = (ClaimType.NOT_RECEIVED, ClaimType.NOT_AS_DESCRIBED, ClaimType.RETURN_NOT_REFUNDED)
# A code that a step of the buyer's own can change (ask for a return, send it back, wait).
WAITING = frozenset({Code.TOO_EARLY, Code.CONTACT_SELLER_FIRST, Code.RETURN_NOT_DELIVERED})
OPEN_RETURN_STATES = frozenset(Return.State.values) - {Return.State.CANCELLED, Return.State.EXPIRED}


@dataclass(frozen=True)
class TypeOutlook:
    """What the rules say about one type of claim for these items, if it were filed now."""

    claim_type: str
    code: str
    eligible: bool
    file_from: datetime | None
    assessment: Assessment | None  # None: the order lacks a fact the rules need (no delivery estimate)

    @property
    def waiting(self) -> bool:
        """Not yet: a date to wait for, or a step the buyer takes first (ask the seller for a return)."""
        return not self.eligible and self.code in WAITING

    def explanation(self, language: str) -> str:
        return self.assessment.explanation(language) if self.assessment is not None else ""


@dataclass(frozen=True)
class SellerOutlook:
    """A third-party seller's items in the order, the claims already made about them, and each type."""

    seller: Seller
    lines: list[OrderLine]
    claims: list[Claim]
    types: list[TypeOutlook] = field(default_factory=list)

    @property
    def claimable_lines(self) -> list[OrderLine]:
        taken = {line.order_line_id for claim in self.claims for line in claim.lines.all()}
        return [line for line in self.lines if line.pk not in taken]

    @property
    def can_file(self) -> bool:
        return bool(self.claimable_lines) and any(t.eligible for t in self.types)

    def of(self, claim_type: str) -> TypeOutlook | None:
        return next((t for t in self.types if t.claim_type == claim_type), None)


def _at(ret: Return, kinds: Iterable[str]) -> datetime | None:
    event = ReturnEvent.objects.filter(ret=ret, kind__in=list(kinds)).order_by("at", "id").first()
    return event.at if event is not None else None


def stated_from_returns(order: Order, lines: Sequence[OrderLine]) -> dict[str, Any]:
    """The facts of the buyer's latest return request for any of ``lines`` (still open or finished, not
    cancelled or expired): when it was asked, the seller's answer, the parcel's arrival, what was
    refunded. Empty when the buyer never asked."""
    ret = (
        Return.objects.filter(
            order=order, lines__order_line__in=list(lines), state__in=sorted(OPEN_RETURN_STATES)
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if ret is None:
        return {}
    refused = _at(ret, ["rejected"])
    answered = refused or ret.approved_at or _at(ret, ["approved"])
    refunded = sum(
        (
            Decimal(refund.amount)
            for refund in Refund.objects.filter(request__ret=ret, status=SUCCEEDED)
            if refund.currency == order.currency
        ),
        Decimal(0),
    )
    stated: dict[str, Any] = {
        "return_requested_at": ret.created_at,
        "seller_answered_return_at": answered,
        "seller_refused_return": refused is not None,
        "return_delivered_at": _at(ret, ["received"]),
    }
    if refunded:
        stated["already_refunded"] = str(refunded)
    return stated


def assess_type(
    order: Order,
    seller: Seller,
    claim_type: str,
    lines: Sequence[OrderLine],
    stated: dict[str, Any],
    now: datetime,
) -> TypeOutlook:
    """The rules' answer for ``claim_type`` on ``lines`` filed at ``now``."""
    item_price = sum(
        (claim_facts.paid_for(line, line.quantity) for line in lines), Money.zero(order.currency)
    )
    try:
        built = claim_facts.build(order, seller, claim_type, item_price, stated, now, list(lines))
        _case, assessment = claim_facts.assessed(built)
    except ClaimInvalid:
        return TypeOutlook(claim_type, "unknown", False, None, None)
    code = str(assessment.code)
    return TypeOutlook(claim_type, code, assessment.eligible, assessment.file_from, assessment)


def for_order(order: Order, now: datetime | None = None) -> list[SellerOutlook]:
    """Each third-party seller of ``order`` with the claims made and what each type of claim can do now.
    The store's own items are not under the guarantee (its returns apply): they are left out."""
    now = now or timezone.now()
    lines = list(order.lines.select_related("seller").order_by("position"))
    for line in lines:
        line.order = order
    claims = list(Claim.objects.filter(order=order).prefetch_related("lines").order_by("filed_at", "id"))
    found = []
    sellers: dict[int, list[OrderLine]] = {}
    for line in lines:
        if line.seller.kind != Seller.Kind.STORE:
            sellers.setdefault(line.seller_id, []).append(line)
    for group in sellers.values():
        seller = group[0].seller
        outlook = SellerOutlook(seller, group, [c for c in claims if c.seller_id == seller.pk])
        free = outlook.claimable_lines
        if free:
            stated = stated_from_returns(order, free)
            outlook.types.extend(assess_type(order, seller, t, free, stated, now) for t in TYPES)
        found.append(outlook)
    return found


def claimed_lines(order: Order) -> set[int]:
    """The order lines already in a claim."""
    return set(ClaimLine.objects.filter(claim__order=order).values_list("order_line_id", flat=True))
