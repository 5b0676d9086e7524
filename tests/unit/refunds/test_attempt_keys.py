"""The idempotency key every payment attempt (refund or charge) is made once by."""

from __future__ import annotations

import pytest

from retour.refunds.errors import IdempotencyKeyRequired
from retour.refunds.services.attempts import once, require_key

pytestmark = pytest.mark.unit


def test_a_key_is_trimmed():
    assert require_key("  k-1 \n") == "k-1"


@pytest.mark.parametrize("key", [None, "", "   ", "x" * 256])
def test_a_missing_blank_or_overlong_key_is_refused(key):
    with pytest.raises(IdempotencyKeyRequired) as raised:
        require_key(key)
    assert raised.value.code == "idempotency_key_required"


def test_a_key_of_255_characters_is_accepted():
    assert require_key("k" * 255) == "k" * 255


def test_a_key_already_used_returns_its_row_without_creating_another():
    made: list[str] = []
    found, created = once(lambda: "first", lambda: made.append("second") or "second")
    assert (found, created, made) == ("first", False, [])
