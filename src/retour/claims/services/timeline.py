"""The one transition function of claims, and the timeline it appends to (as returns do)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.claims import hooks
from retour.claims.domain import states
from retour.claims.errors import ClaimNotFound, TransitionRefused
from retour.claims.models import Claim, ClaimEvent
from retour.returns.services.timeline import Actor, user_of


def record_event(
    claim: Claim,
    kind: str,
    *,
    actor: Actor = None,
    actor_label: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ClaimEvent:
    """Append an event to the claim's timeline, and queue the buyer's email about it in the same
    transaction (the worker sends it once this commits; a rolled-back event sends nothing)."""
    user = user_of(actor)
    event = ClaimEvent.objects.create(
        claim=claim,
        at=at or timezone.now(),
        actor=user,
        actor_label=actor_label or ("staff" if user is not None else "system"),
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
    with transaction.atomic():
        hooks.event_written(event)  # the buyer's email, when notifications send one for this event
    return event


def locked(claim: Claim) -> Claim:
    """The claim's row, locked until the transaction ends, as it is now (not as the caller read it)."""
    # of=self: PostgreSQL would lock the joined store, order and seller rows too.
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("store", "order", "seller")
        .get(pk=claim.pk)
    )


def transition(
    claim: Claim,
    target: str,
    *,
    kind: str = "",
    actor: Actor = None,
    actor_label: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    fields: tuple[str, ...] = (),
) -> Claim:
    """Move ``claim`` to ``target`` if the state table allows it, with the values the caller set on it
    in ``fields``, and say so in the timeline. Call inside ``transaction.atomic``: the row is locked and
    read again first (as it is now, not as the caller read it), so two clicks or two workers cannot both
    move it."""
    current = locked(claim)
    if not states.can_move(current.state, target):
        raise TransitionRefused(
            _("A claim that is %(current)s cannot become %(target)s.")
            % {"current": Claim.State(current.state).label, "target": Claim.State(target).label},
            current=current.state,
            target=target,
        )
    for name in fields:
        setattr(current, name, getattr(claim, name))
    source = current.state
    current.state = claim.state = target
    current.save(update_fields=["state", "updated_at", *fields])
    record_event(
        current,
        kind or target,
        actor=actor,
        actor_label=actor_label,
        from_state=source,
        to_state=target,
        reason=reason,
        data=data,
        at=at,
    )
    return current


def find(number: str, store_id: int | None = None) -> Claim:
    """The claim with this number (spaces and case do not matter), in ``store_id`` when given: a claim of
    another store is not found, as one that does not exist."""
    cleaned = "".join(number.split()).upper()
    query = Claim.objects.filter(number=cleaned)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    found = query.select_related("store", "order", "seller").first()
    if found is None:
        raise ClaimNotFound(_("There is no claim %(number)s.") % {"number": cleaned})
    return found
