"""The repairs' background work: the shopper's emails, and the staff's warning before a deadline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from retour.notifications.emails import send
from retour.repairs import emails
from retour.repairs.models import RepairNotification
from retour.repairs.services import deadlines


@task()
def send_repair_email(notification_id: int) -> str:
    """Send one repair email, once; an SMTP error marks it failed, and the task may simply run again."""
    with transaction.atomic():
        row = (
            RepairNotification.objects.select_for_update(of=("self",))
            .select_related("event__repair")
            .get(pk=notification_id)
        )
        if row.status == RepairNotification.Status.SENT:
            return "already sent"
        row.attempts += 1
        try:
            send(emails.render(row.event))
        except (OSError, ValueError) as error:  # smtplib errors are OSErrors
            row.status, row.error = RepairNotification.Status.FAILED, str(error)
            row.save(update_fields=["status", "error", "attempts"])
            return "failed"
        row.status, row.error, row.sent_at = RepairNotification.Status.SENT, "", timezone.now()
        row.save(update_fields=["status", "error", "attempts", "sent_at"])
    return "sent"


@task()
def warn_repair_deadlines() -> int:
    """Warn staff of the repairs whose deadline comes near (once each), and retry failed emails."""
    for pk in RepairNotification.objects.filter(
        status=RepairNotification.Status.FAILED, attempts__lt=10
    ).values_list("pk", flat=True):
        send_repair_email.enqueue(pk)
    return deadlines.warn_staff()
