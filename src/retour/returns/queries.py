"""Reading returns for lists: the review queue and the other work queues."""

from __future__ import annotations

from django.db.models import QuerySet

from retour.returns.domain import states
from retour.returns.models import Return


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
