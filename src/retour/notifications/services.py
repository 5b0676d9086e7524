"""Queue the shopper's email for a timeline event that deserves one: one row per event, sent by the worker."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from retour.notifications.emails import language_of, message_key, recipient_for
from retour.notifications.models import Notification
from retour.returns.models import ReturnEvent

# An email not sent yet that a later step's email makes pointless: an approval by the policy right after the
# request, the label right after the approval. The shopper gets one email that says it all.
REPLACES = {
    "approved": frozenset({"requested"}),
    "rejected": frozenset({"requested"}),
    "label_issued": frozenset({"requested", "approved"}),
}


def _skip_replaced(event: ReturnEvent) -> None:
    replaced = REPLACES.get(event.kind)
    if replaced:
        Notification.objects.filter(
            ret=event.ret, kind__in=replaced, status=Notification.Status.QUEUED
        ).update(status=Notification.Status.SKIPPED)


def queue_email(event: ReturnEvent) -> Notification | None:
    """The notification for ``event``, made once (a second call finds the first), and its sending queued
    for the worker. Called in the event's transaction, so the row and the task commit with the event or
    not at all; the email itself goes out from the worker, after the commit."""
    if message_key(event) is None:
        return None
    ret = event.ret
    to = recipient_for(event)
    if not to:
        return None
    _skip_replaced(event)
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                ret=ret, event=event, kind=event.kind, to=to, language=language_of(ret)
            )
    except IntegrityError:
        return Notification.objects.get(event=event)  # queued already for this event
    from retour.notifications.tasks import send_notification  # the task renders with this app's emails

    send_notification.enqueue(row.pk)
    return row
