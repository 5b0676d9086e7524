"""Work a dead worker held is taken up again: each ``retour worker`` beats every ``BEAT`` seconds; a task
left RUNNING by a worker whose heartbeat is older than ``LEASE`` goes back to READY, and another worker
runs it (every task is idempotent, DESIGN.md). A task claimed by a worker that never beat (a bare
``db_worker``) is left alone: nothing says that worker is dead.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from retour.core.models import WorkerHeartbeat

BEAT = 10.0  # seconds between two heartbeats
LEASE = timedelta(seconds=60)  # a worker silent this long is taken for dead
logger = logging.getLogger("retour.worker")


def new_worker_id() -> str:
    """Unique across machines and restarts, at most 64 characters (db_worker's limit)."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def beat(worker_id: str, now: datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": now or timezone.now()})


def requeue_orphans(now: datetime | None = None) -> int:
    """Put back to READY the tasks RUNNING under a worker whose heartbeat stopped; how many."""
    now = now or timezone.now()
    dead = set(WorkerHeartbeat.objects.filter(beat_at__lt=now - LEASE).values_list("worker_id", flat=True))
    if not dead:
        return 0
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        for task in running:
            if task.worker_ids and task.worker_ids[-1] in dead:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
                logger.warning(
                    "Task %s (%s) requeued: its worker %s stopped",
                    task.pk,
                    task.task_path,
                    task.worker_ids[-1],
                )
    return requeued


class Heartbeat(threading.Thread):
    """Beside the worker: beat every ``interval`` seconds until stopped (then the row is removed: a worker
    that stops cleanly has finished its tasks)."""

    def __init__(self, worker_id: str, interval: float = BEAT) -> None:
        super().__init__(name="retour-heartbeat", daemon=True)
        self.worker_id, self.interval = worker_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    beat(self.worker_id)
                except Exception:  # a database hiccup: the next beat tries again
                    logger.exception("Heartbeat failed")
                self.stopped.wait(self.interval)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        finally:
            connections.close_all()
