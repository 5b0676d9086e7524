"""Carriers behind one small interface. The default works offline: the store makes its own labels, and
the return number printed on them is the tracking reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from retour.returns.models import Return


@dataclass(frozen=True)
class Shipment:
    carrier: str
    tracking_number: str


class Carrier(Protocol):
    name: str

    def create_label(self, ret: Return) -> Shipment: ...


class StoreMadeLabels:
    """Labels printed by the store itself: no carrier to call, the return number is the reference."""

    name = "store"

    def create_label(self, ret: Return) -> Shipment:
        return Shipment(self.name, ret.number)


def default_carrier() -> Carrier:
    return StoreMadeLabels()
