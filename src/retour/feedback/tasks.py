"""Sending survey emails in the background (django-tasks, `retour worker`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from retour.feedback import emails
from retour.feedback.models import Survey
from retour.feedback.services import opted_out
from retour.notifications.emails import send

MAX_ATTEMPTS = 10


@task()
def send_survey(survey_id: int) -> str:
    """Send one survey email, once: a survey sent, or whose shopper opted out since it was queued, is not
    sent; on an SMTP error the attempt is counted and the periodic retry sends it later."""
    with transaction.atomic():
        survey = (
            Survey.objects.select_for_update(of=("self",)).select_related("ret", "store").get(pk=survey_id)
        )
        if survey.email_status not in (Survey.EmailStatus.QUEUED, Survey.EmailStatus.FAILED):
            return str(survey.email_status)
        if opted_out(survey.store_id, survey.email):
            survey.email_status = Survey.EmailStatus.OPTED_OUT
            survey.save(update_fields=["email_status"])
            return "opted out"
        survey.email_attempts += 1
        try:
            send(emails.render(survey))
        except (OSError, ValueError) as error:  # smtplib errors are OSErrors
            survey.email_status, survey.email_error = Survey.EmailStatus.FAILED, str(error)
            survey.save(update_fields=["email_status", "email_error", "email_attempts"])
            return "failed"
        survey.email_status, survey.email_error = Survey.EmailStatus.SENT, ""
        survey.emailed_at = timezone.now()
        survey.save(update_fields=["email_status", "email_error", "email_attempts", "emailed_at"])
    return "sent"


@task()
def retry_survey_emails() -> int:
    """Queue again the survey emails an SMTP error stopped (periodic: ``config/schedule.py``)."""
    ids = list(
        Survey.objects.filter(
            email_status=Survey.EmailStatus.FAILED, email_attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        send_survey.enqueue(pk)
    return len(ids)
