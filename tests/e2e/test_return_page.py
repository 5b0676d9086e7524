"""A return's page in the back office, in a real browser and both languages: the buttons its state allows,
an internal note written and listed, amounts in the store's currency and the reader's locale; accessible."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from e2e.portal_data import load_policy, make_order
from retour.catalog.models import Store
from retour.core.money import Money
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

PASSWORD = "correct horse battery staple"
WORDS = {
    "en": {
        "log in": "Log in",
        "in transit": "Mark in transit",
        "moved": "Returns marked in transit: 1.",
        "add note": "Add the note",
        "noted": "Note added to",
        "locale": "en_GB",
    },
    "fr": {
        "log in": "Connexion",
        "in transit": "Marquer en transit",
        "moved": "Retours marqués en transit\u00a0: 1.",
        "add note": "Ajouter la note",
        "noted": "Note ajoutée à",
        "locale": "fr_FR",
    },
}


@pytest.fixture
def approved(store: Store, language: str) -> Return:
    load_policy(store)
    order = make_order(store, language)
    line = order.lines.order_by("position").first()
    assert line is not None
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    assert ret.state == "approved"
    return ret


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_returns_page_has_its_buttons_a_note_and_formatted_amounts(
    transactional_db: None, approved: Return, page: Page, language: str
) -> None:
    words = WORDS[language]
    User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    page.goto("/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=words["log in"]).click()
    page.goto(f"/admin/returns/return/{approved.pk}/change/")

    decision = approved.lines.get().decision
    shown = Money(decision.refund_amount, decision.currency).format(words["locale"])
    expect(page.locator(".field-refund_amount").first).to_contain_text(shown)
    expect(page.locator(".field-requested")).to_contain_text("(Europe/Paris)")
    actions = page.locator(".return-actions")
    expect(actions.get_by_role("button", name=words["in transit"])).to_be_visible()
    expect(actions.locator('button[value="approve_selected"]')).to_have_count(0)
    assert_accessible(page, "#content")  # the return's page; the header is shared by every admin page

    actions.get_by_role("button", name=words["in transit"]).click()
    expect(page.locator(".messagelist")).to_contain_text(words["moved"])
    expect(page.locator(".return-actions").locator('button[value="mark_in_transit_selected"]')).to_have_count(
        0
    )
    approved.refresh_from_db()
    assert approved.state == "in_transit"

    page.locator("#note-text").fill("Colis vu au dépôt, étiquette abîmée.")
    page.get_by_role("button", name=words["add note"]).click()
    expect(page.locator(".messagelist")).to_contain_text(words["noted"])
    expect(page.locator(".internal-notes")).to_contain_text("Colis vu au dépôt, étiquette abîmée.")
    expect(page.locator(".internal-notes")).to_contain_text("admin")
    assert_accessible(page, "#content")  # the return's page; the header is shared by every admin page
