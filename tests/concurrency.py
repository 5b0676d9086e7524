"""Running the same call from several workers at once, the way two clicks or two web processes do."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection, connections


def at_once_possible() -> bool:
    """PostgreSQL: threads on their own connections, released together. The SQLite test database lives
    in memory behind one connection that cannot wait for a lock, so there the same calls queue up."""
    return connection.vendor == "postgresql"


def run_at_once(action: Callable[[], None], workers: int) -> list[BaseException]:
    """Call ``action`` ``workers`` times, all at the same instant where the database allows it (see
    ``at_once_possible``), one after the other otherwise; return what the calls raised."""
    concurrent = at_once_possible()
    barrier = threading.Barrier(workers) if concurrent else None
    errors: list[BaseException] = []

    def one() -> None:
        try:
            if barrier is not None:
                barrier.wait()
            action()
        except BaseException as error:
            errors.append(error)
        finally:
            if concurrent:
                connections.close_all()

    if concurrent:
        threads = [threading.Thread(target=one) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for _ in range(workers):
            one()
    return errors
