"""What the apps downstream of returns do at a return's moments, without returns importing them.

Notifications (an email per event), logistics (a label once approved) and refunds (a return the shopper
keeps is refunded) build on returns. Each registers its callback once, at start-up (its AppConfig.ready),
and returns call whatever is registered: the dependency goes one way, as the import contracts check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from retour.returns.models import Return, ReturnEvent


class LabelIssuer(Protocol):
    def __call__(self, ret: Return, *, actor: Any = None) -> Return: ...


_event_written: list[Callable[[ReturnEvent], object]] = []
_label_needed: list[LabelIssuer] = []
_kept: list[Callable[[int], object]] = []


def on_event_written(callback: Callable[[ReturnEvent], object]) -> None:
    """``callback(event)`` after each event is written, in its transaction."""
    if callback not in _event_written:
        _event_written.append(callback)


def on_label_needed(callback: LabelIssuer) -> None:
    """``callback(ret, actor=...)`` when a return sent back by label is approved; returns the return."""
    if callback not in _label_needed:
        _label_needed.append(callback)


def on_kept(callback: Callable[[int], object]) -> None:
    """``callback(return_id)`` once a return the shopper keeps entirely is approved and committed."""
    if callback not in _kept:
        _kept.append(callback)


def event_written(event: ReturnEvent) -> None:
    for callback in _event_written:
        callback(event)


def label_needed(ret: Return, *, actor: Any = None) -> Return:
    for callback in _label_needed:
        ret = callback(ret, actor=actor)
    return ret


def kept(return_id: int) -> None:
    for callback in _kept:
        callback(return_id)
