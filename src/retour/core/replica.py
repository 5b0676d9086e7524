"""Which reads may go to the read replica: those made inside ``analytics_reads()``.

Analytics (the insights pages, reports and exports) read many rows and may be a few seconds behind, so
they can be served by a PostgreSQL streaming replica; everything else reads and writes the primary, so a
shopper or an agent always sees what was just written. The flag is a context variable: it holds for one
request or one command, in its own thread, and is reset when the block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_analytics: ContextVar[bool] = ContextVar("retour_analytics_reads", default=False)


@contextmanager
def analytics_reads() -> Iterator[None]:
    token = _analytics.set(True)
    try:
        yield
    finally:
        _analytics.reset(token)


def reading_analytics() -> bool:
    return _analytics.get()
