"""Reading claims for the queue and for sellers: the claim rate over 60 days and the sellers at risk, when
a payout should reach the buyer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from retour.catalog.models import Seller, Store
from retour.claims.domain.claim import Outcome
from retour.claims.domain.rate import WINDOW, ClaimRate
from retour.claims.models import Claim
from retour.orders.models import Order
from retour.refunds.domain.timing import Expected, expected_refund_date
from retour.refunds.models import RefundRequest


def claim_rate(seller: Seller, at: datetime | None = None) -> ClaimRate:
    """Over the 60 days ending at ``at``: the seller's orders with a claim granted in that time that counts
    against the seller (funded by the seller, not reversed on appeal), of the seller's orders placed in
    it."""
    at = at or timezone.now()
    since = at - WINDOW
    claimed = (
        Claim.objects.filter(
            seller=seller,
            decision=Outcome.GRANTED,
            funded_by=Claim.Funding.SELLER,
            decided_at__gt=since,
            decided_at__lte=at,
        )
        .values("order_id")
        .distinct()
        .count()
    )
    orders = (
        Order.objects.filter(lines__seller=seller, ordered_at__gt=since, ordered_at__lte=at)
        .distinct()
        .count()
    )
    return ClaimRate(claimed, orders)


def payout_expected(claim: Claim) -> Expected | None:
    """When the buyer should see the payout: from the day it was paid (or today, while it is on its
    way), by the slowest of its tenders' ways of paying, in business days of the store's country."""
    if claim.payout_request_id is None:
        return None
    request = RefundRequest.objects.get(pk=claim.payout_request_id)
    store = claim.store
    sent_on = request.paid_on or timezone.localdate(timezone.now(), store.zone)
    gateways = sorted(set(request.refunds.values_list("gateway", flat=True))) or ["manual"]
    found = [expected_refund_date(gateway, sent_on, store.country.upper()) for gateway in gateways]
    return Expected(min(e.earliest for e in found), max(e.latest for e in found))


@dataclass(frozen=True)
class SellerRisk:
    """A seller's claim rate now and at the end of each of the weeks before (oldest first)."""

    seller: Seller
    rate: ClaimRate
    trend: list[tuple[datetime, ClaimRate]]

    @property
    def rising(self) -> bool:
        return bool(self.trend) and self.rate.rate > self.trend[0][1].rate


def sellers_at_risk(
    store: Store | None = None, at: datetime | None = None, weeks: int = 8
) -> list[SellerRisk]:
    """The marketplace sellers whose claim rate over 60 days is above 1 % at ``at``, the highest first,
    each with its rate at the end of each of the ``weeks`` weeks before: is it getting better or worse."""
    at = at or timezone.now()
    sellers = Seller.objects.filter(kind=Seller.Kind.MARKETPLACE).order_by("store_id", "code")
    if store is not None:
        sellers = sellers.filter(store=store)
    found = []
    for seller in sellers.select_related("store"):
        rate = claim_rate(seller, at)
        if not rate.at_risk:
            continue
        trend = [
            (at - timedelta(weeks=n), claim_rate(seller, at - timedelta(weeks=n)))
            for n in range(weeks, 0, -1)
        ]
        found.append(SellerRisk(seller, rate, trend))
    return sorted(found, key=lambda risk: (-risk.rate.rate, risk.seller.code))
