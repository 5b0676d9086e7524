"""gunicorn's settings under ``retour serve`` (``-c python:retour.config.gunicorn``).

The access log carries the request id the application logs too; a worker that exits has its metrics
files marked dead, so /metrics keeps its counts but not its live gauges (prometheus-client's multiprocess
mode).
"""

from __future__ import annotations

import gc
from typing import Any

from prometheus_client import multiprocess

access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
graceful_timeout = 30
forwarded_allow_ips = "*"  # the application decides whom to believe (TRUSTED_PROXIES), not gunicorn
# An idle keep-alive connection is kept 30 s (gunicorn's default is 2 s). With 2 s, a client or proxy that
# reuses its connection after a pause of about 2 s can send its request just as the server closes it, and
# gets a reset instead of an answer (seen in bench/load_locust.py: shoppers pause 1 to 3 s between screens).
# The threaded workers hold idle connections in a poller, not in a thread. Keep it below the proxy's own
# upstream keep-alive timeout (nginx: keepalive_timeout in the upstream block, 60 s by default).
keepalive = 30


def child_exit(server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def post_worker_init(worker: Any) -> None:
    """The application is loaded: what was made so far (Django, the apps, their modules) lives as long as
    the worker. Moved out of the garbage collector's way (``gc.freeze``), a page that makes many objects
    no longer pays for walking them all at each full collection: product health over 16,000 products,
    360 -> 235 ms (docs/benchmarks.md)."""
    gc.freeze()
