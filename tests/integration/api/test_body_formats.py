"""A JSON operation sent a form or nothing answers a clear, translated problem and changes nothing.

A form (urlencoded or multipart) is a 415; an empty body a 422 saying the body is missing; a body Django
cannot read at all before any view (a form in another charset, a broken multipart body) a 400. None of
them is a 500, and none writes anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from factories import json_order
from retour.orders.models import Order
from retour.returns.models import Return, ReturnEvent

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
FORM = "application/x-www-form-urlencoded"
FORM_TITLE = {
    "en": "This operation takes a JSON body (Content-Type: application/json), not a form.",
    "fr": "Cette opération attend un corps JSON (Content-Type\u00a0: application/json), pas un formulaire.",
}
NO_BODY = {
    "en": "The request has no body: send a JSON object (Content-Type: application/json).",
    "fr": "La requête n’a pas de corps\u00a0: envoyez un objet JSON (Content-Type\u00a0: application/json).",
}
UNREADABLE = {
    "en": "The request body cannot be read: check its Content-Type, its encoding (UTF-8) and its form.",
    "fr": "Le corps de la requête est illisible\u00a0: vérifiez son Content-Type, son encodage (UTF-8) "
    "et sa forme.",
}
# (content type, body) of a form, each as a client would send it
FORMS: dict[str, tuple[str, Any]] = {
    "urlencoded": (FORM, "reason=worn&order=%231001"),
    "multipart": (MULTIPART_CONTENT, {"reason": "worn", "order": "#1001"}),  # the test client encodes it
}
EMPTY = {"json": "application/json", "urlencoded": FORM}


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"], body["type"]) == (status, code, f"urn:retour:error:{code}")
    return body


@pytest.fixture
def waiting(order: Order, agent: User, client_for: Callable[[User], Client], review_policy: Any) -> Return:
    """A return waiting for review (a seller-fault reason under the review policy)."""
    line = order.lines.order_by("position").first()
    assert line is not None
    body = {
        "order": order.number,
        "lines": [{"order_line": line.pk, "quantity": 1, "reason": "defective", "condition": "unopened"}],
    }
    created = client_for(agent).post("/api/v1/returns", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    return Return.objects.get(number=created.json()["number"])


def snapshot() -> tuple[int, int, int, list[str]]:
    states = list(Return.objects.order_by("pk").values_list("state", flat=True))
    return Order.objects.count(), Return.objects.count(), ReturnEvent.objects.count(), states


def operations(ret: Return) -> list[str]:
    """Each takes a JSON body schema: an order, a return request, a rejection, an optional note."""
    return [
        "/api/v1/orders",
        "/api/v1/returns",
        f"/api/v1/returns/{ret.number}/reject",
        f"/api/v1/returns/{ret.number}/approve",
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", FORMS)
def test_a_form_sent_to_a_json_operation_is_a_415_and_changes_nothing(
    waiting: Return, client_for: Callable[[User], Client], kind: str, language: str
) -> None:
    admin = User.objects.create_superuser("admin", "admin@example.com")
    client = client_for(admin)
    content_type, body = FORMS[kind]
    before = snapshot()
    for path in operations(waiting):
        response = client.post(path, body, content_type=content_type, headers={"Accept-Language": language})
        assert problem(response, 415, "unsupported_media_type")["title"] == FORM_TITLE[language], path
    assert snapshot() == before
    assert Return.objects.get(pk=waiting.pk).state == "requested"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", EMPTY)
def test_an_empty_body_where_one_is_required_says_the_body_is_missing(
    waiting: Return, client_for: Callable[[User], Client], kind: str, language: str
) -> None:
    admin = User.objects.create_superuser("admin", "admin@example.com")
    client = client_for(admin)
    before = snapshot()
    required = operations(waiting)[:3]
    for path in required:
        response = client.post(path, "", content_type=EMPTY[kind], headers={"Accept-Language": language})
        body = problem(response, 422, "invalid_request")
        assert body["errors"] == [{"field": "", "message": NO_BODY[language]}], path
    assert snapshot() == before


def test_an_empty_body_where_it_is_optional_is_no_body_at_all(
    waiting: Return, client_for: Callable[[User], Client]
) -> None:
    admin = User.objects.create_superuser("admin", "admin@example.com")
    for content_type in EMPTY.values():
        response = client_for(admin).post(f"/api/v1/returns/{waiting.number}/approve", "", content_type)
        assert response.status_code in (200, 409), response.content
    assert Return.objects.get(pk=waiting.pk).state == "approved"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (f"{FORM}; charset=latin-1", "reason=us%E9"),
        ("multipart/form-data", "reason=worn"),  # no boundary
    ],
    ids=["a form in latin-1", "multipart without a boundary"],
)
def test_a_body_that_cannot_be_read_at_all_is_a_400_problem(
    waiting: Return, client_for: Callable[[User], Client], content_type: str, body: str, language: str
) -> None:
    admin = User.objects.create_superuser("admin", "admin@example.com")
    before = snapshot()
    for path in operations(waiting):
        response = client_for(admin).post(
            path, body, content_type=content_type, headers={"Accept-Language": language}
        )
        assert problem(response, 400, "unreadable_body")["title"] == UNREADABLE[language], path
    assert snapshot() == before


def test_a_json_body_sent_as_a_form_by_a_careless_client_is_still_read(
    store: Any, api_client: Client
) -> None:
    """``curl -d '{…}'`` says urlencoded; the body is JSON all the same, and was always taken as such."""
    response = api_client.post("/api/v1/orders", json.dumps(json_order()), content_type=FORM)
    assert response.status_code == 201, response.content
    assert Order.objects.count() == 1


def test_the_document_says_which_operations_may_refuse_a_form(api_client: Client) -> None:
    paths = api_client.get("/api/openapi.json").json()["paths"]
    assert "415" in paths["/api/v1/returns/{number}/reject"]["post"]["responses"]
    assert "415" in paths["/api/v1/orders"]["post"]["responses"]
    assert "415" not in paths["/api/v1/returns/{number}/lines/{line_id}/photos"]["post"]["responses"]
    assert "415" not in paths["/api/v1/returns"]["get"]["responses"]
