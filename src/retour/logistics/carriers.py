"""Carriers behind one small interface: rates, buy a return label, void it, track it.

The default works offline: the store prints its own label, with no postage bought (the shopper pays it
at the counter) and the return number as its reference. ``EasyPostCarrier`` (``aggregator``) buys real
labels from many carriers through EasyPost's SDK. ``CARRIER`` chooses, once, in the settings.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from retour.logistics.aggregator import EasyPostCarrier
from retour.logistics.domain.parcels import BoughtLabel, LabelRequest, Rate, TrackingUpdate


class Carrier(Protocol):
    name: str

    def rates(self, request: LabelRequest) -> list[Rate]:
        """What a label would cost, cheapest first; empty when nothing is bought."""
        ...

    def buy_label(self, request: LabelRequest) -> BoughtLabel: ...

    def void_label(self, label: BoughtLabel) -> bool:
        """Give an unused label back; whether the carrier took it back (its postage refunded)."""
        ...

    def track(self, label: BoughtLabel) -> TrackingUpdate | None:
        """Where the parcel is now, or None when the label cannot be tracked."""
        ...


class StoreMadeLabels:
    """Labels the store prints itself: no carrier to call, no postage, the return number as reference."""

    name = "store"

    def rates(self, request: LabelRequest) -> list[Rate]:
        return []

    def buy_label(self, request: LabelRequest) -> BoughtLabel:
        return BoughtLabel(self.name, request.reference, postage_paid=False)

    def void_label(self, label: BoughtLabel) -> bool:
        return True  # nothing was bought: nothing to give back

    def track(self, label: BoughtLabel) -> TrackingUpdate | None:
        return None


def default_carrier() -> Carrier:
    if settings.CARRIER == "easypost":
        return EasyPostCarrier.from_settings()
    return StoreMadeLabels()


def carrier_named(name: str) -> Carrier:
    """The adapter that made a label, to void or track it with the same one."""
    if name == "easypost":
        return EasyPostCarrier.from_settings()
    return StoreMadeLabels()
