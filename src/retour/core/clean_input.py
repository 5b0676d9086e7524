"""Control characters are refused at the door: a NUL byte or another C0 control character in the path,
the query, a form field or a JSON body gets a 400 before any view runs, instead of reaching the database
(PostgreSQL refuses NUL in text and the request would end in a 500) or a page.

Tabs, line feeds and carriage returns are text (a message on several lines) and pass. Uploaded files are
not looked at: a photo is binary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters written as JSON escapes (\u0000 ... \u001f but \t \n \r, and \u007f).
JSON_ESCAPED = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse(request: HttpRequest, status: int, code: str, title: str, **headers: str) -> HttpResponse:
    """An error before any view: problem+json for the API, plain text in the request's language elsewhere."""
    if request.path.startswith("/api/"):
        body = {"type": f"urn:retour:error:{code}", "code": code, "title": title, "status": status}
        response = HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
    else:
        response = HttpResponse(title, status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def _any_control(texts: Iterable[str]) -> bool:
    return any(CONTROL.search(text) for text in texts)


def has_control_characters(request: HttpRequest) -> bool:
    if CONTROL.search(request.path) or _any_control(
        part for key, values in request.GET.lists() for part in (key, *values)
    ):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in FORMS:
        return _any_control(part for key, values in request.POST.lists() for part in (key, *values))
    body = request.body
    return (
        b"\x00" in body or bool(JSON_ESCAPED.search(body)) or _any_control([body.decode("utf-8", "replace")])
    )


class ControlCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if has_control_characters(request):
            return refuse(
                request,
                400,
                "control_character",
                _("The request contains a control character (such as a NUL byte): remove it and try again."),
            )
        return self.get_response(request)
