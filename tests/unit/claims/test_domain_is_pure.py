"""claims/domain/ imports only the standard library, retour.core and itself: no Django, no database."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import retour.claims.domain
from retour.claims.domain.terms import Terms

pytestmark = pytest.mark.unit

DOMAIN = Path(retour.claims.domain.__file__).parent
ALLOWED = ("retour.core", "retour.claims.domain")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda path: path.name)
def test_a_domain_module_imports_only_the_standard_library_and_core(path: Path):
    outside = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED)
    }
    assert not outside, f"{path.name} imports {sorted(outside)}"


def test_terms_can_be_hashed_and_compared():
    assert hash(Terms()) == hash(Terms())
    assert Terms() == Terms()
    assert Terms(response_hours=1) != Terms()
