from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django_tasks_db.models import DBTaskResult


def health(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers (a load balancer restarts it otherwise). Reads nothing."""
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers, and so does the task queue (a table in it)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return _unavailable({"database": "unreachable", "tasks": "unreachable"})
    try:
        DBTaskResult.objects.only("id").first()
    except DatabaseError:
        return _unavailable({"database": "ok", "tasks": "unreachable"})
    return JsonResponse({"status": "ok", "database": "ok", "tasks": "ok"})


def _unavailable(parts: dict[str, str]) -> JsonResponse:
    response = JsonResponse({"status": "unavailable", **parts}, status=503)
    response["Retry-After"] = "30"
    return response
