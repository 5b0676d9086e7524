"""Survey results by period, reason, outcome and store: the same figures from `retour report feedback`,
GET /api/v1/analytics/feedback and the back office's page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from integration.feedback.closing import refunded
from integration.insights.analytics_store import run
from retour.feedback import services
from retour.feedback.models import Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(make_order):
    happy = Survey.objects.get(ret=refunded(make_order("#4001"), reason="size_fit"))
    unhappy = Survey.objects.get(ret=refunded(make_order("#4002"), reason="defective"))
    Survey.objects.get(ret=refunded(make_order("#4003"), reason="size_fit"))  # not answered
    services.answer(happy, 5, True, "Parfait", channel="email")
    services.answer(unhappy, 2, False, "Trop long", channel="portal")
    return happy.store


def period(store) -> tuple[str, str]:
    today = timezone.localtime(timezone.now(), store.zone).date()
    return today.isoformat(), (today + timedelta(days=1)).isoformat()


def test_the_results_by_reason_and_outcome(answered):
    start, end = period(answered)
    printed = json.loads(
        run("report", "feedback", "--from", start, "--to", end, "--json", "--language", "en")
    )
    figures = {name: value["value"] for name, value in printed["figures"].items()}
    assert figures["surveys"] == 3
    assert figures["answers"] == 2
    assert figures["response_rate"] == "0.6667"
    assert figures["satisfaction"] == "3.50"
    assert figures["would_buy_again"] == "0.5000"
    by_reason = {row["reason"]: row for row in printed["tables"]["by_reason"]}
    assert by_reason["size or fit"]["satisfaction"] == "5.00"
    assert by_reason["defective"]["would_buy_again"] == "0.0000"
    (outcome,) = printed["tables"]["by_outcome"]
    assert (outcome["outcome"], outcome["answers"]) == ("refunded", 2)
    assert [row["answers"] for row in printed["tables"]["scores"]] == [0, 1, 0, 0, 1]
    assert [row["comment"] for row in printed["tables"]["comments"]] == ["Trop long", "Parfait"]


def test_the_api_and_the_page_give_the_same_figures(answered, client_for):
    start, end = period(answered)
    boss = User.objects.create_superuser("boss", "boss@example.com", "pw")
    api = client_for(boss).get(f"/api/v1/analytics/feedback?from={start}&to={end}")
    assert api.status_code == 200
    assert api.json()["figures"]["satisfaction"]["value"] == "3.50"
    client = Client()
    client.login(username="boss", password="pw")
    for language, title in (("en", "Shopper feedback"), ("fr", "Avis des clients")):
        page = client.get(
            f"/backoffice/analytics/feedback/?from={start}&to={end}", HTTP_ACCEPT_LANGUAGE=language
        )
        assert page.status_code == 200
        body = page.content.decode()
        assert title in body
        assert "<svg" in body
        assert "Trop long" in body


def test_a_period_before_the_surveys_has_none(answered):
    printed = json.loads(run("report", "feedback", "--from", "2020-01-01", "--to", "2020-02-01", "--json"))
    assert printed["figures"]["surveys"]["value"] == 0
    assert printed["figures"]["satisfaction"]["value"] is None
