"""Reading returns for lists: the review queue and the other work queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, prefetch_related_objects

from retour.orders.models import Order, OrderLine
from retour.policies.order_facts import delivered_on
from retour.returns.domain import states
from retour.returns.domain.returnable import LineUnits, Returnable, returnable
from retour.returns.models import Return
from retour.returns.services.creating import delivered_units, units_in_returns


def listed(*, state: str | None = None, store_id: int | None = None) -> QuerySet[Return]:
    """Returns in ``state`` (any when None) of ``store_id`` (every store when None). Those waiting for
    review come oldest first, so the shopper who waited longest is answered first; other lists newest
    first."""
    found = Return.objects.select_related("store", "order")
    if state is not None:
        found = found.filter(state=state)
    if store_id is not None:
        found = found.filter(store_id=store_id)
    oldest_first = state == states.REQUESTED
    return found.order_by(*(("created_at", "id") if oldest_first else ("-created_at", "-id")))


@dataclass(frozen=True)
class LineStatus:
    line: OrderLine
    delivered_on: date | None
    units: LineUnits
    can: Returnable


def order_lines(order: Order) -> list[LineStatus]:
    """Each line of ``order`` with the units the shopper has, those in open returns, and what can go back
    now (``returnable``: the rule the portal's items screen follows too)."""
    prefetch_related_objects([order], "shipments")
    lines = list(order.lines.select_related("shipment", "product__category", "seller").order_by("position"))
    taken = units_in_returns([line.pk for line in lines])
    found = []
    for line in lines:
        line.order = order
        day = delivered_on(line)
        units = LineUnits(delivered_units(line), day, taken.get(line.pk, 0))
        found.append(LineStatus(line, day, units, returnable(units)))
    return found
