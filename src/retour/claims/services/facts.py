"""The rules' inputs for a claim, from its order and what the client says, and the rules' answer.

The facts are kept in the evaluation contract's words (specs/guarantee-claims.md), so the claim a
service assesses is exactly a case ``retour claims evaluate`` would assess: ``parse_case`` reads them
back, and ``assess`` decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from retour.catalog.models import Seller
from retour.claims.config import configured_terms
from retour.claims.domain.assessment import Assessment
from retour.claims.domain.cases import OPTIONAL_INSTANTS, parse_case
from retour.claims.domain.claim import Claim as Case
from retour.claims.domain.rules import assess
from retour.claims.domain.terms import Terms
from retour.claims.errors import ClaimInvalid
from retour.core.cases import CaseError
from retour.core.money import Money, split
from retour.orders.models import Order, OrderLine

# The facts a client may state (the order cannot tell them), with their defaults.
STATED_FLAGS = {
    "paid_on_marketplace": True,
    "chargeback_filed": False,
    "protected_shipping": False,
    "shipped_on_time": False,
    "proof_of_delivery": False,
    "seller_refused_return": False,
}
STATED_INSTANTS = ("max_delivery_at", *OPTIONAL_INSTANTS)
# The instants the contract refuses before the order.
NOT_BEFORE_ORDER = ("max_delivery_at", "delivered_at")


def paid_for(line: OrderLine, quantity: int) -> Money:
    """What the buyer paid for ``quantity`` units of ``line`` (after discounts, with tax), in whole minor
    units: the line's amount split over its units as a refund splits it."""
    order = line.order
    tax = Decimal(0) if order.tax_included else Decimal(line.tax)
    paid = line.net + tax
    if quantity >= line.quantity:
        return Money(paid, order.currency).rounded()
    part = split(paid, order.currency, [quantity, line.quantity - quantity])[0]
    return Money(part, order.currency)


def shipping_share(order: Order, claimed: Money) -> Money:
    """The order's delivery price prorated to what is claimed."""
    shipping = Decimal(order.shipping)
    if not shipping:
        return Money.zero(order.currency)
    total = sum((paid_for(line, line.quantity).amount for line in order.lines.all()), Decimal(0))
    if total <= 0 or claimed.amount >= total:
        return Money(shipping, order.currency).rounded()
    return Money(split(shipping, order.currency, [claimed.amount, total - claimed.amount])[0], order.currency)


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def latest_estimate(order: Order, lines: Iterable[OrderLine]) -> datetime | None:
    """The end of the latest estimated delivery day of the claimed lines' shipments (the store's day)."""
    wanted = {line.shipment_id for line in lines if line.shipment_id}
    days = [
        s.estimated_delivery_latest
        for s in order.shipments.all()
        if s.estimated_delivery_latest is not None and (not wanted or s.pk in wanted)
    ]
    if not days:
        return None
    return datetime.combine(max(days), time(23, 59, 59), tzinfo=order.store.zone)


def carrier_delivered(order: Order, lines: Iterable[OrderLine]) -> datetime | None:
    """The carrier's delivered scan for the claimed lines (the latest of their shipments)."""
    wanted = {line.shipment_id for line in lines if line.shipment_id}
    scans = [
        s.delivered_at
        for s in order.shipments.all()
        if s.delivered_at is not None and (not wanted or s.pk in wanted)
    ]
    return max(scans) if scans else None


def build(
    order: Order,
    seller: Seller,
    claim_type: str,
    item_price: Money,
    stated: Mapping[str, Any],
    filed_at: datetime,
    lines: list[OrderLine],
) -> dict[str, Any]:
    """The facts of a new claim: the order's, the client's where the order cannot tell."""
    max_delivery_at = stated.get("max_delivery_at") or latest_estimate(order, lines)
    if max_delivery_at is None:
        raise ClaimInvalid(
            _("The order has no latest estimated delivery date: give max_delivery_at."),
            field="facts.max_delivery_at",
        )
    kinds = {"physical" if line.requires_shipping else "digital" for line in lines}
    facts: dict[str, Any] = {
        "claim_type": claim_type,
        "currency": order.currency,
        "fulfilled_by": stated.get("fulfilled_by") or "seller",
        "sold_by_marketplace": seller.kind == Seller.Kind.STORE,
        "item_kind": stated.get("item_kind") or ("physical" if "physical" in kinds else "digital"),
        **{name: bool(stated.get(name, default)) for name, default in STATED_FLAGS.items()},
        "item_price": str(item_price.amount),
        "shipping_paid": str(shipping_share(order, item_price).amount),
        "already_refunded": str(Decimal(stated.get("already_refunded") or 0)),
        "ordered_at": _instant(order.ordered_at),
        "max_delivery_at": _instant(max_delivery_at),
        "filed_at": _instant(filed_at),
        "delivered_at": _instant(stated.get("delivered_at") or carrier_delivered(order, lines)),
        "return_requested_at": _instant(stated.get("return_requested_at")),
        "seller_answered_return_at": _instant(stated.get("seller_answered_return_at")),
        "return_delivered_at": _instant(stated.get("return_delivered_at")),
    }
    check_instants(order, facts)
    return facts


def check_instants(order: Order, facts: Mapping[str, Any]) -> None:
    for name in NOT_BEFORE_ORDER:
        value = facts.get(name)
        try:
            before = value is not None and datetime.fromisoformat(value) < order.ordered_at
        except (OverflowError, ValueError):
            raise ClaimInvalid(
                _("%(field)s is not an instant the rules can count with.") % {"field": name}, field=name
            ) from None
        if before:
            raise ClaimInvalid(_("%(field)s is before the order was placed.") % {"field": name}, field=name)


def case_of(facts: Mapping[str, Any], terms: Terms | None = None) -> Case:
    """The claim the rules see in ``facts``."""
    try:
        return parse_case({"id": "claim", **facts}, terms or configured_terms())
    except CaseError as error:
        raise ClaimInvalid(
            _("The rules cannot assess this claim: %(problems)s") % {"problems": error.message},
            problems=list(error.problems),
        ) from None


def assessed(facts: Mapping[str, Any], terms: Terms | None = None) -> tuple[Case, Assessment]:
    terms = terms or configured_terms()
    case = case_of(facts, terms)
    return case, assess(case, terms)


def contract(assessment: Assessment, number: str) -> dict[str, Any]:
    """The assessment as stored beside its facts: the evaluation contract's result."""
    return assessment.as_contract(number)
