"""The signature of outgoing webhooks, the documented verify(), the retry schedule and the URLs allowed."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from fakes.webhook_receiver import documented_verify
from retour.webhooks.domain import schedule, signing, urls

SECRET = "whsec_test"
BODY = b'{"id":"evt_r1","type":"return.approved"}'
NOW = 1_800_000_000


def test_the_signature_is_the_base64_hmac_sha256_of_id_timestamp_and_body() -> None:
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), b"evt_r1.1800000000." + BODY, hashlib.sha256).digest()
    ).decode()
    assert signing.headers(SECRET, "evt_r1", NOW, BODY) == {
        "Webhook-Id": "evt_r1",
        "Webhook-Timestamp": "1800000000",
        "Webhook-Signature": f"v1,{expected}",
    }


@pytest.mark.parametrize("verify", [signing.verify, documented_verify()], ids=["ours", "documented"])
def test_verify_accepts_a_fresh_signature_and_refuses_any_change(verify) -> None:  # type: ignore[no-untyped-def]
    headers = signing.headers(SECRET, "evt_r1", NOW, BODY)
    assert verify(SECRET, headers, BODY, now=NOW + 10)
    assert verify(SECRET, {k.lower(): v for k, v in headers.items()}, BODY, now=NOW)  # any header case
    assert not verify(SECRET, headers, BODY + b" ", now=NOW)  # another body
    assert not verify("whsec_other", headers, BODY, now=NOW)  # another secret
    assert not verify(SECRET, headers | {"Webhook-Id": "evt_r2"}, BODY, now=NOW)  # another event
    assert not verify(SECRET, headers | {"Webhook-Timestamp": str(NOW + 1)}, BODY, now=NOW)
    assert not verify(SECRET, headers, BODY, now=NOW + 301)  # replayed after five minutes
    assert not verify(SECRET, headers, BODY, now=NOW - 301)
    assert not verify(
        SECRET, headers | {"Webhook-Signature": "v0," + headers["Webhook-Signature"][3:]}, BODY, now=NOW
    )
    assert not verify(SECRET, {}, BODY, now=NOW)
    rotated = headers | {"Webhook-Signature": "v1,b2xk " + headers["Webhook-Signature"]}
    assert verify(SECRET, rotated, BODY, now=NOW)  # several signatures: one is enough


def test_each_secret_is_new() -> None:
    secrets = {signing.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(s.startswith("whsec_") and len(s) > 40 for s in secrets)


def test_retries_back_off_and_stop_within_three_days() -> None:
    start = datetime(2026, 12, 6, tzinfo=UTC)
    waits = []
    failures = 1
    while (at := schedule.next_attempt(failures, start)) is not None:
        waits.append(at - start)
        failures += 1
    assert waits[:5] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
    ]
    assert waits == sorted(waits)
    assert failures == schedule.MAX_ATTEMPTS == 12
    assert timedelta(days=2) < sum(waits, timedelta()) <= timedelta(days=3)


def test_an_endpoint_is_paused_after_five_given_up_or_a_day_of_failures() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert schedule.should_pause([True] * 5, None, now)
    assert not schedule.should_pause([True] * 4, None, now)
    assert not schedule.should_pause([True, True, False, True, True, True], None, now)
    assert schedule.should_pause([], now - timedelta(hours=24), now)
    assert not schedule.should_pause([], now - timedelta(hours=23), now)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://erp.example.com/hooks", True),
        ("http://127.0.0.1:8000/hooks", True),
        ("http://localhost/hooks", True),
        ("http://erp.example.com/hooks", False),
        ("ftp://erp.example.com/", False),
        ("file:///etc/passwd", False),
        ("https://user:pw@erp.example.com/", False),
        ("https://erp.example.com:notaport/", False),
        ("not a url", False),
    ],
)
def test_only_https_or_a_local_http_receiver_is_accepted(url: str, ok: bool) -> None:
    assert urls.acceptable(url) is ok
