"""The analytics pages read from the replica, everything else from the primary.

TWO ALIASES, ONE DATABASE: this test adds a ``replica`` alias that points at the same test database as
``default`` (as ``DATABASE_REPLICA_URL`` would point at a streaming replica of it) and records which alias
each query goes through. It proves the routing, not PostgreSQL's replication.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connections
from django.test import Client

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
    replica = connections[REPLICA]
    replica.close()
    if hasattr(replica, "close_pool"):  # PostgreSQL: the pool keeps connections open, which a later test
        replica.close_pool()  # of this process counts against the primary's bound (test_connections.py)
    del connections[REPLICA]
    del settings.DATABASES[REPLICA]


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
