"""The corpus of broken files (tests/fixtures/broken_imports): each one a mistake a person or a program
makes, each refused with its exact messages, nothing written, the same answer on SQLite and PostgreSQL
(the suite runs on both: the expected messages are the same file)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from retour.catalog.models import Category, Product, Seller, Store, Variant
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "broken_imports"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def refusal(store: Store, path: Path, fmt: str) -> tuple[list[str], str]:
    """What ``retour import-orders`` says of ``path``: the lines it lists and its last word."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_orders",
            str(path),
            "--format",
            fmt,
            "--store",
            store.code,
            stdout=io.StringIO(),
            stderr=err,
        )
    return err.getvalue().splitlines(), str(failure.value)


def test_the_corpus_holds_at_least_seventy_files_each_in_the_manifest():
    files = sorted(path.name for path in CORPUS.iterdir() if path.name != "expected.json")
    assert files == sorted(EXPECTED)
    assert len(files) >= 70
    assert all(entry["mistake"] and (entry["errors"] or entry["refusal"]) for entry in EXPECTED.values())


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_file_is_refused_with_its_exact_messages_and_nothing_is_written(store: Store, name: str):
    expected = EXPECTED[name]
    own_seller = Seller.objects.filter(store=store).count()

    errors, last_word = refusal(store, CORPUS / name, expected["format"])

    assert errors == expected["errors"]
    assert last_word == expected["refusal"]
    for model in (Order, OrderLine, Payment, Shipment, Customer, Product, Variant, Category):
        assert not model.objects.exists(), model
    assert Seller.objects.filter(store=store).count() == own_seller
