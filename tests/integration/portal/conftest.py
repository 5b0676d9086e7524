"""The shopper portal through Django's test client: uploads in a folder of each test's own, and a
shopper whose session found their order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from integration.portal.steps import look_up
from retour.orders.models import Order


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Photos and labels in a folder of this test's own."""
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"]}}
    settings.STORAGES["default"]["OPTIONS"] = {"location": tmp_path}
    return tmp_path


@pytest.fixture
def shopper(order: Order) -> Client:
    """A shopper (English) whose session found ``order``."""
    client = Client()
    assert look_up(client, order).status_code == 302
    return client


@pytest.fixture
def make_shopper(make_order: Callable[..., Order]) -> Callable[..., tuple[Order, Client]]:
    """An order (make_order's overrides) and a client whose session found it."""

    def make(
        number: str = "#1001", *, client: Client | None = None, **overrides: Any
    ) -> tuple[Order, Client]:
        order = make_order(number, **overrides)
        client = client or Client()
        assert look_up(client, order).status_code == 302
        return order, client

    return make
