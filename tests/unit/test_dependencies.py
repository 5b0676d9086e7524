"""pyproject.toml pins every dependency to the version the virtualenv runs."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# name[extras]==version; none of ours uses environment markers.
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(?P<version>[^\s;]+)$")


def requirements() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        found += extra
    return found


def test_every_dependency_and_test_tool_is_pinned():
    loose = [requirement for requirement in requirements() if not PINNED.match(requirement)]
    assert not loose, f"pin these to the installed version (.venv/bin/pip list): {loose}"


def test_the_pins_are_the_versions_installed():
    """A pin nobody installed (or an upgrade nobody pinned) would make CI and laptops differ."""
    different = {}
    for requirement in requirements():
        match = PINNED.match(requirement)
        if match is None:
            continue  # reported by the test above
        installed = metadata.version(match["name"])
        if installed != match["version"]:
            different[match["name"]] = (match["version"], installed)
    assert not different, f"pinned, installed: {different} (`make install-test` installs the pins)"
