"""The one transition function, and the timeline it appends to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.returns import hooks
from retour.returns.domain import states
from retour.returns.errors import TransitionRefused
from retour.returns.models import Return, ReturnEvent, ReturnLine

Actor = AbstractBaseUser | AnonymousUser | None


def user_of(actor: Actor) -> Any:
    """The signed-in user behind ``actor``, or None for the shopper, the policy or the system."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def record_event(
    ret: Return,
    kind: str,
    *,
    actor: Actor = None,
    actor_label: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    line: ReturnLine | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ReturnEvent:
    """Append an event, and queue the shopper's email about it in the same transaction (the worker sends
    it once this commits; a rolled-back event sends nothing)."""
    user = user_of(actor)
    event = ReturnEvent.objects.create(
        ret=ret,
        line=line,
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
        hooks.event_written(event)  # an email, when notifications send one for this event
    return event


def locked(ret: Return) -> Return:
    """The return's row, locked until the transaction ends, as it is now (not as the caller read it)."""
    return Return.objects.select_for_update().get(pk=ret.pk)


def transition(
    ret: Return,
    target: str,
    *,
    actor: Actor = None,
    actor_label: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Return:
    """Move ``ret`` to ``target`` if the state table allows it, and say so in the timeline.

    Call inside ``transaction.atomic``; the row is locked and read again first, so two clicks or two
    workers cannot both move it.
    """
    current = locked(ret)
    if not states.can_move(states.TRANSITIONS, current.state, target):
        raise TransitionRefused(
            _("A return that is %(current)s cannot become %(target)s.")
            % {"current": Return.State(current.state).label, "target": Return.State(target).label},
            current=current.state,
            target=target,
        )
    source = current.state
    current.state = target
    fields = ["state", "updated_at"]
    if target == states.APPROVED:
        current.approved_at = at or timezone.now()
        fields.append("approved_at")
    current.save(update_fields=fields)
    record_event(
        current,
        target,
        actor=actor,
        actor_label=actor_label,
        from_state=source,
        to_state=target,
        reason=reason,
        data=data,
        at=at,
    )
    ret.state, ret.approved_at = current.state, current.approved_at
    return current
