"""The shop sync's pure rules: webhook signatures, freshness and replays, what is asked of the shop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retour.shopsync.domain import freshness, requests, signatures

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_body_signed_with_the_secret_is_recognised_and_anything_else_is_not() -> None:
    body = b'{"id": 1}'
    # Shopify's documented recipe: base64 of HMAC-SHA256 of the raw body, keyed with the secret.
    given = signatures.body_signature("s3cret", body)
    assert signatures.is_signed("s3cret", body, given)
    assert not signatures.is_signed("other", body, given)
    assert not signatures.is_signed("s3cret", body + b" ", given)
    assert not signatures.is_signed("s3cret", body, "")
    assert not signatures.is_signed("", body, signatures.body_signature("", body))


def test_a_delivery_sent_too_long_ago_or_from_the_future_is_a_replay() -> None:
    assert freshness.sent_recently(NOW - timedelta(hours=47), NOW).apply
    assert freshness.sent_recently(None, NOW).apply
    assert freshness.sent_recently(NOW - timedelta(hours=49), NOW) == freshness.Verdict(False, "replayed")
    assert freshness.sent_recently(NOW + timedelta(hours=1), NOW).reason == "replayed"


def test_an_older_version_of_an_order_is_stale_and_an_equal_or_newer_one_applies() -> None:
    assert freshness.newer(NOW, NOW - timedelta(seconds=1)).apply
    assert freshness.newer(NOW, NOW).apply
    assert freshness.newer(NOW, None).apply
    assert freshness.newer(NOW - timedelta(seconds=1), NOW) == freshness.Verdict(False, "stale")


def test_every_retour_reason_has_a_shopify_return_reason() -> None:
    from retour.policies.domain.vocabulary import REASONS

    assert set(requests.SHOPIFY_RETURN_REASONS) == set(REASONS)
    assert requests.shopify_reason("something new") == "OTHER"


def test_a_failed_sync_is_tried_again_later_and_later_then_given_up() -> None:
    waits = [requests.next_attempt(n, NOW) for n in range(1, requests.MAX_ATTEMPTS)]
    assert all(w is not None for w in waits)
    gaps = [w - NOW for w in waits if w is not None]
    assert gaps == sorted(gaps)
    assert requests.next_attempt(requests.MAX_ATTEMPTS, NOW) is None
