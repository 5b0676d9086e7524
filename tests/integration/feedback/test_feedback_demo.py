"""The demo's survey answers: most closed returns answered, in the order's language, the same ones for a
seed, nothing added twice."""

from __future__ import annotations

import pytest

from integration.feedback.closing import refunded
from retour.feedback.demo import COMMENTS, answer_surveys
from retour.feedback.models import Survey, SurveyAnswer

pytestmark = pytest.mark.django_db


def test_the_demo_answers_most_surveys_once(make_order):
    for number in ("#6001", "#6002", "#6003", "#6004", "#6005", "#6006"):
        refunded(make_order(number))
    store = Survey.objects.first().store
    answered = answer_surveys(store, seed=1)
    assert 0 < answered <= 6
    assert SurveyAnswer.objects.count() == answered
    assert all(answer.comment in COMMENTS["fr"] for answer in SurveyAnswer.objects.all())
    assert answer_surveys(store, seed=1) == 0
