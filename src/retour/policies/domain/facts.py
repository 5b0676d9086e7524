"""What a decision is made from: the facts of one return line, and what follows from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS, region_of


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    """What a customer did in the 365 days before a day (that day excluded), and their computed segment."""

    returns_last_365d: int = 0
    orders_365d: int = 0
    return_rate_365d: Decimal = Decimal(0)
    net_spend_365d: Decimal = Decimal(0)
    customer_segment: str = ""


HISTORY_FACTS = ("returns_last_365d", "orders_365d", "return_rate_365d", "net_spend_365d", "customer_segment")
NO_HISTORY = CustomerHistory()


@dataclass(frozen=True, slots=True)
class Facts:
    """One line of a return request. Dates are calendar dates in the store's time zone."""

    country: str
    currency: str
    category: str
    unit_price: Decimal
    quantity: int
    ordered_at: date
    delivered_at: date | None
    requested_at: date
    condition: str
    reason: str
    is_gift: bool = False
    member: bool = False
    final_sale: bool = False
    personalised: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)
    seller: str = ""
    payment_method: str = ""
    segment: str = ""
    stage: str = "request"  # "inspection" once the condition was graded
    # The customer's history before the day of the request (``CustomerHistory``): computed by the
    # segments app through ``policies.customer_history``, never from what happened on or after that day.
    returns_last_365d: int = 0
    orders_365d: int = 0
    return_rate_365d: Decimal = Decimal(0)  # returned units per 100 units ordered
    net_spend_365d: Decimal = Decimal(0)  # what the orders paid, less what their returns took back
    customer_segment: str = ""  # the named segment the store's rules compute (vip, loyal, at_risk...)

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    @property
    def days_since_delivery(self) -> int | None:
        return None if self.delivered_at is None else (self.requested_at - self.delivered_at).days

    @property
    def days_since_order(self) -> int:
        return (self.requested_at - self.ordered_at).days

    @property
    def seller_fault(self) -> bool:
        return self.reason in SELLER_FAULT_REASONS

    @property
    def region(self) -> str:
        return region_of(self.country)
