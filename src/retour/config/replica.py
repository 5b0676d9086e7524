"""The database router and the middleware that send analytics reads to the read replica.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` database alias (the router is always on,
and without a replica it answers ``default``). Reads made
inside ``core.replica.analytics_reads()`` go to the replica; every write, every migration and every other
read goes to the primary (``default``), as does any read inside a transaction on the primary. A request
is an analytics one when it only reads (GET or HEAD) and its path is one of
``ANALYTICS_PATHS`` (the back office's analytics and exports pages, the API's analytics and exports);
a command is one when it says ``reads_analytics = True`` (insights' ``report`` and ``export``).
Who is asking is always read from the primary (``FRESH``): the session, the user, their permissions and
groups, the API token, the stores a member is limited to (and the stores themselves) and the seller an
account acts for. A replica a few seconds behind must not sign out someone who just signed in, nor accept
a token just revoked or a permission just taken away. Here, in config, because it knows the URLs and
models of several apps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from retour.core.replica import analytics_reads, reading_analytics

PRIMARY, REPLICA = "default", "replica"
ANALYTICS_PATHS = (
    "/backoffice/analytics/",
    "/backoffice/exports/",
    "/api/v1/analytics/",
    "/api/v1/exports/",
)


# app_label.model_name of what authentication and authorisation read: the primary answers, always.
FRESH = frozenset(
    {
        "sessions.session",
        "auth.user",
        "auth.group",
        "auth.permission",
        "api.apitoken",
        "backoffice.staffstore",
        "catalog.store",
        "sellers.sellermember",
    }
)


def is_analytics(path: str) -> bool:
    return path.startswith(ANALYTICS_PATHS)


class ReplicaRouter:
    """Django's router protocol: an alias, or None to let the next router (or ``default``) decide."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if not reading_analytics() or REPLICA not in settings.DATABASES:
            return PRIMARY
        if model._meta.label_lower in FRESH:
            return PRIMARY
        # Inside a transaction on the primary, a read must see its own writes: the primary answers.
        return PRIMARY if connections[PRIMARY].in_atomic_block else REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, copied: a row read from the replica is the primary's row

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA  # the replica receives the primary's schema by streaming replication


class AnalyticsReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not is_analytics(request.path_info):
            return self.get_response(request)
        with analytics_reads():
            return self.get_response(request)
