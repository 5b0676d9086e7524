"""What the carrier interface speaks: addresses, a label asked for and bought, a rate, a tracking update.

Pure values: the adapters (store-made labels, the aggregator's SDK) turn them into their own calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from retour.core.money import Money

# The carrier's tracking statuses we act on (the aggregator's own words; anything else is ``UNKNOWN``).
PRE_TRANSIT = "pre_transit"
IN_TRANSIT = "in_transit"
OUT_FOR_DELIVERY = "out_for_delivery"
DELIVERED = "delivered"
AVAILABLE_FOR_PICKUP = "available_for_pickup"
RETURN_TO_SENDER = "return_to_sender"
FAILURE = "failure"
UNKNOWN = "unknown"
STATUSES = (
    PRE_TRANSIT,
    IN_TRANSIT,
    OUT_FOR_DELIVERY,
    AVAILABLE_FOR_PICKUP,
    DELIVERED,
    RETURN_TO_SENDER,
    FAILURE,
    UNKNOWN,
)
# The parcel has been handed to the carrier: the return is on its way.
MOVING = frozenset({IN_TRANSIT, OUT_FOR_DELIVERY, AVAILABLE_FOR_PICKUP})


@dataclass(frozen=True)
class Address:
    name: str
    street1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    company: str = ""
    street2: str = ""
    state: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class LabelRequest:
    """A return label from the shopper (``sender``) to the store's chosen return address (``recipient``)."""

    reference: str  # the return's number
    sender: Address
    recipient: Address
    weight_grams: int
    currency: str  # the store's: the rate chosen is the cheapest in it when there is one


@dataclass(frozen=True)
class Rate:
    carrier: str
    service: str
    price: Money
    delivery_days: int | None = None
    rate_id: str = ""


@dataclass(frozen=True)
class BoughtLabel:
    """A label as the carrier gave it. ``postage_paid``: the store bought postage (a carrier's label);
    a store-made label has none, the shopper pays at the counter."""

    carrier: str
    tracking_number: str
    postage_paid: bool
    service: str = ""
    provider_id: str = ""  # the carrier's id of the shipment (to void it)
    tracker_id: str = ""
    cost: Money | None = None
    label_format: str = ""  # "PDF", "ZPL", "PNG" as the carrier gives it
    label_url: str = ""
    label_file: bytes = b""


@dataclass(frozen=True)
class TrackingUpdate:
    """Where a parcel is, as the carrier says at ``at``."""

    tracking_number: str
    status: str
    at: datetime
    carrier: str = ""
    provider_shipment_id: str = ""
    tracker_id: str = ""
    detail: str = ""


def grams_to_ounces(grams: int) -> float:
    """The aggregator weighs parcels in ounces."""
    return round(grams / 28.349523125, 1)


def cheapest(rates: list[Rate], currency: str) -> Rate | None:
    """The cheapest rate in ``currency`` when there is one, else the cheapest of all (by amount)."""
    same = [rate for rate in rates if rate.price.currency == currency]
    pool = same or rates
    return min(pool, key=lambda rate: (rate.price.amount, rate.delivery_days or 99)) if pool else None
