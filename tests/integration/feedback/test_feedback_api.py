"""The survey through the API: read and answered by its token (once, a bad answer refused with each
field's message and nothing saved), the opt-out, and a return's survey for staff."""

from __future__ import annotations

import pytest
from django.test import Client

from integration.feedback.closing import refunded
from retour.feedback.models import Survey, SurveyAnswer, SurveyOptOut

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(order) -> Survey:
    return Survey.objects.get(ret=refunded(order, reason="defective"))


def test_a_storefront_answers_the_survey_once_with_its_token(survey):
    client = Client()
    url = f"/api/v1/feedback/surveys/{survey.token}"
    shown = client.get(url).json()
    assert (shown["outcome"], shown["reasons"], shown["answer"]) == ("refunded", ["defective"], None)
    body = {"satisfaction": 3, "would_buy_again": True, "comment": "Correct"}
    first = client.post(f"{url}/answer", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["created"] is True
    second = client.post(f"{url}/answer", {**body, "satisfaction": 1}, content_type="application/json")
    assert second.status_code == 200
    assert (second.json()["created"], second.json()["answer"]["satisfaction"]) == (False, 3)
    assert SurveyAnswer.objects.get().channel == "api"


def test_a_bad_answer_is_refused_with_each_fields_message_in_the_callers_language(survey):
    response = Client().post(
        f"/api/v1/feedback/surveys/{survey.token}/answer",
        {"satisfaction": 7, "comment": "x"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "survey_answer_refused"
    assert problem["errors"] == {
        "satisfaction": "La satisfaction est un nombre entier de 1 à 5.",
        "would_buy_again": "Dites-nous si vous achèteriez de nouveau chez nous.",
    }
    assert not SurveyAnswer.objects.exists()


def test_an_unknown_token_is_not_found_and_the_opt_out_is_kept_once(survey):
    client = Client()
    assert client.get("/api/v1/feedback/surveys/nope").status_code == 404
    first = client.post(f"/api/v1/feedback/surveys/{survey.token}/opt-out")
    again = client.post(f"/api/v1/feedback/surveys/{survey.token}/opt-out")
    assert (first.json()["newly"], again.json()["newly"]) == (True, False)
    assert SurveyOptOut.objects.count() == 1


def test_staff_read_a_returns_survey_with_their_token(survey, agent, client_for):
    answered = client_for(agent).get(f"/api/v1/feedback/returns/{survey.ret.number}")
    assert answered.status_code == 200
    assert answered.json()["ret"] == survey.ret.number
    assert client_for(agent).get("/api/v1/feedback/returns/RNOPE").status_code == 404
    assert Client().get(f"/api/v1/feedback/returns/{survey.ret.number}").status_code == 401
