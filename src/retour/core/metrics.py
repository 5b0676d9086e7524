"""Prometheus metrics of the web processes: requests by view and status, and their latency.

prometheus-client keeps the counters. Under ``retour serve`` several gunicorn processes answer requests,
so their counters are written to ``PROMETHEUS_MULTIPROC_DIR`` (set by ``retour serve``) and summed at each
scrape; a single process (``runserver``, tests) keeps them in memory. What the database knows (tasks
queued and failed, refunds by status) is counted at scrape time by config/observability.py.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "retour_http_requests",
    "HTTP requests answered, by view and status.",
    ["method", "view", "status"],
    registry=None,
)
LATENCY = Histogram(
    "retour_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def view_name(request: HttpRequest) -> str:
    """The route's name (a bounded set of labels), never the path (unbounded: ids, tokens)."""
    match = getattr(request, "resolver_match", None)
    return (match.view_name or "unnamed") if match is not None else "unmatched"


def observe_request(request: HttpRequest, status: int, seconds: float) -> None:
    view = view_name(request)
    method = request.method if request.method in _METHODS else "other"
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


def exposition(*collectors: Collector) -> bytes:
    """What Prometheus scrapes: this process's counters (or every process's) and ``collectors``."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)
