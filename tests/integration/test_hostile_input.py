"""Hostile or careless input gets a clean answer, never a database error: control characters anywhere a
client can put them, bodies too large, a database that is away, an address the API does not have."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
CLEAN = {400, 404, 422}


@pytest.mark.parametrize(
    "path",
    [
        "/?store=%00",
        "/?store=shop%01",
        "/help/search/?q=%00",
        "/help/search/?q=label%1b",
        "/help/articles/%00/",
        "/help/articles/return%00window/",
        "/%00",
        "/api/v1/help/search?q=%00",
        "/api/v1/returns/R%00X",
        "/api/v1/orders/%2300%00",
        "/api/v1/returns?state=%00",
    ],
)
def test_a_control_character_in_a_path_or_query_is_a_clean_refusal(path: str, api_client: Client) -> None:
    for client in (Client(), api_client):
        response = client.get(path)
        assert response.status_code in CLEAN, (path, response.status_code)
        if path.startswith("/api/"):
            assert response["Content-Type"] == PROBLEM


def test_a_nul_in_a_json_body_is_refused_before_the_database(order: Any, agent: Any, client_for: Any) -> None:
    line = order.lines.order_by("position").first()
    body = {
        "order": order.number,
        "lines": [
            {"order_line": line.pk, "reason": "size_fit", "condition": "unopened", "reason_text": "bad\u0000"}
        ],
    }
    response = client_for(agent).post("/api/v1/returns", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "control_character"
    assert not order.returns.exists()
    # a raw NUL byte in the body, and the escape of another control character
    for raw in (b'{"order": "\x00"}', b'{"order": "\\u0007"}'):
        sent = client_for(agent).post("/api/v1/returns", raw, content_type="application/json")
        assert sent.status_code == 400


def test_tabs_and_new_lines_are_text_and_pass(order: Any, agent: Any, client_for: Any) -> None:
    line = order.lines.order_by("position").first()
    body = {
        "order": order.number,
        "lines": [
            {
                "order_line": line.pk,
                "reason": "size_fit",
                "condition": "unopened",
                "reason_text": "Too small\n\tat the shoulders\r\n",
            }
        ],
    }
    response = client_for(agent).post("/api/v1/returns", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_nul_in_a_form_field_is_refused(order: Any) -> None:
    response = Client().post("/", {"store": order.store.code, "number": "#1001\x00", "proof": order.email})
    assert response.status_code == 400
    in_french = Client(headers={"Accept-Language": "fr"}).post("/", {"store": "\x00", "number": "1"})
    assert in_french.status_code == 400
    assert "caractère de contrôle" in in_french.content.decode()


def test_a_body_too_large_is_a_problem_under_the_api(api_client: Client, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1000
    response = api_client.post("/api/v1/orders", "x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "request_too_large"


def test_an_address_the_api_does_not_have_is_a_problem(api_client: Client) -> None:
    response = api_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


def test_ready_says_ok_while_the_database_answers() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "tasks": "ok"}


SCRIPT = """
import json
import django
django.setup()
from django.test import Client
ready = Client().get("/readyz")
api = Client(headers={"Authorization": "Bearer rt_whatever"}).get("/api/v1/returns")
print(json.dumps({
    "ready": [ready.status_code, ready.get("Retry-After")],
    "api": [api.status_code, api.get("Retry-After"), api["Content-Type"], api.content.decode()],
}))
"""


def test_when_the_database_is_away_ready_and_the_api_say_503_with_retry_after(tmp_path: Path) -> None:
    """A real process whose database is a PostgreSQL nobody listens to (port 1)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retour.config.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "ALLOWED_HOSTS": "testserver",
        "RETOUR_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test-secret-key",
        "DEBUG": "0",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["ready"] == [503, "30"]
    status, retry, content_type, body = seen["api"]
    assert (status, retry, content_type) == (503, "30", PROBLEM)
    assert json.loads(body)["code"] == "unavailable"


def test_https_answers_carry_hsts_and_the_language_cookie_is_secure(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000  # the production value (not DEBUG)
    secure = Client().get("/help/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/help/")  # never over plain HTTP
    response = Client().post("/i18n/setlang/", {"language": "fr", "next": "/"}, secure=True)
    cookie = response.cookies["django_language"]
    assert cookie.value == "fr"
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
