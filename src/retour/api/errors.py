"""Errors at the API boundary as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from retour.api.openapi import documented
from retour.core.errors import DomainError
from retour.core.schema_errors import translated_message

PROBLEM = "application/problem+json"
NOT_JSON = "Cannot parse request body"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
RETRY_AFTER = "30"  # seconds: what a client waits before trying again when the database is away
logger = logging.getLogger("retour.api")


class PermissionDenied(DomainError):
    """The staff member's token is valid, but their role does not allow this."""

    code = "permission_denied"
    status = 403


def problem(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, title: str, **extra: Any
) -> HttpResponse:
    body = {"type": f"urn:retour:error:{code}", "code": code, "title": title, "status": status, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


def install(api: NinjaAPI) -> None:
    # The OpenAPI document lists these answers on every operation (api/openapi.py).
    generate = api.get_openapi_schema

    def with_problems(**kwargs: Any) -> Any:
        return documented(generate(**kwargs))

    api.get_openapi_schema = with_problems  # type: ignore[method-assign]

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        return problem(api, request, error.status, error.code, error.message, **error.details)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        # pydantic's messages are English: translated_message gives them in the request's language.
        errors = [
            {
                "field": _field(item.get("loc", ())),
                "message": _no_body() if _is_missing_body(item) else translated_message(item),
            }
            for item in error.errors
        ]
        return problem(api, request, 422, "invalid_request", _("The request is not valid."), errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return problem(api, request, 401, "unauthenticated", _("A valid staff API token is required."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        title = str(error)
        if title.startswith(NOT_JSON):  # ninja's own words (with the parser's reason under DEBUG)
            if request.content_type in FORMS:
                return form_body(request, error)
            title = _("The request body is not valid JSON.")
        return problem(api, request, error.status_code, "http_error", title)

    @api.exception_handler(RawPostDataException)
    def form_body(request: HttpRequest, error: Exception) -> HttpResponse:
        # A form sent to an operation that reads JSON: a multipart body was already read as a form (by
        # the control-character check), so its raw bytes are gone; an urlencoded one is not JSON.
        return problem(
            api,
            request,
            415,
            "unsupported_media_type",
            _("This operation takes a JSON body (Content-Type: application/json), not a form."),
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return problem(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        if isinstance(error, OperationalError | InterfaceError):
            # The database is away (restarting, unreachable, out of connections): try again later.
            logger.warning("Database unavailable during %s %s: %s", request.method, request.path, error)
            response = problem(
                api, request, 503, "unavailable", _("The service is unavailable for a moment: try again.")
            )
            response["Retry-After"] = RETRY_AFTER
            return response
        level = logging.ERROR if not isinstance(error, DatabaseError) else logging.WARNING
        logger.log(level, "Unexpected error during %s %s", request.method, request.path, exc_info=error)
        return problem(api, request, 500, "internal_error", _("Something went wrong on our side: try again."))


def _is_missing_body(item: dict[str, Any]) -> bool:
    """ninja's error for an empty body: the view's body parameter itself is missing."""
    location = tuple(item.get("loc", ()))
    return item.get("type") == "missing" and len(location) == 2 and location[0] == "body"


def _no_body() -> str:
    return _("The request has no body: send a JSON object (Content-Type: application/json).")


def _field(location: tuple[object, ...] | list[object]) -> str:
    """``("body", "order", "lines", 0, "title")`` -> ``lines.0.title``: the path inside what the client sent.

    ninja prefixes the request part and, for a body, the view's parameter name, which clients never see.
    """
    parts = list(location)
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] in (["query"], ["path"], ["header"]):
        parts = parts[1:]
    return ".".join(str(part) for part in parts)
