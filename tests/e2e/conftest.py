"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

- ``page``: a fresh browser context and page for the test, at ``live_server.url`` (so ``page.goto("/help/")``
  works), in the language of the ``language`` fixture ("en" by default) and the size of the ``viewport``
  fixture ("phone", 390 by 844, by default; or "desktop"). Parametrize either by name to change it:
  ``@pytest.mark.parametrize("language", ["en", "fr"])``.
- ``new_page(language=..., viewport=...)``: more pages in the same test (two shoppers, two languages).
- ``console_errors``: every console error and uncaught exception of the test's pages (CSP violations
  included); a test that ends with any fails at teardown, so assert on it where one is expected.
- A failed test leaves a screenshot of each of its pages in ``<RETOUR_DATA_DIR>/screenshots/``
  (var/test/screenshots with ``make test``); the report prints the paths.
- ``e2e.harness.assert_accessible(page)``: axe-core, failing on serious and critical violations.

Run them with ``make test-e2e`` (or ``pytest tests/e2e``), on their own: the SQLite test database is a
file here, not in memory (see django_db_modify_db_settings). For example::

    @pytest.mark.parametrize("language", ["en", "fr"])
    def test_the_help_center_opens(page: Page, language: str) -> None:
        page.goto("/help/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from e2e.harness import CHROMIUM, CHROMIUM_ARGS, LOCALES, VIEWPORTS

# Playwright's sync API keeps an asyncio loop running in this thread, which Django takes for an async
# context and refuses ORM calls from (SynchronousOnlyOperation). Tests and fixtures here are plain
# synchronous code, so the guard has nothing to protect.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PAGES = pytest.StashKey[list[Page]]()
TIMEOUT_MS = 10_000  # a step that takes longer than this on a local server is broken, not slow

NewPage = Callable[..., Page]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """An SQLite test database in a file, not in memory: the live server answers each request in a thread
    of its own, and threads sharing the one in-memory connection collide ("database table is locked")
    as soon as the page sends two requests at once (htmx while a form is submitted). With a file, every
    thread has its own connection, as in production (WAL, IMMEDIATE transactions, busy timeout)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = Path(settings.DATA_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        database["TEST"]["NAME"] = str(folder / "e2e.sqlite3")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `make test-e2e` installs Debian's chromium package "
            "(or set CHROMIUM to another Chromium executable)."
        )
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()


@pytest.fixture
def language() -> str:
    """The shopper's language (Accept-Language); parametrize ``language`` to change it."""
    return "en"


@pytest.fixture
def viewport() -> str:
    """ "phone" or "desktop"; parametrize ``viewport`` to change it."""
    return "phone"


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    language: str,
    viewport: str,
    console_errors: list[str],
) -> Iterator[NewPage]:
    pages = request.node.stash.setdefault(PAGES, [])
    contexts = []

    def open_page(*, language: str = language, viewport: str = viewport) -> Page:
        size = VIEWPORTS[viewport]
        context = browser.new_context(
            base_url=live_server.url,
            locale=LOCALES[language],
            viewport={"width": size.width, "height": size.height},
            is_mobile=size.mobile,
            has_touch=size.mobile,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                console_errors.append(f"{page.url}: {message.text}")

        def on_error(error: Error) -> None:
            console_errors.append(f"{page.url}: uncaught {error.name}: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_error)
        pages.append(page)
        return page

    yield open_page
    failed = _failed(request.node)
    if console_errors and not failed:
        shots = _screenshots(request.node, "console")
        for context in contexts:
            context.close()
        pytest.fail(
            "The browser reported errors:\n"
            + "\n".join(f"- {line}" for line in console_errors)
            + "".join(f"\nscreenshot: {shot}" for shot in shots)
        )
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(REPORTS, {}).values())


def _screenshots(item: pytest.Item, suffix: str = "") -> list[str]:
    """A full-page screenshot of each open page of the test; the paths (or why one could not be taken)."""
    folder = Path(settings.DATA_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    module, _, test = item.nodeid.partition("::")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{Path(module).stem}.{test}").strip("_")
    shots = []
    for number, page in enumerate(item.stash.get(PAGES, []), start=1):
        if page.is_closed():
            continue
        name = "-".join(part for part in (stem, suffix, str(number) if number > 1 else "") if part)
        path = folder / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Error as error:  # a crashed page: say so rather than hide the test's own failure
            shots.append(f"{path} (not taken: {error.message})")
        else:
            shots.append(str(path))
    return shots


REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report (the page fixture reads it) and screenshot the pages of a failed test."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    if report.failed and report.when == "call":
        shots = _screenshots(item)
        if shots:
            report.sections.append(("screenshots", "\n".join(shots)))
    return report
