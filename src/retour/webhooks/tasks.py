"""Sending webhooks from the worker (django-tasks, `retour worker`); periodic: ``config/schedule.py``."""

from __future__ import annotations

from django_tasks import task

from retour.webhooks import services


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one delivery; nothing when it is not due (sent already, waiting, endpoint paused)."""
    return services.deliver(delivery_id)


@task()
def send_due_webhooks() -> int:
    """Queue every delivery whose next attempt is due."""
    return services.queue_due()
