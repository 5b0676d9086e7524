"""What the apps downstream of claims do at a claim's moments, without claims importing them.

Notifications build on claims (the buyer's email per event). They register their callback once, at
start-up (their AppConfig.ready), and claims call whatever is registered: the dependency goes one way, as
the import contracts check (as returns/hooks.py does for returns).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retour.claims.models import ClaimEvent

_event_written: list[Callable[[ClaimEvent], object]] = []


def on_event_written(callback: Callable[[ClaimEvent], object]) -> None:
    """``callback(event)`` after each claim event is written, in its transaction."""
    if callback not in _event_written:
        _event_written.append(callback)


def event_written(event: ClaimEvent) -> None:
    for callback in _event_written:
        callback(event)
