"""Periodic jobs for the task worker: django-tasks has no scheduler, so `retour worker` queues each job
when it is due.

Every job's last queuing is a row in the database, claimed with one conditional UPDATE (the row is
moved forward only if it is still due), so any number of workers queue a job once between them; the
task is queued in the same transaction, so a claim never goes without its task. The jobs themselves are
idempotent anyway: a job that runs twice does its work once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from retour.core.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # the dotted path of a django-tasks task taking no arguments
    every: timedelta


def claim(job: Job, now: datetime) -> bool:
    """Mark ``job`` queued at ``now`` if it is due (never queued, or last queued ``every`` ago or more).
    Inside a transaction: the caller queues the task in it."""
    PeriodicRun.objects.bulk_create([PeriodicRun(name=job.name)], ignore_conflicts=True)
    due = Q(last_queued_at__isnull=True) | Q(last_queued_at__lte=now - job.every)
    return PeriodicRun.objects.filter(due, name=job.name).update(last_queued_at=now) == 1


def queue_due(jobs: Sequence[Job], now: datetime | None = None) -> list[str]:
    """Queue every job that is due; return the names of those queued by this call."""
    now = now or timezone.now()
    queued = []
    for job in jobs:
        with transaction.atomic():
            if claim(job, now):
                import_string(job.task).enqueue()
                queued.append(job.name)
    if queued:
        logger.info("Periodic jobs queued: %s", ", ".join(queued))
    return queued


class Scheduler(threading.Thread):
    """Beside the worker, every ``interval`` seconds: queue the jobs that are due."""

    def __init__(self, jobs: Sequence[Job], interval: float) -> None:
        super().__init__(name="retour-scheduler", daemon=True)  # dies with the worker it serves
        self.jobs, self.interval = jobs, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    queue_due(self.jobs)
                except Exception:  # a database hiccup: log it and try again at the next tick
                    logger.exception("Queuing the periodic jobs failed")
                self.stopped.wait(self.interval)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()
