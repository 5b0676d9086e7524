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


# What `make install-test` installs; the other extras (bench: `make bench` installs it) are checked when
# they are installed.
INSTALLED_BY_MAKE_TEST = ("test",)


def requirements(extras: tuple[str, ...] | None = None) -> list[str]:
    """The dependencies and the pins of the named extras (every extra when None)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = list(project["dependencies"])
    for name, extra in project.get("optional-dependencies", {}).items():
        if extras is None or name in extras:
            found += extra
    return found


def test_every_dependency_and_test_tool_is_pinned():
    loose = [requirement for requirement in requirements() if not PINNED.match(requirement)]
    assert not loose, f"pin these to the installed version (.venv/bin/pip list): {loose}"


def test_the_pins_are_the_versions_installed():
    """A pin nobody installed (or an upgrade nobody pinned) would make CI and laptops differ."""
    different = {}
    required = set(requirements(INSTALLED_BY_MAKE_TEST))
    for requirement in requirements():
        match = PINNED.match(requirement)
        if match is None:
            continue  # reported by the test above
        try:
            installed = metadata.version(match["name"])
        except metadata.PackageNotFoundError:
            if requirement in required:
                raise
            continue  # an extra `make test` does not install (bench), not installed here
        if installed != match["version"]:
            different[match["name"]] = (match["version"], installed)
    assert not different, f"pinned, installed: {different} (`make install-test` installs the pins)"
