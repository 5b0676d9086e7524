"""No process holds more PostgreSQL connections than its pool, however many threads ask at once.

On PostgreSQL: 30 threads each hold a connection for a moment (a query that sleeps); the server's own
count of this database's connections never passes DATABASE_POOL_SIZE. On SQLite (a file, no server,
no pool) the same threads run, and the configuration is checked to keep no connection between requests.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 30


def test_thirty_threads_never_hold_more_connections_than_the_pool() -> None:
    postgres = connection.vendor == "postgresql"
    seen: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def busy() -> None:
        try:
            barrier.wait()
            with connection.cursor() as cursor:
                if postgres:
                    cursor.execute(
                        "SELECT pg_sleep(0.2), count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database()"
                    )
                    seen.append(int(cursor.fetchone()[1]))
                else:
                    cursor.execute("SELECT 1")
                    seen.append(1)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()  # back to the pool (PostgreSQL), closed (SQLite)

    threads = [threading.Thread(target=busy) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(seen) == THREADS
    config = settings.DATABASES["default"]
    if postgres:
        size = config["OPTIONS"]["pool"]["max_size"]
        assert size == settings.ENV.database_pool_size
        assert max(seen) <= size, seen
    else:
        assert "pool" not in config.get("OPTIONS", {})
        assert config.get("CONN_MAX_AGE", 0) == 0
