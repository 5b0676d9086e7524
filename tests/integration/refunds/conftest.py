"""Refunds fixtures: the local fake Stripe server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fakes.stripe_server import FakeStripe


@pytest.fixture
def fake_stripe(fixtures_dir: Path, settings: Any) -> Iterator[FakeStripe]:
    fixture = json.loads((fixtures_dir / "stripe" / "refund.stripe-mock-fixtures3.json").read_text())
    server = FakeStripe(fixture).start()
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()
