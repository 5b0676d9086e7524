"""Queue the shopper's email for a timeline event that deserves one: one row per event, sent by the worker."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from retour.claims.models import ClaimEvent
from retour.notifications import claim_emails
from retour.notifications.emails import language_of, message_key, recipient_for
from retour.notifications.models import ClaimNotification, Notification
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


def queue_claim_email(event: ClaimEvent) -> ClaimNotification | None:
    """The buyer's notification for a claim's ``event``, made once per event, its sending queued for the
    worker; called in the event's transaction, as ``queue_email`` is for returns."""
    if claim_emails.buyer_message(event) is None:
        return None
    claim = event.claim
    to = claim_emails.buyer_address(claim)
    if not to:
        return None
    try:
        with transaction.atomic():
            row = ClaimNotification.objects.create(
                claim=claim,
                event=event,
                audience=ClaimNotification.Audience.BUYER,
                kind=event.kind,
                to=to,
                language=claim_emails.language_of(claim),
            )
    except IntegrityError:
        return ClaimNotification.objects.get(event=event, audience=ClaimNotification.Audience.BUYER)
    from retour.notifications.tasks import send_claim_notification  # the task renders with this app's emails

    send_claim_notification.enqueue(row.pk)
    return row
