"""Listens to the returns timeline and queues the shopper's email for the events that deserve one."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from retour.notifications.emails import MESSAGES, language_of, recipient
from retour.notifications.models import Notification
from retour.returns.models import ReturnEvent


def on_event(sender: Any, event: ReturnEvent, **kwargs: Any) -> None:
    if event.kind not in MESSAGES:
        return
    ret = event.ret
    to = recipient(ret)
    if not to:
        return
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                ret=ret, event=event, kind=event.kind, to=to, language=language_of(ret)
            )
    except IntegrityError:
        return  # queued already for this event
    from retour.notifications.tasks import send_notification

    send_notification.enqueue(row.pk)
