"""Thirty guesses at one order number at the same instant: no more than the limit get through.

On PostgreSQL the thirty run on their own connections, released together by a barrier; on SQLite (one
in-memory connection for the test database) they queue, and the count must still be exact.
"""

from __future__ import annotations

import threading

import pytest

from concurrency import at_once_possible, run_at_once
from retour.portal import throttle
from retour.portal.models import LookupAttempt

pytestmark = pytest.mark.django_db(transaction=True)
GUESSES = 30


def test_thirty_parallel_guesses_let_at_most_five_through() -> None:
    order = throttle.order_key("shop", "#1001")
    allowed: list[bool] = []
    lock = threading.Lock()
    clients = iter(range(GUESSES))

    def guess() -> None:
        with lock:
            client = throttle._hash("client", f"198.51.100.{next(clients)}")
        verdict = throttle.begin(client, order, postal=False).verdict
        with lock:
            allowed.append(verdict.allowed)

    errors = run_at_once(guess, GUESSES)
    assert not errors, errors
    assert len(allowed) == GUESSES
    through = allowed.count(True)
    if at_once_possible():
        assert 1 <= through <= throttle.FAILURES_PER_ORDER
    else:
        assert through == throttle.FAILURES_PER_ORDER
    # what is kept is exactly what got through: refused guesses took their rows back
    assert LookupAttempt.objects.filter(scope="order", key=order).count() == through
