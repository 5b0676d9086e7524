"""Served in production: request ids, health and readiness, /metrics for allowed addresses, `retour serve`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_answer_carries_a_request_id_and_a_sane_one_from_the_proxy_is_kept():
    made = Client().get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert Client().get("/healthz", headers={"X-Request-ID": "edge-7f3a"})["X-Request-ID"] == "edge-7f3a"
    assert Client().get("/healthz", headers={"X-Request-ID": "a b<c>"})["X-Request-ID"] != "a b<c>"


def test_ready_names_the_database_and_the_task_queue():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "tasks": "ok"}


def test_metrics_count_requests_and_read_the_queue_for_this_machine():
    Client().get("/healthz")
    Client().get("/no-such-page")
    response = Client().get("/metrics")  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    health = r'retour_http_requests_total\{method="GET",status="200",view="portal:health"\} [1-9]'
    assert re.search(health, text)
    assert re.search(r'retour_http_requests_total\{method="GET",status="404",view="unmatched"\} [1-9]', text)
    assert 'retour_http_request_duration_seconds_bucket{le="0.005",view="portal:health"}' in text
    assert "retour_workers_alive 0.0" in text
    assert "# TYPE retour_tasks gauge" in text
    assert "# TYPE retour_refunds gauge" in text


def test_metrics_are_not_found_from_elsewhere_even_through_a_proxy(settings: Any):
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 404
    settings.TRUSTED_PROXIES = ("127.0.0.1",)
    forwarded = Client(headers={"X-Forwarded-For": "203.0.113.9"}).get("/metrics")
    assert forwarded.status_code == 404  # the proxy is local, the client behind it is not
    forged = Client(REMOTE_ADDR="203.0.113.9", headers={"X-Forwarded-For": "127.0.0.1"}).get("/metrics")
    assert forged.status_code == 404  # a header from an untrusted address is not believed
    settings.METRICS_ALLOWED = ("10.0.0.0/8",)
    assert Client(REMOTE_ADDR="10.4.5.6").get("/metrics").status_code == 200
    assert Client().get("/metrics").status_code == 404  # 127.0.0.1 is no longer allowed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db(transaction=True)
def test_retour_serve_runs_several_processes_with_static_files_json_logs_and_summed_metrics(tmp_path: Path):
    """A real `retour serve` (gunicorn, 2 processes) on its own SQLite database, stopped by SIGTERM."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "RETOUR_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test-secret-key",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_FORMAT": "json",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    retour = Path(sys.executable).with_name("retour")
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(retour), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # a busy machine starts slowly
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "retour serve did not answer within 300 s"
            time.sleep(0.5)
        status, headers, body = _get(f"{base}/readyz")
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok", "tasks": "ok"})
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
        css = _get(f"{base}/static/retour/retour.css")
        assert css[0] == 200
        assert b"{" in css[2]
        for _ in range(20):
            assert _get(f"{base}/healthz")[0] == 200
        assert _get(f"{base}/api/v1/returns")[0] == 401
        status, _headers, body = _get(f"{base}/metrics")
        assert status == 200
        health = r'retour_http_requests_total\{method="GET",status="200",view="portal:health"\} ([0-9.]+)'
        counted = re.search(health, body.decode())
        assert counted is not None
        assert float(counted[1]) >= 21  # summed over both processes, whichever answered
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            out, err = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
    assert server.returncode == 0, err[-3000:]
    assert f"Serving on http://127.0.0.1:{port} with 2 processes." in out
    app_lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert app_lines, err[-3000:]
    assert all({"time", "level", "logger", "message", "request_id"} <= line.keys() for line in app_lines)
    access = [line for line in out.splitlines() + err.splitlines() if '"GET /readyz' in line]
    assert access
    assert re.search(r"request_id=[0-9a-f]{32}", access[0])
