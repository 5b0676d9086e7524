"""The back office's shop connection page in a real browser, in French and English: staff connect a
Shopify shop, its secrets are never shown again, and the webhooks it sends are in the log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from retour.catalog.models import Store
from retour.shopsync.models import Connection, ReceivedWebhook

PASSWORD = "correct horse battery staple"
SECRET = "shopify-client-secret-1234"  # a test secret
WORDS = {
    "en": ("Shop domain", "Webhook signing secret", "Save", "refused: bad signature or unknown shop"),
    "fr": ("Domaine de la boutique", "Secret de signature des webhooks", "Enregistrer", "refusé"),
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


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_connect_a_shop_and_its_secret_is_never_shown_again(
    staff: User, page: Page, language: str
) -> None:
    domain_label, secret_label, save, forged = WORDS[language]
    log_in(page)
    page.goto("/admin/shopsync/connection/add/")
    page.get_by_label(domain_label).fill("maison.myshopify.com")
    page.get_by_label(secret_label).fill(SECRET)
    page.locator("#id_platform").select_option("shopify")
    page.locator("#id_store").select_option(label="Shop")
    assert_accessible(page)
    page.locator(f"input[type=submit][name=_save][value='{save}']").click()
    expect(page.locator("#result_list")).to_contain_text("maison.myshopify.com")
    connection = Connection.objects.get()
    assert connection.webhook_secret == SECRET
    page.goto(f"/admin/shopsync/connection/{connection.pk}/change/")
    expect(page.get_by_label(secret_label)).to_have_value("")
    assert SECRET not in page.content()
    ReceivedWebhook.objects.create(
        connection=connection, platform="shopify", webhook_id="w1", topic="orders/create", outcome="forged"
    )
    page.goto("/admin/shopsync/receivedwebhook/")
    expect(page.locator("#result_list")).to_contain_text(forged)
