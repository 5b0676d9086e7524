"""The OpenAPI document at /api/openapi.json is valid JSON without duplicate keys (Swagger refuses those)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    repeated = [key for key, count in Counter(key for key, _value in pairs).items() if count > 1]
    assert not repeated, f"duplicate keys in the OpenAPI document: {repeated}"
    return dict(pairs)


def test_the_openapi_document_has_no_duplicate_keys():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=_no_duplicates)
    label = document["paths"]["/api/v1/returns/{number}/label"]["get"]["responses"]
    assert set(label) >= {"200", "403", "404", "409"}
    assert "application/pdf" in label["200"]["content"]
    assert "/api/v1/orders/{number}/withdrawal" in document["paths"]
