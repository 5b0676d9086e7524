"""The analytics pages of the registry (dashboard, return rates, outcomes) in a real browser, in both
languages, on the hand-made store of the integration tests: accessible (axe), every chart drawn as inline
SVG under the strict CSP (no console error), the filters keeping their values from page to page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from conftest import make_store
from e2e.harness import assert_accessible
from integration.insights.analytics_store import FEBRUARY, import_orders, import_returns
from retour.catalog.models import Store
from retour.insights.services import rollup

PASSWORD = "correct horse battery staple"
TITLES = {
    ("en", "dashboard"): "Returns at a glance",
    ("fr", "dashboard"): "Les retours en un coup d’œil",
    ("en", "return-rates"): "Return rates",
    ("fr", "return-rates"): "Taux de retour",
    ("en", "outcomes"): "Outcomes and retention",
    ("fr", "outcomes"): "Issues et rétention",
}
PERIOD = f"?from={FEBRUARY[0]}&to={FEBRUARY[1]}"


@pytest.fixture
def shop(transactional_db: None, tmp_path: Path) -> Store:
    store = make_store("test-store", "Test Store")
    import_orders(store, tmp_path)
    import_returns(store, tmp_path)
    rollup.rebuild(store)
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    return store


def log_in(page: Page) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url("/admin/")


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", ["dashboard", "return-rates", "outcomes"])
def test_the_page_opens_in_both_languages_and_is_accessible(
    shop: Store, page: Page, language: str, name: str
) -> None:
    log_in(page)
    page.goto(f"/backoffice/analytics/{name}/{PERIOD}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLES[(language, name)])
    expect(page.locator("html")).to_have_attribute("lang", language)
    if name != "dashboard":
        chart = page.locator("figure svg[role=img]").first
        expect(chart).to_be_visible()
        # The chart is named by its caption; the same figures are in the table beside it.
        caption = page.locator("figure figcaption").first
        expect(chart).to_have_attribute("aria-labelledby", caption.get_attribute("id") or "")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_the_dashboard_cards_lead_to_their_pages_with_the_same_filters(shop: Store, page: Page) -> None:
    log_in(page)
    page.goto(f"/backoffice/analytics/{PERIOD}&category=apparel")
    cards = page.locator(".cards .card")
    expect(cards).to_have_count(6)
    expect(cards.first).to_contain_text("66.67%")  # 2 of the 3 February orders with an apparel line
    cards.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return rates")
    expect(page.locator("#id_category")).to_have_value("apparel")
    expect(page.locator("#id_from")).to_have_value(FEBRUARY[0])
    page.locator("#id_category").select_option("home")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("row", name="potter")).to_contain_text("100.00%")
