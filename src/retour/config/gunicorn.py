"""gunicorn's settings under ``retour serve`` (``-c python:retour.config.gunicorn``).

The access log carries the request id the application logs too; a worker that exits has its metrics
files marked dead, so /metrics keeps its counts but not its live gauges (prometheus-client's multiprocess
mode).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import multiprocess

access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
graceful_timeout = 30
forwarded_allow_ips = "*"  # the application decides whom to believe (TRUSTED_PROXIES), not gunicorn


def child_exit(server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
