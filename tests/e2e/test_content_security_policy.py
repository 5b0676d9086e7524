"""The Content-Security-Policy as Chromium enforces it: htmx works under it, inline scripts do not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect


@pytest.fixture
def articles(kb_dir: Path) -> None:
    call_command("helpcenter", "import", str(kb_dir))


@pytest.mark.parametrize("language", ["fr"])
def test_instant_search_works_under_the_policy_without_any_refusal(
    articles: None, page: Page, console_errors: list[str]
) -> None:
    response = page.goto("/help/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.get_by_role("searchbox").press_sequentially("remboursment", delay=20)
    expect(page.locator("#help-results li").first).to_be_visible()
    # htmx was told not to inject its <style>: nothing inline in <head>, so nothing was refused.
    assert page.locator("head style").count() == 0
    assert console_errors == []


def test_an_injected_inline_script_is_refused_by_the_browser(page: Page, console_errors: list[str]) -> None:
    page.goto("/help/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.head.append(script);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in line for line in console_errors), console_errors
    console_errors.clear()  # the refusal was the point of this test
