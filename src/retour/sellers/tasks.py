"""Background work for sellers (django-tasks, run by `retour worker`)."""

from __future__ import annotations

from django_tasks import task

from retour.sellers.services import notices


@task()
def notify_sellers() -> int:
    """Email sellers about claims filed and claims 24 hours from their deadline; each email once."""
    return notices.notify_sellers()
