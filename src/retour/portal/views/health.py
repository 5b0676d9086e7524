from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and ``make run``."""
    return _checked({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers."""
    return _checked({"status": "ok", "database": "ok"})


def _checked(ok: dict[str, str]) -> JsonResponse:
    """``ok``, or 503 (with ``Retry-After``) while the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = "30"
        return response
    return JsonResponse(ok)
