"""The gateway interface: pay back a ``Refund`` row or collect a ``Charge`` row, or ask what became of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from retour.refunds.models import Charge, Refund

SUCCEEDED = "succeeded"
PENDING = "pending"
FAILED = "failed"


@dataclass(frozen=True)
class GatewayResult:
    status: str  # succeeded | pending | failed
    reference: str = ""
    error: str = ""


class Gateway(Protocol):
    name: str

    def refund(self, refund: Refund) -> GatewayResult:
        """Pay ``refund`` back. Must be safe to call again for the same row (the row's idempotency key)."""
        ...

    def retrieve(self, refund: Refund) -> GatewayResult:
        """What became of a refund left pending (a crash, a timeout, a manual refund)."""
        ...

    def charge(self, charge: Charge) -> GatewayResult:
        """Collect ``charge`` from the shopper. Safe to call again for the same row (its idempotency key)."""
        ...

    def retrieve_charge(self, charge: Charge) -> GatewayResult:
        """What became of a charge left pending."""
        ...
