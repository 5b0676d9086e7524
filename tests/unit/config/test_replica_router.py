"""The read-replica router's decisions, without a database: analytics reads go to the replica when one
is configured, everything else (writes, migrations, other reads) to the primary."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session

from retour.api.models import ApiToken
from retour.config.replica import FRESH, PRIMARY, REPLICA, ReplicaRouter, is_analytics
from retour.core.replica import analytics_reads, reading_analytics
from retour.refunds.models import Refund
from retour.returns.models import Return

ROUTER = ReplicaRouter()


def with_replica(settings: Any) -> None:
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(settings.DATABASES[PRIMARY])}


def test_analytics_reads_go_to_the_replica_when_there_is_one(settings: Any) -> None:
    with_replica(settings)
    assert ROUTER.db_for_read(Return) == PRIMARY  # a page, an API call, the worker: the primary
    with analytics_reads():
        assert reading_analytics()
        assert ROUTER.db_for_read(Return) == REPLICA
        assert ROUTER.db_for_read(Refund) == REPLICA
        assert ROUTER.db_for_write(Return) == PRIMARY  # never a write to the replica
    assert not reading_analytics()  # the flag ends with its block
    assert ROUTER.db_for_read(Return) == PRIMARY


def test_who_is_asking_is_read_from_the_primary_even_in_analytics(settings: Any) -> None:
    """A replica behind must not keep a revoked token or a removed permission, nor miss a new one."""
    with_replica(settings)
    with analytics_reads():
        for model in (ApiToken, User, Permission, Session):
            assert ROUTER.db_for_read(model) == PRIMARY, model
        assert ROUTER.db_for_read(Return) == REPLICA
    for label in FRESH:  # each names a model that exists (a renamed one would silently read the replica)
        assert apps.get_model(label)


def test_without_a_replica_everything_reads_the_primary(settings: Any) -> None:
    settings.DATABASES = {PRIMARY: dict(settings.DATABASES[PRIMARY])}
    with analytics_reads():
        assert ROUTER.db_for_read(Return) == PRIMARY


def test_migrations_run_on_the_primary_only() -> None:
    assert ROUTER.allow_migrate(PRIMARY, "returns")
    assert not ROUTER.allow_migrate(REPLICA, "returns")
    assert ROUTER.allow_relation(Return(), Refund())


def test_the_analytics_paths_are_the_insights_pages_reports_and_exports() -> None:
    assert is_analytics("/backoffice/analytics/")
    assert is_analytics("/backoffice/analytics/return-rates/")
    assert is_analytics("/backoffice/exports/")
    assert is_analytics("/api/v1/analytics/dashboard")
    assert is_analytics("/api/v1/exports/returns")
    assert not is_analytics("/backoffice/returns/")
    assert not is_analytics("/api/v1/returns")
    assert not is_analytics("/r/R7KQ2M9XA")
