"""A task claimed by a worker that died is taken up again within a minute; a live worker's and a bare
db_worker's are left alone."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from retour.core import leases
from retour.core.models import WorkerHeartbeat
from retour.portal.tasks import prune_lookup_attempts

pytestmark = pytest.mark.django_db


def claimed_by(worker_id: str) -> DBTaskResult:
    """A real queued task, claimed as db_worker claims it."""
    result = prune_lookup_attempts.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    return row


@pytest.mark.django_db(transaction=True)  # the real worker closes its connection when done
def test_a_dead_workers_task_goes_back_to_the_queue_and_runs() -> None:
    now = timezone.now()
    leases.beat("dead-worker", now - timedelta(minutes=2))
    leases.beat("live-worker", now - timedelta(seconds=5))
    orphan, alive, bare = claimed_by("dead-worker"), claimed_by("live-worker"), claimed_by("bare-db-worker")

    assert leases.requeue_orphans(now) == 1
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[orphan.pk] == "READY"
    assert statuses[alive.pk] == "RUNNING"
    assert statuses[bare.pk] == "RUNNING"  # never beat: nothing says it is dead
    assert leases.requeue_orphans(now) == 0  # once

    call_command("worker", "--batch", "--no-schedule", verbosity=0)
    orphan.refresh_from_db()
    assert orphan.status == "SUCCESSFUL"
    assert orphan.worker_ids[0] == "dead-worker"
    assert len(orphan.worker_ids) == 2  # claimed again by the worker that ran it


def test_a_worker_within_its_lease_keeps_its_task() -> None:
    now = timezone.now()
    leases.beat("slow-worker", now - leases.LEASE + timedelta(seconds=1))
    claimed_by("slow-worker")
    assert leases.requeue_orphans(now) == 0


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from its own thread and connection
def test_the_heartbeat_beats_while_the_worker_runs_and_goes_when_it_stops() -> None:
    heartbeat = leases.Heartbeat("beating-worker", interval=0.05)
    heartbeat.start()
    deadline = time.monotonic() + 10
    while not WorkerHeartbeat.objects.filter(worker_id="beating-worker").exists():
        assert time.monotonic() < deadline, "no heartbeat within 10 s"
        time.sleep(0.05)
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="beating-worker").exists()


def test_worker_ids_fit_db_workers_limit() -> None:
    ids = {leases.new_worker_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(0 < len(worker_id) <= 64 for worker_id in ids)
