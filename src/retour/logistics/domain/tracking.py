"""What a carrier's tracking event does to a return, decided from the event and what we know of the parcel.

Each event gets one outcome, kept in the log: only ``APPLIED`` changes anything. An event we cannot
verify, have seen already, that is older than what we applied, too old to be a live event, for a parcel
that is not ours or not this one, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from retour.logistics.domain import parcels

APPLIED = "applied"
FORGED = "forged"  # the signature is missing or wrong
MALFORMED = "malformed"  # signed, but not an event we can read
DUPLICATE = "duplicate"  # an event id seen already (the carrier's retry, or a replay of it)
REPLAYED = "replayed"  # signed, never seen, but older than the replay window: an old body sent again
UNKNOWN_PARCEL = "unknown_parcel"  # no label of ours has this tracking number
FOREIGN = "foreign"  # our tracking number, but another shipment or carrier: not our parcel
OUT_OF_ORDER = "out_of_order"  # older than the latest update applied to this parcel
NO_CHANGE = "no_change"  # read and kept, nothing to move (same status, a status we do not act on)
OUTCOMES = (APPLIED, FORGED, MALFORMED, DUPLICATE, REPLAYED, UNKNOWN_PARCEL, FOREIGN, OUT_OF_ORDER, NO_CHANGE)

# The carrier retries a webhook for hours, not weeks: a signed event older than this is a replay.
REPLAY_WINDOW = timedelta(days=3)

# What a return becomes on a parcel's status.
TO_IN_TRANSIT = "in_transit"
TO_DELIVERED = "delivered"


@dataclass(frozen=True)
class Parcel:
    """What we know of one of our labels."""

    tracking_number: str
    carrier: str
    provider_id: str
    tracker_id: str
    status: str
    updated_at: datetime | None  # the carrier's time of the latest update applied


@dataclass(frozen=True)
class Verdict:
    outcome: str
    move_to: str = ""  # TO_IN_TRANSIT, TO_DELIVERED or ""


def step(status: str) -> str:
    """The move a parcel's status asks of its return."""
    if status == parcels.DELIVERED:
        return TO_DELIVERED
    if status in parcels.MOVING:
        return TO_IN_TRANSIT
    return ""


def judge(update: parcels.TrackingUpdate, parcel: Parcel | None, *, now: datetime | None = None) -> Verdict:
    """The outcome of a verified, never-seen ``update`` about ``parcel`` (None: no label of ours has its
    tracking number). ``now`` given (a webhook): an update older than ``REPLAY_WINDOW`` is a replay."""
    if now is not None and now - update.at > REPLAY_WINDOW:
        return Verdict(REPLAYED)
    if parcel is None:
        return Verdict(UNKNOWN_PARCEL)
    if not _same_parcel(update, parcel):
        return Verdict(FOREIGN)
    if parcel.updated_at is not None and update.at < parcel.updated_at:
        return Verdict(OUT_OF_ORDER)
    move = step(update.status)
    if not move or (update.status == parcel.status and parcel.updated_at is not None):
        return Verdict(NO_CHANGE)
    if parcel.status == parcels.DELIVERED:
        return Verdict(OUT_OF_ORDER)  # delivered is final: nothing after it moves a parcel back
    return Verdict(APPLIED, move)


def _same_parcel(update: parcels.TrackingUpdate, parcel: Parcel) -> bool:
    if update.carrier and parcel.carrier and update.carrier.lower() != parcel.carrier.lower():
        return False
    if update.provider_shipment_id and update.provider_shipment_id != parcel.provider_id:
        return False
    return not (update.tracker_id and parcel.tracker_id and update.tracker_id != parcel.tracker_id)
