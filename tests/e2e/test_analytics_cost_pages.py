"""The cost-of-returns and chasing pages in a real browser, in both languages: accessible (axe), drawn under
the strict CSP (their charts are SVG without script or style attribute), the filters refusing a bad period."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from retour.catalog.models import Store

PASSWORD = "correct horse battery staple"
HEADINGS = {
    ("en", "cost"): "Cost of returns",
    ("fr", "cost"): "Coût des retours",
    ("en", "chasing"): "Chasing and refund speed",
    ("fr", "chasing"): "Relances et délais de remboursement",
}


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
@pytest.mark.parametrize("name", ["cost", "chasing"])
def test_the_page_opens_in_both_languages_and_is_accessible(
    staff: User, page: Page, language: str, name: str
) -> None:
    log_in(page)
    page.goto(f"/backoffice/analytics/{name}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[(language, name)])
    expect(page.locator("figure svg").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en"])
def test_a_backwards_period_is_refused_on_the_page(staff: User, page: Page) -> None:
    log_in(page)
    page.goto("/backoffice/analytics/cost/?start=2026-03-02&end=2026-03-01")
    expect(page.get_by_text("The period must end after it starts.")).to_be_visible()
