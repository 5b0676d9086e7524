"""What logistics does at a return's moments (registered with returns' hooks at start-up)."""

from __future__ import annotations

from django.db import transaction

from retour.logistics import shipping
from retour.logistics.tasks import void_label
from retour.returns.domain import states
from retour.returns.models import ReturnEvent

ENDED = frozenset({states.CANCELLED, states.EXPIRED})


def void_unused_label(event: ReturnEvent) -> None:
    """A return cancelled or expired gives its unused label back, from the worker once this commits."""
    if event.kind not in ENDED:
        return
    ids = shipping.labels_to_void(event.ret)
    if ids:
        transaction.on_commit(lambda: [void_label.enqueue(pk) for pk in ids], robust=True)
