"""Customers' profiles follow the facts through the worker, not only on demand: orders imported (the
``import-orders`` command, as the shops' webhooks and pulls through the same writer) and returns asked
for bring their customers' profiles up to date once the worker runs; a rejected import changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from factories import delivered_line
from retour.catalog.models import Store
from retour.orders.models import Customer, Order
from retour.returns.services.creating import LineRequest, request_return
from retour.segments.models import CustomerProfile

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.now(UTC).replace(microsecond=0)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def profile_tasks() -> int:
    return DBTaskResult.objects.filter(task_path__startswith="retour.segments.tasks.").count()


def test_orders_imported_by_the_command_bring_their_customers_profiles_up_to_date(
    store: Store, fixtures_dir: Path
) -> None:
    path = fixtures_dir / "woocommerce/wc-v3-docs_orders_list.json"
    call_command("import_orders", str(path), "--format", "woocommerce-json", "--store", store.code)
    customers = list(Customer.objects.filter(store=store))
    assert customers
    assert not CustomerProfile.objects.exists()  # the worker computes them, after the import commits
    assert profile_tasks() == 1
    run_worker()
    for customer in customers:
        profile = CustomerProfile.objects.get(customer=customer)
        assert profile.orders_total == Order.objects.filter(customer=customer).count()
        assert profile.rfm
    # The same file again changes no order: no customer to compute again.
    call_command("import_orders", str(path), "--format", "woocommerce-json", "--store", store.code)
    assert profile_tasks() == 1


def test_a_rejected_import_queues_no_profile(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "orders.jsonl"
    bad.write_text(json.dumps({"number": "#1", "email": "x@example.com"}) + "\n")
    with pytest.raises(CommandError):
        call_command("import_orders", str(bad), "--format", "json", "--store", store.code)
    assert profile_tasks() == 0


def test_a_return_asked_for_brings_the_profile_up_to_date(make_order: Callable[..., Order]) -> None:
    order = make_order(
        "#P1",
        delivered=NOW - timedelta(days=3),
        customer={"email": "often@example.com", "country": "FR", "language": "fr"},
        lines=[delivered_line("Robe", 2, "80.00")],
        payments=[{"method": "card", "amount": "160.00"}],
    )
    run_worker()
    assert CustomerProfile.objects.get(customer=order.customer).returns_365d == 0
    request_return(order, [LineRequest(order.lines.get().pk, 1, "changed_mind", "unopened")], now=NOW)
    run_worker()
    profile = CustomerProfile.objects.get(customer=order.customer)
    assert (profile.returns_365d, str(profile.return_rate_units)) == (1, "50.0")
