"""A guarantee claim as the rules see it, and the words of specs/guarantee-claims.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class ClaimType(StrEnum):
    NOT_RECEIVED = "not_received"
    NOT_AS_DESCRIBED = "not_as_described"
    RETURN_NOT_REFUNDED = "return_not_refunded"


class FulfilledBy(StrEnum):
    SELLER = "seller"
    MARKETPLACE = "marketplace"


class ItemKind(StrEnum):
    PHYSICAL = "physical"
    DIGITAL = "digital"
    SERVICE = "service"
    GIFT_CARD = "gift_card"


# What the guarantee does not cover: nothing was shipped that could fail to arrive.
NOT_COVERED = frozenset({ItemKind.DIGITAL, ItemKind.SERVICE, ItemKind.GIFT_CARD})


class Code(StrEnum):
    """Why a claim can or cannot be filed, in the order the rules check it."""

    ELIGIBLE = "eligible"
    NOT_THIRD_PARTY = "not_third_party"
    NOT_COVERED_ITEM = "not_covered_item"
    NOT_PAID_ON_MARKETPLACE = "not_paid_on_marketplace"
    CHARGEBACK_FILED = "chargeback_filed"
    ALREADY_REFUNDED = "already_refunded"
    TOO_LATE = "too_late"
    CONTACT_SELLER_FIRST = "contact_seller_first"
    RETURN_NOT_DELIVERED = "return_not_delivered"
    TOO_EARLY = "too_early"


class Outcome(StrEnum):
    GRANTED = "granted"
    DENIED = "denied"


class Reason(StrEnum):
    """Why the marketplace decided as it did on an eligible claim."""

    NOT_DELIVERED = "not_delivered"
    DELIVERED_WITH_PROOF = "delivered_with_proof"
    SELLER_REFUSED_RETURN = "seller_refused_return"
    SELLER_NO_ANSWER = "seller_no_answer"
    RETURNED_NOT_AS_DESCRIBED = "returned_not_as_described"
    ITEM_NOT_RETURNED = "item_not_returned"
    RETURNED_NOT_REFUNDED = "returned_not_refunded"
    # Given by the product's worker when the seller let respond_by pass, never by the evaluation.
    SELLER_NO_RESPONSE = "seller_no_response"


class FundedBy(StrEnum):
    SELLER = "seller"
    MARKETPLACE = "marketplace"


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim: what the buyer, the seller and the carriers said. Instants are aware, in UTC."""

    claim_type: ClaimType
    currency: str
    fulfilled_by: FulfilledBy
    sold_by_marketplace: bool
    item_kind: ItemKind
    paid_on_marketplace: bool
    chargeback_filed: bool
    protected_shipping: bool
    shipped_on_time: bool
    proof_of_delivery: bool
    seller_refused_return: bool
    item_price: Decimal
    shipping_paid: Decimal
    already_refunded: Decimal
    ordered_at: datetime
    max_delivery_at: datetime
    filed_at: datetime
    delivered_at: datetime | None = None
    return_requested_at: datetime | None = None
    seller_answered_return_at: datetime | None = None
    return_delivered_at: datetime | None = None
