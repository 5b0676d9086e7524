"""Request bodies above a size are refused before anything reads them (Django limits form fields, not
uploaded files, and the CSRF check parses a multipart body before any view runs)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from retour.core.clean_input import refuse


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = settings.MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = limit + 1
        if length > limit:
            message = _("This request is too large (at most %(size)d MB): send fewer or smaller files.") % {
                "size": limit // 1_048_576
            }
            return refuse(request, 413, "request_too_large", message)
        return self.get_response(request)
