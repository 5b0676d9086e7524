"""Where the legal floor of a later request learns that a repair extended an order line's legal guarantee
(Code de la consommation L217-13; Directive (EU) 2024/1799 art. 16). The repairs app registers the lookup
at start-up; policies never import it, so the dependency goes one way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

_lookups: list[Callable[[int], date | None]] = []


def on_guarantee_until(lookup: Callable[[int], date | None]) -> None:
    """``lookup(order_line_id)``: the extended end of that line's legal guarantee, or None."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def guarantee_until(order_line_id: int) -> date | None:
    found = [until for until in (lookup(order_line_id) for lookup in _lookups) if until is not None]
    return max(found) if found else None
