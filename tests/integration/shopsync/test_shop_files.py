"""The shops' JSON orders as files: ``retour import-orders --format shopify-json | woocommerce-json``, the
same readers as the webhooks, the same writer as every import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from retour.catalog.models import Store
from retour.orders.importers.json_orders import loads
from retour.orders.models import Order

pytestmark = pytest.mark.django_db


def test_woocommerces_rest_answer_is_imported_as_a_file(store: Store, fixtures_dir: Path, capsys) -> None:
    path = fixtures_dir / "woocommerce/wc-v3-docs_orders_list.json"
    call_command("import_orders", str(path), "--format", "woocommerce-json", "--store", store.code)
    assert sorted(Order.objects.values_list("number", "refunded_amount")) == [("723", 19), ("727", 0)]
    call_command("import_orders", str(path), "--format", "woocommerce-json", "--store", store.code)
    assert "2 unchanged" in capsys.readouterr().out


def test_shopify_orders_as_json_lines_and_a_bad_one_refuses_the_whole_file(
    store: Store, fixtures_dir: Path, tmp_path: Path
) -> None:
    path = fixtures_dir / "shopify/webhooks/shopify-docs_2026-04_orders.paid.metadata.json"
    order = loads(path.read_text())["response"]
    good = json.dumps(order, default=str)
    bad = json.dumps({**order, "name": "#10000", "total_price": "1.00", "total_price_set": None}, default=str)
    file = tmp_path / "orders.jsonl"
    file.write_text(good + "\n" + bad + "\n")
    with pytest.raises(CommandError, match="1 error; nothing was imported"):
        call_command("import_orders", str(file), "--format", "shopify-json", "--store", store.code)
    assert not Order.objects.exists()
    file.write_text(good + "\n")
    call_command("import_orders", str(file), "--format", "shopify-json", "--store", store.code)
    assert Order.objects.get().number == "#9999"
