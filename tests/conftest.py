"""Fixtures shared by every test suite: the fixture files, the help center's articles, stores, staff and
API access."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.helpcenter.services.articles import SAMPLE_DIR

# Tests never assert on wall-clock time: Hypothesis's per-example deadline (200 ms) would fail a correct
# property on a busy machine. A failure prints the blob that reproduces it.
hypothesis_settings.register_profile("retour", deadline=None, print_blob=True)
hypothesis_settings.load_profile("retour")

TESTS_DIR = Path(__file__).resolve().parent
# --import-mode=importlib puts no test directory on sys.path; this one is, so tests can import factories.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

# Public sample data, in the repository (tests/fixtures/SOURCES.md says where each file comes from).
FIXTURES_DIR = TESTS_DIR / "fixtures"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A French request leaves French active in the thread: start every test from the default."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The public sample data in tests/fixtures."""
    return FIXTURES_DIR


@pytest.fixture(scope="session")
def kb_dir() -> Path:
    """The help center's articles in English and French, as the demo loads them (shipped with Retour)."""
    return SAMPLE_DIR


@pytest.fixture
def forezia_csv(fixtures_dir: Path) -> Path:
    return fixtures_dir / "shopify" / "orders_export_devstore_forezia.csv"


@pytest.fixture
def creyox_csv(fixtures_dir: Path) -> Path:
    return fixtures_dir / "shopify" / "orders_export_teststore_creyox.csv"


def make_store(code: str, name: str) -> Store:
    return Store.objects.create(
        code=code, name=name, currency="EUR", country="FR", time_zone="Europe/Paris", languages="fr,en"
    )


@pytest.fixture
def store(db: None) -> Store:
    return make_store("test-store", "Test Store")


@pytest.fixture
def other_store(db: None) -> Store:
    return make_store("other-store", "Other Store")


@pytest.fixture
def staff_user(db: None) -> User:
    user = User.objects.create_user("staff", "staff@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="orders", codename__in=["add_order", "change_order"]
        )
    )
    return user


@pytest.fixture
def api_token(staff_user: User) -> str:
    _record, token = ApiToken.issue(staff_user, "tests")
    return token


@pytest.fixture
def api_client(api_token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token}"})
