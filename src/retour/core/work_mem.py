"""More sort and hash memory for one heavy query on PostgreSQL.

PostgreSQL gives each sort or hash of a query ``work_mem`` (4 MB by default); a query that groups more
rows than that spills them to disk and may be twice as slow. Raising it for the whole server costs
memory on every connection, so ``work_mem(64)`` raises it only around the queries that need it: on
PostgreSQL inside a transaction (a savepoint when one is open) with ``SET LOCAL``, put back as it was
when the block ends (a rollback puts it back too); on other databases it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def work_mem(megabytes: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's queries on ``using`` with ``work_mem`` of ``megabytes`` (PostgreSQL only)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [f"{megabytes}MB"]
            )
            before = cursor.fetchone()[0]
        yield
        with connection.cursor() as cursor:  # within an outer transaction, SET LOCAL would outlive us
            cursor.execute("SELECT set_config('work_mem', %s, true)", [before])
