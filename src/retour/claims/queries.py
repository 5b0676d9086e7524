"""Reading claims for the queue and for sellers: the claim rate over 60 days."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from retour.catalog.models import Seller
from retour.claims.domain.claim import Outcome
from retour.claims.domain.rate import WINDOW, ClaimRate
from retour.claims.models import Claim
from retour.orders.models import Order


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
