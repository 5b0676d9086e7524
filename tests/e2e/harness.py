"""What browser tests share besides fixtures: the accessibility check and the browser's launch options.

Import it as ``from e2e.harness import assert_accessible`` (tests/ is on sys.path; see tests/conftest.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Debian's chromium package, driven by its path: Playwright never downloads a browser here.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# The closed network refuses Chromium's calls home, many at a time; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int
    mobile: bool


VIEWPORTS = {
    "phone": Viewport(390, 844, mobile=True),  # an iPhone 12-15 sized screen
    "desktop": Viewport(1280, 800, mobile=False),
}
# Accept-Language as a browser in France or in the UK sends it (Playwright derives it from the locale).
LOCALES = {"fr": "fr-FR", "en": "en-GB"}

BLOCKING_IMPACTS = ("serious", "critical")
_AXE = Axe()


def _describe(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}", f"  {violation['helpUrl']}"]
    for node in violation["nodes"]:
        lines.append(f"  at {' '.join(str(t) for t in node['target'])}: {node['html'][:160]}")
        summary = node.get("failureSummary")
        if summary:
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


# axe-core fetches the page's style sheets again to read them (its "preload"); it resolves an @import in
# them against the page's address instead of the sheet's (Django admin's forms.css imports widgets.css),
# asking the server for /admin/<model>/<id>/change/widgets.css: a 404 in the console. Computed styles,
# which the checks read, need no preload.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}


def accessibility_violations(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (or within a CSS selector)."""
    results = _AXE.run(page, context=context, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def assert_accessible(page: Page, context: str | None = None) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation on the page.

    Minor and moderate findings are not failures; run it after every state worth checking (a page
    loaded, a fragment swapped in by htmx, an error shown).
    """
    blocking = accessibility_violations(page, context)
    if blocking:
        report = "\n".join(_describe(v) for v in blocking)
        raise AssertionError(f"{len(blocking)} accessibility violation(s) on {page.url}:\n{report}")
