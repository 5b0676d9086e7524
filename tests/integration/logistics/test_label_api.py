"""``GET /api/v1/returns/{number}/label``: the PDF for staff who may see returns, problem+json otherwise."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_staff_who_may_see_returns_get_the_pdf_in_the_shoppers_language(
    labelled: Return, warehouse, client_for
):
    response = client_for(warehouse).get(f"/api/v1/returns/{labelled.number}/label")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{labelled.number}.pdf"'
    text = text_of(response.content)
    assert labelled.number in text
    assert "Bordereau de retour" in text  # the return was asked for in French


def test_the_language_can_be_chosen(labelled: Return, warehouse, client_for):
    response = client_for(warehouse).get(f"/api/v1/returns/{labelled.number.lower()}/label?language=en")
    assert response.status_code == 200
    assert "Packing slip" in text_of(response.content)


@pytest.mark.parametrize("method", ["drop_off", "label"])
def test_a_return_without_a_label_is_a_409_problem(approved, warehouse, client_for, method: str):
    ret = approved(method)  # approved, and the label not issued: none yet
    response = client_for(warehouse).get(f"/api/v1/returns/{ret.number}/label")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["type"]) == ("no_label", "urn:retour:error:no_label")
    assert (problem["return_method"], problem["state"]) == (method, "approved")


def test_an_unknown_return_is_a_404_problem(warehouse, client_for):
    response = client_for(warehouse).get("/api/v1/returns/RZZZZZZZZ/label")
    assert response.status_code == 404
    assert response.json()["code"] == "return_not_found"


def test_without_a_token_401_and_without_the_permission_403(labelled: Return, client_for):
    from django.contrib.auth.models import User

    assert Client().get(f"/api/v1/returns/{labelled.number}/label").status_code == 401
    nobody = User.objects.create_user("nobody", is_staff=True)
    refused = client_for(nobody).get(f"/api/v1/returns/{labelled.number}/label")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_the_endpoint_is_documented_as_pdf_with_its_problems(db):
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/returns/{number}/label"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert set(operation["responses"]) >= {"200", "403", "404", "409"}
    assert any(parameter["name"] == "language" for parameter in operation["parameters"])
