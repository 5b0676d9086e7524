"""Claims under concurrency, beyond test_lifecycle's two cases (50 grants with two keys, grant_overdue in two
threads): the periodic job run by two real workers at once, fifty staff each with their own key and half of
them denying, the seller answering while the worker grants at ``respond_by``, and a buyer's claim form
sent ten times at once. On PostgreSQL the calls meet at a barrier on their own connections; on SQLite's
in-memory test database they queue up (tests/concurrency.py)."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from concurrency import at_once_possible, run_at_once
from integration.claims.helpers import balanced
from integration.portal.steps import look_up
from retour.claims.errors import ResponseTooLate, TransitionRefused
from retour.claims.models import Claim, ClaimEvent
from retour.claims.services.deciding import Answer, decide, grant_overdue, respond
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.claims.tasks import grant_overdue_claims
from retour.notifications.models import ClaimNotification
from retour.refunds.models import Refund, RefundRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings: Any) -> Any:
    from smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


def overdue_claim(marketplace_order: Any, number: str = "#5001") -> Claim:
    """A claim filed 73 hours ago that its seller never answered."""
    ordered = timezone.now() - timedelta(days=20)
    order = marketplace_order(
        number,
        ordered_at=ordered.isoformat(),
        shipments=[{"estimated_delivery_latest": str((ordered + timedelta(days=4)).date())}],
    )
    line = order.lines.get()
    claim, _ = file_claim(
        order, Filing("not_received", [ClaimedLine(line.pk, 1)]), now=timezone.now() - timedelta(hours=73)
    )
    return claim


def test_two_workers_running_the_job_at_once_grant_an_overdue_claim_once_and_email_once(
    marketplace_order, smtp
):
    claim = overdue_claim(marketplace_order)
    grant_overdue_claims.enqueue()
    grant_overdue_claims.enqueue()  # the schedule and an operator both queued it

    ids = itertools.count()
    lock = threading.Lock()

    def worker() -> None:
        # db_worker's own loop, without the signal handlers only a main thread may install.
        with lock:
            worker_id = f"worker-{next(ids)}"
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()

    errors = run_at_once(worker, 2)
    assert not errors, errors
    claim.refresh_from_db()
    assert (claim.state, claim.decision_reason) == ("granted", "seller_no_response")
    assert ClaimEvent.objects.filter(claim=claim, kind="granted").count() == 1
    assert RefundRequest.objects.count() == 1
    assert Refund.objects.count() == 1
    granted_mail = ClaimNotification.objects.filter(claim=claim, kind="granted")
    assert list(granted_mail.values_list("status", flat=True)) == ["sent"]
    assert (
        sum(claim.number in str(m["Subject"]) and "accept" in str(m["Subject"]) for m in smtp.messages) == 1
    )
    assert balanced()


def test_fifty_staff_with_their_own_keys_granting_and_denying_at_once_decide_once(
    marketplace_order, claims_agent
):
    order = marketplace_order()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    workers = 50 if at_once_possible() else 8
    numbers = itertools.count()
    lock = threading.Lock()
    decided: list[str] = []

    def act() -> None:
        with lock:
            n = next(numbers)
        outcome = "granted" if n % 2 else "denied"
        _claim, changed = decide(
            Claim.objects.get(pk=claim.pk), outcome, note="Checked.", key=f"staff-{n}", actor=claims_agent
        )
        if changed:
            with lock:
                decided.append(outcome)

    errors = run_at_once(act, workers)
    assert all(isinstance(error, TransitionRefused) for error in errors), errors
    assert len(decided) == 1
    assert len(errors) == workers - 1
    claim.refresh_from_db()
    assert claim.decision == decided[0]
    assert ClaimEvent.objects.filter(claim=claim, kind__in=["granted", "denied"]).count() == 1
    assert RefundRequest.objects.count() == (1 if decided[0] == "granted" else 0)
    assert ClaimNotification.objects.filter(claim=claim, kind=decided[0]).count() == 1
    assert balanced()


def test_the_seller_answering_as_the_worker_grants_at_respond_by_leaves_one_outcome(marketplace_order):
    claim = overdue_claim(marketplace_order)
    lock = threading.Lock()
    turns = itertools.count()
    outcomes: list[str] = []

    def act() -> None:
        with lock:
            turn = next(turns)
        if turn == 0:
            respond(
                Claim.objects.get(pk=claim.pk),
                Answer("evidence", tracking_number="1Z9"),
                now=claim.respond_by - timedelta(seconds=1),
            )
            with lock:
                outcomes.append("answered")
        else:
            if grant_overdue(now=claim.respond_by + timedelta(seconds=1)):
                with lock:
                    outcomes.append("granted")

    errors = run_at_once(act, 2)
    assert all(isinstance(error, (TransitionRefused, ResponseTooLate)) for error in errors), errors
    assert len(outcomes) == 1
    claim.refresh_from_db()
    expected = {"answered": "seller_responded", "granted": "granted"}[outcomes[0]]
    assert claim.state == expected
    kinds = set(ClaimEvent.objects.filter(claim=claim).values_list("kind", flat=True))
    assert kinds == {"filed", expected}
    assert balanced()


def test_a_claim_form_sent_ten_times_at_once_files_one_claim(marketplace_order):
    order = marketplace_order()
    first = Client()
    assert look_up(first, order).status_code == 302
    session = first.cookies["sessionid"].value
    line = order.lines.get()
    data = {"claim_type": "not_received", "lines": [line.pk], "message": "It never came.", "key": "a" * 32}
    answers: list[Any] = []
    lock = threading.Lock()

    def send() -> None:
        client = Client()
        client.cookies["sessionid"] = session
        answer = client.post(reverse("portal:claim_new", args=[order.pk]), data)
        with lock:
            answers.append(answer)

    errors = run_at_once(send, 10)
    assert not errors, errors
    claim = Claim.objects.get()
    assert [answer.status_code for answer in answers] == [302] * 10
    assert {answer["Location"].split("?")[0] for answer in answers} == {
        reverse("portal:claim", args=[claim.number])
    }
    assert ClaimEvent.objects.filter(kind="filed").count() == 1
    assert ClaimNotification.objects.filter(kind="filed").count() == 1
