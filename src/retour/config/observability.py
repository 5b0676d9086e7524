"""``/metrics``: what Prometheus scrapes, reachable only from the addresses the operator allows.

The web processes' request counters come from core/metrics.py; what the database knows is counted at
each scrape (a few indexed GROUP BY queries): tasks by status (queued, running, failed), live workers,
refunds by status (paid is ``succeeded``, ``failed``, ``pending``), the amounts refunded by currency, and
outgoing webhook deliveries by event and status (sent is ``succeeded``; ``failed`` waits for a retry,
``given_up`` was abandoned). ``METRICS_ALLOWED`` lists the addresses or
networks allowed (default: this machine only); anyone else gets the site's 404, as for a page that
does not exist. Here, in config, because it reads several apps: no app depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from retour.core import metrics
from retour.core.clients import client_address, is_in, networks
from retour.core.leases import LEASE
from retour.core.models import WorkerHeartbeat
from retour.refunds.models import Refund
from retour.webhooks.models import Delivery


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        tasks = GaugeMetricFamily("retour_tasks", "Tasks in the queue, by status.", labels=["status"])
        for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by("status"):
            tasks.add_metric([str(row["status"]).lower()], row["n"])
        yield tasks
        alive = WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - LEASE).count()
        yield GaugeMetricFamily("retour_workers_alive", "Workers whose heartbeat is recent.", value=alive)
        refunds = GaugeMetricFamily("retour_refunds", "Refund payments, by status.", labels=["status"])
        for row in Refund.objects.values("status").annotate(n=Count("id")).order_by("status"):
            refunds.add_metric([row["status"]], row["n"])
        yield refunds
        paid = GaugeMetricFamily(
            "retour_refunded_amount", "Amounts refunded (succeeded), by currency.", labels=["currency"]
        )
        succeeded = Refund.objects.filter(status=Refund.Status.SUCCEEDED)
        for row in succeeded.values("currency").annotate(total=Sum("amount")).order_by("currency"):
            paid.add_metric([row["currency"]], float(row["total"] or 0))
        yield paid
        yield self._webhook_deliveries()

    @staticmethod
    def _webhook_deliveries() -> Metric:
        """From the delivery log (the outbox), so every process and worker counts the same deliveries."""
        deliveries = GaugeMetricFamily(
            "retour_webhook_deliveries",
            "Outgoing webhook deliveries, by event and status (pending, succeeded, failed, given_up).",
            labels=["event", "status"],
        )
        counted = Delivery.objects.values("event_type", "status").annotate(n=Count("id"))
        for row in counted.order_by("event_type", "status"):
            deliveries.add_metric([row["event_type"], row["status"]], row["n"])
        return deliveries


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not is_in(client_address(request), networks(tuple(settings.METRICS_ALLOWED))):
        raise Http404
    return HttpResponse(metrics.exposition(DatabaseCollector()), content_type=CONTENT_TYPE_LATEST)
