"""How many units of an order line can go back now, and why not when none can: one rule for the portal's
items screen, the API's order view, the services that create returns and withdrawals.

Pure: the caller counts the units the shopper has, those already held by open returns, and the day the
line was delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

NOT_DELIVERED = "not_delivered"  # on its way, or never shipped: the guarantee's not-received claim instead
IN_RETURN = "in_return"  # every unit the shopper has is already in an open return


@dataclass(frozen=True, slots=True)
class LineUnits:
    delivered: int  # units the shopper has (fulfilled)
    delivered_on: date | None  # the day they arrived (None: not known to have arrived)
    in_returns: int  # units held by open returns


@dataclass(frozen=True, slots=True)
class Returnable:
    units: int
    why_not: str = ""  # NOT_DELIVERED, IN_RETURN, or "" when units can go back


def returnable(line: LineUnits) -> Returnable:
    """Units that can go back: those delivered (with a delivery day) and not already in a return."""
    if line.delivered <= 0 or line.delivered_on is None:
        return Returnable(0, NOT_DELIVERED)
    left = line.delivered - line.in_returns
    if left <= 0:
        return Returnable(0, IN_RETURN)
    return Returnable(left)
