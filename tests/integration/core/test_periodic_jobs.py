"""`retour worker` queues the periodic jobs when they are due, once between any number of workers, and
runs them: reminders and expiry, refunds to reconcile, instant exchanges, store credit, emails to retry."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from concurrency import run_at_once
from fakes.stripe_server import FakeStripe
from retour.config.schedule import JOBS
from retour.core.models import PeriodicRun
from retour.core.scheduling import Job, queue_due
from retour.refunds.services.paying import request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

CHASE = "retour.returns.tasks.chase_unshipped_returns"
RECONCILE = "retour.refunds.tasks.reconcile_pending_refunds"


def queued(task_path: str) -> int:
    return DBTaskResult.objects.filter(task_path=task_path).count()


@pytest.mark.django_db
def test_each_job_is_queued_when_due_and_not_again_before_its_interval(db):
    start = timezone.now()
    assert queue_due(JOBS, start) == [job.name for job in JOBS]  # never run: every job is due
    assert queue_due(JOBS, start + timedelta(seconds=30)) == []
    frequent = [job.name for job in JOBS if job.every <= timedelta(minutes=5)]
    # a refund a crash left pending, a task a dead worker held: taken up within minutes
    assert {"reconcile-refunds", "requeue-orphaned-tasks"} <= set(frequent)
    assert queue_due(JOBS, start + timedelta(minutes=5)) == frequent
    later = queue_due(JOBS, start + timedelta(days=1, minutes=1))
    assert set(later) == {job.name for job in JOBS}
    assert queued(CHASE) == 2
    assert queued(RECONCILE) == 3
    assert PeriodicRun.objects.get(name="chase-returns").last_queued_at == start + timedelta(
        days=1, minutes=1
    )


@pytest.mark.django_db(transaction=True)
def test_several_workers_looking_at_once_queue_each_job_once(db):
    """On PostgreSQL, 8 threads on their own connections at the same instant; the SQLite test database
    lives in memory, one connection that cannot wait for a lock, so there the same calls queue up."""
    now = timezone.now()
    claimed: list[str] = []

    def look() -> None:
        claimed.extend(queue_due(JOBS, now))

    errors = run_at_once(look, 8)
    assert not errors, errors
    assert sorted(claimed) == sorted(job.name for job in JOBS)
    assert DBTaskResult.objects.count() == len(JOBS)


@pytest.mark.django_db
def test_a_job_of_a_new_kind_is_recorded_on_its_first_look(db):
    job = Job(
        "retry-notifications-again", "retour.notifications.tasks.retry_failed_notifications", timedelta(1)
    )
    now = timezone.now()
    assert queue_due([job], now) == [job.name]
    assert PeriodicRun.objects.get(name=job.name).last_queued_at == now


@pytest.fixture
def smtp(settings: Any) -> Any:
    from smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_the_worker_in_batch_mode_chases_a_return_and_sends_the_reminder_once(order, smtp):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    Return.objects.filter(pk=ret.pk).update(approved_at=timezone.now() - timedelta(days=4))
    call_command("worker", "--batch", verbosity=0)
    reminders = ret.events.filter(kind="reminder")
    assert [event.data["day"] for event in reminders] == [3]
    assert sum("Rappel" in str(message["Subject"]) for message in smtp.messages) == 1
    assert set(PeriodicRun.objects.values_list("name", flat=True)) == {job.name for job in JOBS}
    call_command("worker", "--batch", verbosity=0)  # not due again yet; and a chase twice reminds once
    assert queued(CHASE) == 1
    assert ret.events.filter(kind="reminder").count() == 1
    assert sum("Rappel" in str(message["Subject"]) for message in smtp.messages) == 1
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_expires_with_the_expiry_setting(order, settings):
    settings.RETURN_EXPIRY_DAYS = 5
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    Return.objects.filter(pk=ret.pk).update(approved_at=timezone.now() - timedelta(days=6))
    call_command("worker", "--batch", "--no-schedule", verbosity=0)
    assert Return.objects.get(pk=ret.pk).state == "approved"  # no schedule: nothing was queued
    call_command("worker", "--batch", verbosity=0)
    expired = Return.objects.get(pk=ret.pk)
    assert expired.state == "expired"
    assert "5" in expired.events.get(kind="expired").reason


@pytest.fixture
def fake_stripe(fixtures_dir, settings):
    fixture = json.loads((fixtures_dir / "stripe" / "refund.stripe-mock-fixtures3.json").read_text())
    server = FakeStripe(fixture).start()
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_refund_left_pending_is_queued_for_reconciling_and_the_worker_completes_it_once(
    make_order, fake_stripe
):
    order = make_order(
        "#9001",
        payments=[
            {"method": "card", "gateway": "stripe", "reference": "ch_1PgafuB7WZ01zgkW", "amount": "145.00"}
        ],
    )
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    fake_stripe.crash_next = True
    request, _created = request_refund(ret, idempotency_key="crash", actor=None)
    refund = request.refunds.get()
    assert refund.status == "pending"
    later = DBTaskResult.objects.get(task_path=RECONCILE)
    assert later.run_after > later.enqueued_at  # asked again in a while, not in a busy loop
    call_command("worker", "--batch", verbosity=0)  # the periodic reconcile is due at once
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert fake_stripe.creates == 1
    assert Return.objects.get(pk=ret.pk).state == "resolved"
