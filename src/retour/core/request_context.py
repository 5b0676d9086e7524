"""Each request's id: taken from the proxy's ``X-Request-ID`` when it is a sane token, made otherwise.

The id is sent back in ``X-Request-ID``, written on every log line the request causes (core/logs.py)
and so ties a proxy's access log, the application's log and a user's report together. The middleware
also times the request for ``/metrics`` (core/metrics.py).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from retour.core import metrics

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
# What a proxy may hand us: letters, digits and - _ . : at most 64 of them (nginx's $request_id, a UUID).
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_from(header: str) -> str:
    return header if _SANE.fullmatch(header) else uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(str(request.headers.get("X-Request-ID", "")))
        REQUEST_ID.set(request_id)  # until the request is finished: Django logs a 4xx/5xx after middleware
        started = time.perf_counter()
        response = self.get_response(request)
        metrics.observe_request(request, response.status_code, time.perf_counter() - started)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished, dispatch_uid="retour.request_id.finished")
def _forget_request_id(**kwargs: object) -> None:
    """The response is sent: what the thread logs next is no request's."""
    REQUEST_ID.set("-")
