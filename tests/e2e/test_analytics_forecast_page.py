"""The refund liability and forecast page in a real browser, in both languages: accessible (axe), its chart
drawn under the strict CSP (SVG without script or style attribute), a day out of the calendar refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from retour.catalog.models import Store

PASSWORD = "correct horse battery staple"
HEADINGS = {"en": "Refunds owed and forecast", "fr": "Remboursements dus et prévus"}


@pytest.fixture
def staff(transactional_db: None) -> User:
    Store.objects.create(
        code="shop", name="Shop", currency="EUR", country="FR", time_zone="Europe/Paris", languages="fr,en"
    )
    return User.objects.create_superuser("boss", "boss@example.com", PASSWORD)


def log_in(page: Page) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url("/admin/")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_opens_in_both_languages_and_is_accessible(staff: User, page: Page, language: str) -> None:
    log_in(page)
    page.goto("/backoffice/analytics/forecast/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[language])
    expect(page.locator("figure svg").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en"])
def test_a_day_out_of_the_calendar_is_refused_on_the_page(staff: User, page: Page) -> None:
    log_in(page)
    page.goto("/backoffice/analytics/forecast/?today=9999-01-01")
    expect(page.get_by_text("The day must be between 1970-01-01 and 9000-12-31.")).to_be_visible()
