"""Sending the shopper's emails in the background (django-tasks, `retour worker`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from retour.notifications import claim_emails
from retour.notifications.emails import render, send
from retour.notifications.models import ClaimNotification, Notification


@task()
def send_notification(notification_id: int) -> str:
    """Send one email; idempotent: a notification already sent is not sent again. On an SMTP error the
    row is marked failed with the attempt counted, and the task can simply run again."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().select_related("event__ret").get(pk=notification_id)
        if row.status == Notification.Status.SENT:
            return "already sent"
        if row.status == Notification.Status.SKIPPED:
            return "replaced by a later email"
        row.attempts += 1
        try:
            send(render(row.event))
        except (OSError, ValueError) as error:  # smtplib errors are OSErrors
            row.status, row.error = Notification.Status.FAILED, str(error)
            row.save(update_fields=["status", "error", "attempts"])
            return "failed"
        row.status, row.error, row.sent_at = Notification.Status.SENT, "", timezone.now()
        row.save(update_fields=["status", "error", "attempts", "sent_at"])
    return "sent"


@task()
def retry_failed_notifications() -> int:
    ids = list(
        Notification.objects.filter(status=Notification.Status.FAILED, attempts__lt=10).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        send_notification.enqueue(pk)
    claim_ids = list(
        ClaimNotification.objects.filter(status=Notification.Status.FAILED, attempts__lt=10).values_list(
            "pk", flat=True
        )
    )
    for pk in claim_ids:
        send_claim_notification.enqueue(pk)
    return len(ids) + len(claim_ids)


@task()
def send_claim_notification(notification_id: int) -> str:
    """Send one claim email, as ``send_notification`` sends a return's: once, a failure counted."""
    with transaction.atomic():
        # of=self: PostgreSQL would lock the claim too, and the worker's overdue grant skips locked claims.
        rows = ClaimNotification.objects.select_for_update(of=("self",)).select_related("event__claim")
        row = rows.get(pk=notification_id)
        if row.status == Notification.Status.SENT:
            return "already sent"
        row.attempts += 1
        try:
            send(claim_emails.render_buyer(row.event))
        except (OSError, ValueError) as error:  # smtplib errors are OSErrors
            row.status, row.error = Notification.Status.FAILED, str(error)
            row.save(update_fields=["status", "error", "attempts"])
            return "failed"
        row.status, row.error, row.sent_at = Notification.Status.SENT, "", timezone.now()
        row.save(update_fields=["status", "error", "attempts", "sent_at"])
    return "sent"
