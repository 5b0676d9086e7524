"""Tasks of the core: taking up the work of a worker that died (periodic: ``config/schedule.py``)."""

from __future__ import annotations

from django_tasks import task

from retour.core import leases


@task()
def requeue_orphaned_tasks() -> int:
    """Tasks left RUNNING by a worker whose heartbeat stopped go back to READY."""
    return leases.requeue_orphans()
