"""A seller's claim rate (specs/guarantee-claims.md, "The seller's claim rate"), as a value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

WINDOW = timedelta(days=60)
AT_RISK_ABOVE = Decimal("0.01")  # 1 %


@dataclass(frozen=True, slots=True)
class ClaimRate:
    """Over the window: the seller's orders with a claim granted against the seller, of its orders."""

    claimed_orders: int
    orders: int

    @property
    def rate(self) -> Decimal:
        """A fraction (0.0125 is 1.25 %); 0 for a seller without orders."""
        return Decimal(self.claimed_orders) / Decimal(self.orders) if self.orders else Decimal(0)

    @property
    def at_risk(self) -> bool:
        """Over 1 %: staff see it, and the seller is told."""
        return self.rate > AT_RISK_ABOVE
