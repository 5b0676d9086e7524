"""The cost-of-returns and chasing pages (analytics pages of the registry, read from the rollups) in a real
browser, in both languages, on the hand-made store of the integration tests: accessible (axe), their charts
drawn as inline SVG under the strict CSP, a bad period refused with its reason."""

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
HEADINGS = {
    ("en", "cost"): "Cost of returns",
    ("fr", "cost"): "Coût des retours",
    ("en", "chasing"): "Chasing and refund speed",
    ("fr", "chasing"): "Relances et délais de remboursement",
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
@pytest.mark.parametrize("name", ["cost", "chasing"])
def test_the_page_opens_in_both_languages_and_is_accessible(
    shop: Store, page: Page, language: str, name: str
) -> None:
    log_in(page)
    page.goto(f"/backoffice/analytics/{name}/{PERIOD}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[(language, name)])
    expect(page.locator("html")).to_have_attribute("lang", language)
    chart = page.locator("figure svg[role=img]").first
    expect(chart).to_be_visible()
    caption = page.locator("figure figcaption").first
    expect(chart).to_have_attribute("aria-labelledby", caption.get_attribute("id") or "")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en"])
def test_a_backwards_period_is_refused_on_the_page(shop: Store, page: Page) -> None:
    log_in(page)
    page.goto("/backoffice/analytics/cost/?from=2026-03-02&to=2026-03-01")
    expect(page.get_by_text("The end of the period must be a day after its start.")).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en"])
def test_the_dashboards_net_cost_leads_to_the_cost_page(shop: Store, page: Page) -> None:
    log_in(page)
    page.goto(f"/backoffice/analytics/{PERIOD}")
    page.locator(".cards .card").filter(has_text="Net cost per return").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cost of returns")
    expect(page.locator("#id_from")).to_have_value(FEBRUARY[0])
