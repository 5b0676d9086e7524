"""Whether an authentic webhook is still to be applied: sent recently, and newer than what is stored.

A shop retries a failed delivery for hours (Shopify: 8 times over 4 hours; WooCommerce: 5 times), with the
time it was first sent; a delivery sent longer ago than ``REPLAY_WINDOW`` is a recording played again. An
order's version is its ``updated_at`` in the shop: one older than the stored version, or as old with
the same content, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

REPLAY_WINDOW = timedelta(hours=48)
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Verdict:
    apply: bool
    reason: str  # "" | "replayed" | "stale"


APPLY = Verdict(True, "")


def sent_recently(sent_at: datetime | None, now: datetime) -> Verdict:
    """``sent_at`` is the shop's own time of the first attempt; a webhook without one is judged by its
    version alone."""
    if sent_at is None:
        return APPLY
    if sent_at < now - REPLAY_WINDOW or sent_at > now + CLOCK_SKEW:
        return Verdict(False, "replayed")
    return APPLY


def newer(incoming: datetime | None, stored: datetime | None) -> Verdict:
    """Apply an order's version unless the stored one is newer (equal: the writer finds it unchanged)."""
    if incoming is None or stored is None or incoming >= stored:
        return APPLY
    return Verdict(False, "stale")
