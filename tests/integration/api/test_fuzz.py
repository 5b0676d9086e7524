"""schemathesis over the whole OpenAPI document: no 5xx, no answer outside its documented schema, no
undocumented status, no wrong content type. Bounded: derandomized (a fixed seed) and a few examples per
operation.

Run against the WSGI application in this process, with a superuser's token (every operation reachable),
a store, an order and a return for the generated values to hit now and then. (schemathesis's pytest
plugin does not run on this pytest; its Python API does the same, operation by operation.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from retour.api.models import ApiToken

pytestmark = pytest.mark.django_db
EXAMPLES = 12  # per operation: about a minute on each database
# What fails the run: a 5xx, an undocumented status, a wrong content type, a body outside its schema. (A
# valid-looking request a domain rule refuses, e.g. an unknown currency, is a correct 422, not a failure.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """As Django's test client does: a request through the WSGI application must not close the test's
    database connection (it holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_answers_as_documented(order: Any, connections_kept: None) -> None:
    admin = User.objects.create_superuser("fuzzer", "fuzzer@example.com", is_staff=True)
    headers = {"Authorization": f"Bearer {ApiToken.issue(admin, 'fuzz')[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    tried, failures = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried; all failures reported
            failures.append(f"{operation.label}: {error}")
    print(f"schemathesis: {len(tried)} operations, {EXAMPLES} examples each at most")
    assert len(tried) >= 28
    assert not failures, "\n\n".join(failures)
