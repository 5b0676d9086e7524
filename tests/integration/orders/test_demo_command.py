"""`retour demo`: the demo store loads once, loads again without changes, and writes importable files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from retour.catalog.models import Category, Product, Seller, Store
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment

pytestmark = pytest.mark.django_db

DEMO = ("demo", "--orders", "50", "--seed", "3", "--now", "2026-11-01")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Store, Category, Seller, Product, Customer, Order, OrderLine, Payment, Shipment, User)
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_creates_the_store_its_orders_and_the_staff_accounts():
    out = run(*DEMO)

    store = Store.objects.get(code="maison-lumiere")
    assert (store.name, store.currency, store.country, store.time_zone) == (
        "Maison Lumière",
        "EUR",
        "FR",
        "Europe/Paris",
    )
    assert store.language_list == ["fr", "en"]
    assert store.return_address.splitlines()[-2:] == ["69740 Genas", "France"]
    assert Order.objects.filter(store=store).count() == 50
    assert "50 new, 0 updated, 0 unchanged" in out
    books = Category.objects.get(store=store, slug="books")
    assert (books.name_en, books.name_fr) == ("Books", "Livres")
    seller = Seller.objects.get(store=store, code="atelier-durand")
    assert (seller.kind, seller.country) == (Seller.Kind.MARKETPLACE, "FR")
    assert OrderLine.objects.filter(order__store=store).exclude(seller__code=store.code).exists()
    assert Customer.objects.filter(store=store, language="fr").exists()
    assert Customer.objects.filter(store=store, language="en").exists()
    assert f"{OrderLine.objects.filter(order__store=store).count()} order lines" in out


def test_the_staff_accounts_can_sign_in_with_the_demo_password_and_have_their_groups():
    out = run(*DEMO)

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("retour-demo")
    for username, group in (("agent", "Agents"), ("warehouse", "Warehouse"), ("finance", "Finance")):
        user = User.objects.get(username=username)
        assert user.is_staff
        assert not user.is_superuser
        assert user.check_password("retour-demo")
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.has_perm("orders.view_order")
    assert User.objects.get(username="warehouse").has_perm("orders.change_shipment")
    assert not User.objects.get(username="finance").has_perm("orders.change_shipment")
    assert "admin, agent, warehouse, finance" in out


def test_running_the_demo_again_changes_nothing():
    run(*DEMO)
    before = counts()
    updated = list(Order.objects.order_by("pk").values_list("updated_at", flat=True))

    out = run(*DEMO)

    assert counts() == before
    assert list(Order.objects.order_by("pk").values_list("updated_at", flat=True)) == updated
    assert "0 new, 0 updated, 50 unchanged" in out
    assert "already there" in out


def test_staff_accounts_that_exist_are_left_as_they_are():
    User.objects.create_user("agent", "agent@example.com", "my own password")

    run(*DEMO)

    agent = User.objects.get(username="agent")
    assert agent.check_password("my own password")
    assert not agent.is_staff


@pytest.mark.parametrize("orders", ["0", "5000001"])
def test_the_number_of_orders_is_bounded(orders):
    with pytest.raises(CommandError, match="between 1 and 5,000,000"):
        run("demo", "--orders", orders)
    assert not Store.objects.exists()


def test_a_bad_day_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("demo", "--orders", "5", "--now", "1 November")


def test_a_file_format_needs_an_output_and_the_database_none():
    with pytest.raises(CommandError, match="--output"):
        run("demo", "--orders", "5", "--format", "json")
    with pytest.raises(CommandError, match="--output"):
        run("demo", "--orders", "5", "--output", "orders.json")


def test_the_demo_writes_json_lines_without_touching_the_database(tmp_path: Path):
    path = tmp_path / "demo.jsonl"

    out = run(*DEMO, "--format", "json", "--output", str(path))

    orders = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [order["number"] for order in orders[:2]] == ["ML-100001", "ML-100002"]
    assert len(orders) == 50
    assert f"Wrote 50 orders ({sum(len(order['lines']) for order in orders)} lines)" in out
    assert not Store.objects.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_the_shopify_export_of_the_demo_imports_into_a_store(tmp_path: Path, store: Store):
    path = tmp_path / "demo.csv"
    run(*DEMO, "--format", "shopify-csv", "--output", str(path))

    out = run("import_orders", str(path), "--format", "shopify-csv", "--store", store.code)

    assert "50 new" in out
    assert Order.objects.filter(store=store).count() == 50
