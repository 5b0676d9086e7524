"""Log lines as JSON with the request's id, and which request ids a proxy may hand us."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.core.management import CommandError

from retour.core.logs import JsonFormatter, RequestIdFilter
from retour.core.management.commands.serve import parse_bind
from retour.core.request_context import REQUEST_ID, request_id_from

pytestmark = pytest.mark.unit


def record(message: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    made = logging.LogRecord("retour.test", logging.WARNING, __file__, 1, message, args, exc_info)  # type: ignore[arg-type]
    RequestIdFilter().filter(made)
    return made


def test_a_log_line_is_one_json_object_with_the_request_id():
    token = REQUEST_ID.set("req-42")
    try:
        line = JsonFormatter().format(record("Refund %s paid: « %s »", "R1", 'quote "x"'))
    finally:
        REQUEST_ID.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == 'Refund R1 paid: « quote "x" »'
    assert parsed["request_id"] == "req-42"
    assert (parsed["level"], parsed["logger"]) == ("WARNING", "retour.test")
    assert parsed["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash_and_an_exception_is_kept():
    try:
        raise ValueError("boom")
    except ValueError:
        line = json.loads(JsonFormatter().format(record("failed", exc_info=sys.exc_info())))
    assert line["request_id"] == "-"
    assert "ValueError: boom" in line["exception"]


@pytest.mark.parametrize("given", ["abc-123", "0f" * 16, "nginx.req:1_2"])
def test_a_sane_request_id_from_the_proxy_is_kept(given: str):
    assert request_id_from(given) == given


@pytest.mark.parametrize("given", ["", "a b", "x" * 65, "<script>", "id\nInjected: yes"])
def test_anything_else_gets_a_new_id(given: str):
    made = request_id_from(given)
    assert made != given
    assert len(made) == 32
    int(made, 16)


@pytest.mark.parametrize("bind", ["127.0.0.1:8000", "0.0.0.0:80", "[::1]:8443", "localhost:65535"])
def test_serve_binds_to_host_and_port(bind: str):
    host, port = parse_bind(bind)
    assert f"{host}:{port}" == bind


@pytest.mark.parametrize("bind", ["8000", "127.0.0.1", "127.0.0.1:http", ":8000", "host:0", "host:70000"])
def test_a_wrong_bind_is_refused_with_the_expected_form(bind: str):
    with pytest.raises(CommandError, match="HOST:PORT"):
        parse_bind(bind)
