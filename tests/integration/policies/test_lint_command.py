"""``retour policy lint`` and ``retour policy versions``: what staff read on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from retour.catalog.models import Store
from retour.policies import services

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

    assert summary == f"no-returns : valide, 1 règle, {len(warnings)} avertissements."
    assert any("(abîmé, livré en retard, 0 jour après la livraison)" in line for line in warnings)


@pytest.mark.django_db
def test_versions_marks_the_active_one(store: Store):
    first = services.load_policy(store, NO_RETURNS)
    services.load_policy(store, NO_RETURNS.replace("no_returns", "nothing_back"), activate=False)

    lines = [line.split("\t") for line in run("versions", "--store", store.code)]

    assert [(fields[2], fields[4]) for fields in lines] == [(f"v{first.number}", "active"), ("v2", "")]
