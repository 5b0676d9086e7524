"""The public help-center API: search and articles, no token, rate-limited, in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(kb_dir):
    cache.clear()
    call_command("helpcenter", "import", str(kb_dir))
    yield
    cache.clear()


def test_search_and_read_an_article_without_a_token(imported):
    client = Client()
    results = client.get("/api/v1/help/search", {"q": "remboursment", "lang": "fr"}).json()
    assert results[0]["lang"] == "fr"
    assert "refund" in results[0]["slug"]
    article = client.get(f"/api/v1/help/articles/{results[0]['slug']}", {"lang": "fr"}).json()
    assert article["html"].startswith("<")
    assert article["headings"]
    assert len(client.get("/api/v1/help/articles", {"lang": "en"}).json()) == 20
    missing = client.get("/api/v1/help/articles/nope")
    assert (missing.status_code, missing.json()["code"]) == (404, "article_not_found")
    german = client.get("/api/v1/help/search", {"q": "x", "lang": "de"})  # lang is an enum: en or fr
    assert (german.status_code, german.json()["code"]) == (422, "invalid_request")
    assert german.json()["errors"][0]["field"] == "lang"


def test_the_api_is_rate_limited_and_documented(imported):
    client = Client()
    statuses = [client.get("/api/v1/help/search", {"q": "refund"}).status_code for _ in range(125)]
    assert statuses[:120] == [200] * 120
    assert statuses[-1] == 429
    schema = Client().get("/api/openapi.json").json()
    assert "/api/v1/help/search" in schema["paths"]
