"""``retour policy lint``, ``load`` and ``versions``: what staff read on a terminal."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from retour.catalog.models import Seller, Store
from retour.orders.models import Order
from retour.policies import services
from retour.policies.models import PolicyVersion

NO_RETURNS = """\
format: retour-policy/1
name: no-returns
rules:
  - id: nothing
    then:
      eligible: false
      code: no_returns
"""


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue().splitlines()


def test_lint_warns_in_the_back_offices_words(tmp_path: Path):
    path = tmp_path / "no-returns.yaml"
    path.write_text(NO_RETURNS, encoding="utf-8")

    *warnings, summary = run("lint", str(path))

    assert summary == f"no-returns: valid, 1 rule, {len(warnings)} warnings."
    assert len(warnings) > 1
    assert all(line.startswith("The policy promises less than the law to a shopper in") for line in warnings)
    assert any("(damaged, arrived late, 0 days after delivery)" in line for line in warnings)
    assert not any("arrived_late" in line or "None" in line for line in warnings)  # vocabulary, translated


def test_lint_speaks_french(tmp_path: Path):
    path = tmp_path / "no-returns.yaml"
    path.write_text(NO_RETURNS, encoding="utf-8")

    with translation.override("fr"):
        *warnings, summary = run("lint", str(path))

    assert summary == f"no-returns : valide, 1 règle, {len(warnings)} avertissements."
    assert any("(abîmé, livré en retard, 0 jour après la livraison)" in line for line in warnings)


@pytest.mark.django_db
def test_versions_marks_the_active_one(store: Store):
    first = services.load_policy(store, NO_RETURNS)
    services.load_policy(store, NO_RETURNS.replace("no_returns", "nothing_back"), activate=False)

    lines = [line.split("\t") for line in run("versions", "--store", store.code)]

    assert [(fields[2], fields[4]) for fields in lines] == [(f"v{first.number}", "active"), ("v2", "")]


# Takes nothing back and charges its fee in JPY only: below the law for EU and UK shoppers all the same.
NOTHING_IN_JPY = """\
format: retour-policy/1
name: nothing
fees:
  return_shipping:
    amounts: {JPY: "500"}
rules:
  - id: never
    then: {eligible: false, code: no_returns}
"""
# Decides only books: the other cases fall through, a warning of the document itself.
BOOKS_ONLY = """\
format: retour-policy/1
name: books-only
rules:
  - id: books
    when: {category: books}
    then: {eligible: false, code: no_books}
"""


def test_lint_warns_on_a_refuse_everything_policy_whatever_its_currencies(tmp_path: Path):
    path = tmp_path / "nothing.yaml"
    path.write_text(NOTHING_IN_JPY, encoding="utf-8")
    *warnings, _summary = run("lint", str(path))
    assert warnings
    assert any("shopper in FR" in line and "legal_withdrawal" in line for line in warnings)
    assert any("shopper in GB" in line for line in warnings)


def test_lint_shows_the_documents_own_warnings_with_their_line(tmp_path: Path):
    path = tmp_path / "books.yaml"
    path.write_text(BOOKS_ONLY, encoding="utf-8")
    lines = run("lint", str(path))
    assert lines[0].startswith("Line 3, rules: some cases match no rule")


@pytest.mark.django_db
def test_load_shows_the_warnings_of_the_version_it_saved(store: Store, tmp_path: Path):
    path = tmp_path / "books.yaml"
    path.write_text(BOOKS_ONLY, encoding="utf-8")
    lines = run("load", str(path), "--store", store.code)
    assert lines[0] == "books-only version 1 is active."
    assert lines[1].startswith("Line 3, rules: some cases match no rule")
    assert any(line.startswith("The policy promises less than the law") for line in lines[2:])


@pytest.mark.django_db
def test_load_of_a_less_generous_seller_policy_says_which_cases_and_what_differs(
    store: Store, tmp_path: Path
):
    seller = Seller.objects.create(store=store, code="atelier", name="Atelier")
    services.load_policy(store, services.template_text("marketplace-standard"))
    path = tmp_path / "seller.yaml"
    path.write_text(
        services.template_text("marketplace-standard").replace("    waived_when: {member: true}\n", ""),
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as error:
        run("load", str(path), "--store", store.code, "--seller", seller.code)

    lines = str(error.value).splitlines()
    assert lines[0] == "A marketplace seller's policy may not be less generous than the store's."
    assert len(lines) > 1
    assert any("fees of €" in line and "instead of €0.00" in line for line in lines[1:]), lines
    assert any("a loyalty member" in line for line in lines[1:])
    assert not PolicyVersion.objects.filter(policy__seller=seller).exists()


def test_evaluate_piped_into_head_stops_quietly(tmp_path: Path):
    case = (
        '{"id": "a", "country": "FR", "currency": "EUR", "category": "apparel", "unit_price": "40.00", '
        '"quantity": 1, "ordered_at": "2026-02-26", "delivered_at": "2026-03-02", '
        '"requested_at": "2026-03-12", "condition": "unopened", "reason": "changed_mind"}\n'
    )
    cases = tmp_path / "cases.jsonl"
    cases.write_text(case * 20_000, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/retour/db.sqlite3"}
    retour = Path(sys.executable).with_name("retour")
    head = shutil.which("head")
    assert head is not None
    command = [str(retour), "policy", "evaluate", "--template", "marketplace-standard", "--cases", str(cases)]
    with subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as producer:
        assert producer.stdout is not None
        assert producer.stderr is not None
        first = subprocess.run(  # noqa: S603 - head, fixed arguments
            [head, "-n", "1"], stdin=producer.stdout, capture_output=True, text=True, check=True, timeout=120
        )
        producer.stdout.close()  # head has gone: the command's next write finds the pipe closed
        errors = producer.stderr.read().decode()
        status = producer.wait(timeout=120)
    assert json.loads(first.stdout)["id"] == "a"
    assert errors == ""
    assert status == 1


DUTCH = """\
format: retour-policy/1
name: dutch
legal_guarantee:
  NL: {electronics: 1826, home: 1826}
rules:
  - id: fault
    when: {seller_fault: true, within_legal_guarantee: true}
    then: {eligible: true, code: legal_guarantee, legal_basis: legal_guarantee, resolutions: [repair]}
  - id: rest
    then: {eligible: false, code: final}
"""


def test_lint_tells_a_store_selling_in_nl_or_fi_to_set_its_guarantee_periods(tmp_path: Path, store: Store):
    Order.objects.create(
        store=store, number="FI-1", currency="EUR", ordered_at=datetime.now(UTC), shipping_country="FI"
    )
    path = tmp_path / "dutch.yaml"
    path.write_text(DUTCH, encoding="utf-8")
    template = ["lint", "marketplace-standard", "--template"]

    assert not any("expected to last" in line for line in run(*template))  # FR, GB, US...: nothing to set
    lines = run(*template, "--countries", "nl")
    assert any(line.startswith("For shoppers in NL the legal guarantee lasts as long") for line in lines)
    # the store sells in France (its own country) and Finland (an order shipped there)
    lines = run(*template, "--store", store.code)
    assert next(line for line in lines if "expected to last" in line).startswith("For shoppers in FI")
    # periods set for NL: only FI is left
    lines = run("lint", str(path), "--countries", "NL,FI")
    assert [line[:22] for line in lines if "expected to last" in line] == ["For shoppers in FI the"]
    with translation.override("fr"):
        lines = run(*template, "--countries", "NL")
    assert any(line.startswith("Pour les clients du pays NL, la garantie légale dure") for line in lines)
