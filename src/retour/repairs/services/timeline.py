"""The one function that moves a repair: lock, read again, check the table, save, write the event; the
shopper's email and the webhooks follow the event (after the commit for the webhooks)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.repairs.domain import clock, states
from retour.repairs.errors import RepairRefused
from retour.repairs.models import Repair, RepairEvent

Actor = AbstractBaseUser | AnonymousUser | None
_written: list[Any] = []


def on_event_written(callback: Any) -> None:
    """``callback(event)`` in the event's transaction (the repairs' email; the webhooks)."""
    if callback not in _written:
        _written.append(callback)


def user_of(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def locked(repair: Repair) -> Repair:
    return Repair.objects.select_for_update().select_related("store").get(pk=repair.pk)


def local_today(repair: Repair, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), repair.store.zone).date()


def deadline_of(repair: Repair) -> clock.Deadline:
    return clock.Deadline(repair.due_on, repair.due_legal, repair.due_basis)


def record_event(
    repair: Repair,
    kind: str,
    *,
    actor: Actor = None,
    actor_label: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> RepairEvent:
    event = RepairEvent.objects.create(
        repair=repair,
        at=at or timezone.now(),
        actor=user_of(actor),
        actor_label=actor_label,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
    for callback in _written:
        callback(event)
    return event


def move(
    repair: Repair,
    target: str,
    *,
    role: str,
    actor: Actor = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Repair:
    """Move ``repair`` to ``target`` as ``role`` if its table allows it, with ``changes`` saved on the row;
    call inside ``transaction.atomic``."""
    current = locked(repair)
    now = at or timezone.now()
    late = bool(
        clock.late_remedies(
            current.state,
            deadline_of(current),
            local_today(current, now),
            under_guarantee=current.under_guarantee,
        )
    )
    allowed, code = states.can_move(current.state, target, role, late=late)
    if not allowed:
        raise RepairRefused(
            _refusal(current, target, code), current=current.state, target=target, reason=code
        )
    source = current.state
    current.state, current.state_since = target, now
    for field, value in (changes or {}).items():
        setattr(current, field, value)
    current.save()
    record_event(
        current,
        target,
        actor=actor,
        actor_label=role,
        from_state=source,
        to_state=target,
        reason=reason,
        data=data,
        at=now,
    )
    return current


def _refusal(current: Repair, target: str, code: str) -> str:
    values = {"current": Repair.State(current.state).label, "target": Repair.State(target).label}
    if code == "not_yours":
        return _("You may not move a repair to “%(target)s”.") % values
    if code == "not_late_yet":
        return _("A refund or a price reduction is offered only once the repair is late.")
    return _("A repair that is %(current)s cannot become %(target)s.") % values


def moved(repair: Repair, target: str, **options: Any) -> Repair:
    """``move`` in its own transaction."""
    with transaction.atomic():
        return move(repair, target, **options)
