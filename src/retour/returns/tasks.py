"""Chasing: approved returns not sent back get reminders, then expire (django-tasks, `retour worker`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from retour.core.errors import DomainError
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.timeline import locked, record_event

logger = logging.getLogger(__name__)


@dataclass
class Chased:
    reminded: int = 0
    expired: int = 0


def reminder_days() -> tuple[int, ...]:
    return tuple(settings.RETURN_REMINDER_DAYS)


def expiry_days() -> int:
    return int(settings.RETURN_EXPIRY_DAYS)


def chase(now: datetime | None = None) -> Chased:
    """Remind on each reminder day after approval (once per day, however often this runs), expire after
    the expiry days. Idempotent: each return is read again under its lock before anything is written, so
    a return that moved on meanwhile is skipped, and a reminder is a timeline event looked for first."""
    now = now or timezone.now()
    done = Chased()
    waiting = (
        Return.objects.filter(state__in=states.AWAITING_SHIPMENT, approved_at__isnull=False)
        .exclude(return_method=Return.Method.KEEP)  # nothing to send back
        .exclude(lines__reception__in=handling.ARRIVED)  # part of it is here: the warehouse follows up
        .distinct()
    )
    for ret in waiting.iterator():
        try:
            _chase_one(ret, now, done)
        except DomainError:  # one return in a strange state does not stop the others
            logger.exception("Chasing return %s failed", ret.number)
    return done


def _chase_one(ret: Return, now: datetime, done: Chased) -> None:
    assert ret.approved_at is not None
    days = (now - ret.approved_at).days
    if days >= expiry_days():
        if handling.expire(ret, days=expiry_days(), now=now) is not None:
            done.expired += 1
        return
    due = [day for day in reminder_days() if days >= day]
    if not due:
        return
    with transaction.atomic():
        current = locked(ret)
        if current.state not in states.AWAITING_SHIPMENT:
            return
        sent = {event.data.get("day") for event in current.events.filter(kind="reminder")}
        day = max(due)
        if day in sent:
            return
        record_event(
            current,
            "reminder",
            actor_label="system",
            data={"day": day, "days_left": expiry_days() - days},
            at=now,
        )
        done.reminded += 1


@task()
def chase_unshipped_returns() -> dict[str, int]:
    result = chase()
    return {"reminded": result.reminded, "expired": result.expired}


@task()
def charge_instant_exchanges() -> int:
    from retour.returns.services.resolutions import charge_unreturned_instant_exchanges

    return charge_unreturned_instant_exchanges()
