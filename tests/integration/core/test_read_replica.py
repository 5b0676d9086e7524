"""The analytics pages read from the replica, everything else from the primary.

TWO ALIASES, ONE DATABASE: this test adds a ``replica`` alias that points at the same test database as
``default`` (as ``DATABASE_REPLICA_URL`` would point at a streaming replica of it) and records which alias
each query goes through. It proves the routing, not PostgreSQL's replication.

A REPLICA BEHIND: ``behind`` stops the replica at a moment (PostgreSQL: a repeatable-read snapshot on its
connection; SQLite: a copy of the database), so what the primary writes next is not on the replica, as
with a streaming replica a few seconds late. Who is asking (token, user, permissions) must not be read
from it.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from retour.api.models import ApiToken
from retour.backoffice.models import StaffStore
from retour.catalog.models import Store
from retour.config.replica import PRIMARY, REPLICA

pytestmark = pytest.mark.django_db(transaction=True)  # two connections: each sees what is committed


@pytest.fixture
def used() -> Iterator[dict[str, list[str]]]:
    settings.DATABASES[REPLICA] = dict(connections[PRIMARY].settings_dict)  # the same test database
    connections[REPLICA].connect()  # opened here: the test runner allows only the aliases it set up
    seen: dict[str, list[str]] = {PRIMARY: [], REPLICA: []}

    def recorder(alias: str) -> Callable[..., Any]:
        def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            seen[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with (
        connections[PRIMARY].execute_wrapper(recorder(PRIMARY)),
        connections[REPLICA].execute_wrapper(recorder(REPLICA)),
    ):
        yield seen
    _drop_replica()


def _drop_replica() -> None:
    replica = connections[REPLICA]
    replica.close()
    if hasattr(replica, "close_pool"):  # PostgreSQL: the pool keeps connections open, which a later test
        replica.close_pool()  # of this process counts against the primary's bound (test_connections.py)
    del connections[REPLICA]
    del settings.DATABASES[REPLICA]


@pytest.fixture
def behind(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Call it to stop the replica there: it keeps showing the database as it was then."""
    primary = connections[PRIMARY]

    def stop() -> None:
        primary.ensure_connection()
        if primary.vendor == "postgresql":
            settings.DATABASES[REPLICA] = dict(primary.settings_dict)
            connections[REPLICA].connect()  # opened here: the test runner allows only the aliases it set up
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT count(*) FROM api_apitoken")  # the snapshot: taken at the first read
        else:
            copy = tmp_path / "replica.sqlite3"
            target = sqlite3.connect(copy)
            primary.connection.backup(target)
            target.close()
            settings.DATABASES[REPLICA] = {**primary.settings_dict, "NAME": str(copy)}
            connections[REPLICA].connect()

    yield stop
    if REPLICA in settings.DATABASES:
        if connections[REPLICA].vendor == "postgresql":
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("ROLLBACK")
        _drop_replica()


def test_the_analytics_pages_read_the_replica_and_the_rest_the_primary(store, used) -> None:  # type: ignore[no-untyped-def]
    analyst = User.objects.create_user("analyst", "analyst@example.com", is_staff=True)
    analyst.user_permissions.add(Permission.objects.get(codename="view_insightssettings"))
    browser = Client()
    browser.force_login(analyst)
    used[PRIMARY].clear()

    assert browser.get("/backoffice/analytics/").status_code == 200
    assert any("returns_return" in sql for sql in used[REPLICA])  # the figures, from the replica
    assert any("django_session" in sql for sql in used[PRIMARY])  # who is signed in: the primary
    assert not any("django_session" in sql for sql in used[REPLICA])
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in used[REPLICA])

    used[PRIMARY].clear()
    used[REPLICA].clear()
    assert browser.get("/backoffice/help/analytics/").status_code == 403  # help (not analytics), refused
    assert used[REPLICA] == []  # any other page: the primary only
    assert used[PRIMARY]


def test_the_analytics_commands_read_the_replica_and_the_others_the_primary(store, used) -> None:  # type: ignore[no-untyped-def]
    call_command("export", "returns", "--from", "2026-01-01", "--to", "2026-02-01", stdout=io.StringIO())
    assert any("returns_return" in sql for sql in used[REPLICA])  # retour export: the replica
    used[REPLICA].clear()
    call_command("webhooks", "list", stdout=io.StringIO())
    assert used[REPLICA] == []  # any other command: the primary
    assert any("webhooks_endpoint" in sql for sql in used[PRIMARY])


RATES = "/api/v1/analytics/return-rates?from=2026-01-01&to=2026-02-01"  # an analytics call: the replica


def analyst(name: str, store: Store | None = None) -> User:
    user = User.objects.create_user(name, f"{name}@example.com", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_insightssettings"))
    if store is not None:
        StaffStore.objects.create(user=user, store=store)
    return user


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_an_api_analytics_call_reads_who_is_asking_from_the_primary(store, used) -> None:  # type: ignore[no-untyped-def]
    token = ApiToken.issue(analyst("analyst", store))[1]
    used[PRIMARY].clear()
    assert bearer(token).get(RATES).status_code == 200
    assert any("insights_rollupcell" in sql for sql in used[REPLICA])  # the figures, from the replica
    for table in (
        "api_apitoken",
        "auth_user",
        "auth_permission",
        "backoffice_staffstore",
        "sellers_sellermember",
    ):
        assert any(table in sql for sql in used[PRIMARY]), table
        assert not any(table in sql for sql in used[REPLICA]), table
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in used[REPLICA])


def test_a_replica_behind_neither_keeps_a_revoked_token_nor_misses_a_new_one(store, behind) -> None:  # type: ignore[no-untyped-def]
    user = analyst("analyst")
    revoked, revoked_token = ApiToken.issue(user)
    kept_token = ApiToken.issue(user)[1]
    demoted = analyst("demoted")
    demoted_token = ApiToken.issue(demoted)[1]
    elsewhere = analyst("elsewhere")
    elsewhere_token = ApiToken.issue(elsewhere)[1]
    behind()  # the replica stops here; what follows is on the primary only

    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    new_token = ApiToken.issue(user)[1]
    demoted.user_permissions.clear()
    other = Store.objects.create(code="other-store", name="Other Store", currency="EUR", country="FR")
    StaffStore.objects.create(user=elsewhere, store=other)

    rates = f"{RATES}&store={store.code}"
    assert bearer(revoked_token).get(rates).status_code == 401  # revoked a moment ago: refused
    assert bearer(new_token).get(rates).status_code == 200  # issued a moment ago: accepted
    assert bearer(kept_token).get(rates).status_code == 200
    assert bearer(demoted_token).get(rates).status_code == 403  # its permission taken away a moment ago
    assert bearer(elsewhere_token).get(rates).status_code == 404  # now limited to a store made a moment ago
    assert bearer(elsewhere_token).get(f"{RATES}&store={other.code}").status_code == 200
