"""The OpenAPI document tells the truth about errors: every operation lists the problem+json answers it
may give, with the ``Problem`` body the error handlers (``api.errors``) write.

ninja documents only the statuses a view declares; the errors below come from the layers around every
view (control characters and body size refused before it runs, the token, the role, the store, request
validation, the database), so they are added to every operation here, once, rather than to each view.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict

PROBLEM = "application/problem+json"
FORM = "multipart/form-data"  # the operations that take a form (a photo); every other refuses one (415)

# status -> what it means, for every operation
EVERYWHERE = {
    400: "The request contains a control character (code control_character), a body that is not JSON "
    "(code http_error) or one that cannot be read at all (code unreadable_body).",
    401: "No valid API token, a staff user's or a seller account's (code unauthenticated).",
    403: "The token's role does not allow this (code permission_denied).",
    404: "No such object in the stores the token reaches (the same answer as for one that does not exist).",
    413: "The request body is too large (code request_too_large).",
    422: "The request is not valid: each field with its message (code invalid_request), or a domain rule "
    "refused it (its own code).",
    500: "An unexpected error (code internal_error); nothing was changed by halves.",
    503: "The database is away for a moment (code unavailable): try again after Retry-After seconds.",
}
CHANGES = {409: "The object is not in a state that allows this (e.g. a return already received)."}
FORM_REFUSED = {415: "A form sent where the operation reads JSON (code unsupported_media_type)."}
THROTTLED = {429: "Too many requests from this client: try again later."}
THROTTLED_PATHS = ("/help/", "/feedback/surveys/")  # the operations without a token, limited per client
# Operations that move money refuse a request without an Idempotency-Key (400 idempotency_key_required);
# the views read it as an optional header to answer that with its own code, so the document says it here.
KEY_REQUIRED = ("/refund", "/charge", "/decide")
KEY = "Idempotency-Key"


class Problem(Schema):
    """RFC 9457 problem details; domain errors add their own fields (e.g. ``available``, ``current``)."""

    model_config = ConfigDict(extra="allow")

    type: str
    code: str
    title: str
    status: int
    errors: list[dict[str, Any]] | None = None  # each with its field (or row and column) and message


def documented(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the ``Problem`` component and every operation's error answers."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components["Problem"] = body
    answer = {"content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            statuses = dict(EVERYWHERE)
            if method != "get":
                statuses.update(CHANGES)
                if FORM not in operation.get("requestBody", {}).get("content", {}):
                    statuses.update(FORM_REFUSED)
            if any(part in path for part in THROTTLED_PATHS):
                statuses.update(THROTTLED)
            if path.endswith(KEY_REQUIRED):
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "header" and parameter.get("name") == KEY:
                        parameter["required"] = True
                        parameter["description"] = (
                            "Required: a key of your own for this payment. The same key again returns the "
                            "first answer and pays nothing more."
                        )
                        parameter.setdefault("schema", {})["minLength"] = 1
            responses = operation.setdefault("responses", {})
            for status, meaning in statuses.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": meaning, **answer}
    return schema
