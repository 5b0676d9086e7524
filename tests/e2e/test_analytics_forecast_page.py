"""The refund liability and forecast page (the analytics page "liability") in a real browser, in both
languages: accessible (axe), its two charts drawn as inline SVG under the strict CSP, named by their
captions, the stored outlook's computation time shown; a day out of the calendar refused on the page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from conftest import make_store
from e2e.harness import assert_accessible

PASSWORD = "correct horse battery staple"
HEADINGS = {"en": "Refunds owed and forecast", "fr": "Remboursements dus et prévus"}
COMPUTED = {"en": "Computed on", "fr": "Calculé le"}


@pytest.fixture
def staff(transactional_db: None) -> User:
    make_store("shop", "Shop")
    return User.objects.create_superuser("boss", "boss@example.com", PASSWORD)


def log_in(page: Page) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url("/admin/")


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_opens_in_both_languages_and_is_accessible(staff: User, page: Page, language: str) -> None:
    log_in(page)
    page.goto("/backoffice/analytics/forecast/")  # the former address leads to the page
    expect(page).to_have_url("/backoffice/analytics/liability/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    charts = page.locator("figure svg[role=img]")  # the weeks against sales (nothing is owed: one chart)
    expect(charts).to_have_count(1)
    caption = page.locator("figure figcaption").first
    expect(charts.first).to_have_attribute("aria-labelledby", caption.get_attribute("id") or "")
    expect(page.locator(".cards")).to_contain_text(COMPUTED[language])
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en"])
def test_a_day_out_of_the_calendar_is_refused_on_the_page(staff: User, page: Page) -> None:
    log_in(page)
    page.goto("/backoffice/analytics/liability/?from=1950-01-01&to=1950-01-08")
    expect(page.get_by_role("alert")).to_contain_text("The day must be between 1970-01-01 and 9000-12-31.")
