"""The import contracts (.importlinter, run by `make lint`): they hold on the code, and our two contract
types catch what they are for."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from architecture import AcyclicAppsContract, DomainOnlyContract

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    made = grimp.ImportGraph()
    for importer, imported in imports:
        for module in (importer, imported):
            made.add_module(module)
        made.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    return made


def domain_only(*imports: tuple[str, str]) -> list[str]:
    contract = DomainOnlyContract(
        name="domain",
        session_options={},
        contract_options={"containers": ["app"], "allowed_libraries": ["numpy"]},
    )
    check = contract.check(graph(*imports), verbose=False)
    return [f"{found['importer']} -> {found['imported']}" for found in check.metadata["illegal"]]


def acyclic(*imports: tuple[str, str], ignore: list[str] | None = None) -> dict[str, list]:
    options = {"container": "app", "entry_points": ["app.*.admin"], "ignore_imports": ignore or []}
    contract = AcyclicAppsContract(name="apps", session_options={}, contract_options=options)
    check = contract.check(graph(*imports), verbose=False)
    return {"kept": [check.kept], **check.metadata}


def test_every_import_contract_holds():
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(  # noqa: S603 -- our own tool, from the virtualenv
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " kept, 0 broken." in run.stdout


def test_a_domain_may_import_the_standard_library_core_its_own_domain_and_listed_libraries():
    assert (
        domain_only(
            ("app.returns.domain.states", "datetime"),
            ("app.returns.domain.states", "app.core.money"),
            ("app.returns.domain.states", "app.returns.domain.vocabulary"),
            ("app.returns.domain.forecast", "numpy"),
        )
        == []
    )


def test_a_domain_importing_django_a_model_or_another_domain_is_caught():
    assert domain_only(
        ("app.returns.domain.states", "django"),
        ("app.returns.domain.states", "app.returns.models"),
        ("app.returns.domain.states", "app.refunds.domain.ledger"),
        ("app.returns.services", "django"),  # not a domain module: not this contract's business
    ) == [
        "app.returns.domain.states -> app.refunds.domain.ledger",
        "app.returns.domain.states -> app.returns.models",
        "app.returns.domain.states -> django",
    ]


def test_a_cycle_between_two_apps_is_caught_with_its_imports():
    found = acyclic(
        ("app.returns.services", "app.refunds.models"), ("app.refunds.services", "app.returns.models")
    )
    assert found["kept"] == [False]
    assert found["cycles"] == [
        [
            "refunds -> returns: app.refunds.services -> app.returns.models",
            "returns -> refunds: app.returns.services -> app.refunds.models",
        ]
    ]


def test_an_entry_point_does_not_close_a_cycle_but_may_not_be_imported():
    assert acyclic(
        ("app.returns.admin", "app.refunds.models"), ("app.refunds.services", "app.returns.models")
    )["kept"] == [True]
    leaked = acyclic(("app.refunds.services", "app.returns.admin"))
    assert (leaked["kept"], leaked["leaks"]) == ([False], ["app.refunds.services -> app.returns.admin"])


def test_an_ignored_import_is_ignored_until_it_no_longer_exists():
    imports = (("app.returns.services", "app.refunds.models"), ("app.refunds.services", "app.returns.models"))
    assert acyclic(*imports, ignore=["app.returns.services -> app.refunds.models"])["kept"] == [True]
    stale = acyclic(imports[1], ignore=["app.returns.services -> app.refunds.models"])
    assert (stale["kept"], stale["stale"]) == ([False], ["app.returns.services -> app.refunds.models"])


def test_returns_import_nothing_of_refunds_without_exception():
    """Refunds are downstream of returns with no temporary exception left: the quote is returns', and
    refunds' admin, the refunds already paid and an exchange's charge reach returns through its hooks."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    downstream = config["importlinter:contract:refunds-downstream-of-returns"]
    assert downstream.get("ignore_imports", "").strip() == ""
    cycles = config["importlinter:contract:no-cycles-between-apps"].get("ignore_imports", "")
    assert "retour.refunds" not in cycles
