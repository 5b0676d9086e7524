"""The review queue of abuse signals in a real browser, in both languages: each return's score with the
reasons behind it, accessible (axe), and a verdict given from the page is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from conftest import make_store
from e2e.harness import assert_accessible
from factories import delivered_line
from retour.abuse import services
from retour.abuse.models import Assessment
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, request_return

PASSWORD = "correct horse battery staple"
TEXTS = {
    "en": {
        "heading": "Review queue: abuse signals",
        "score": "Score: 80/100",
        "reason": "The parcel weighed 90 g on arrival, against 800 g shipped.",
        "button": "Mark as fraud",
        "kept": "is kept",
    },
    "fr": {
        "heading": "File de revue\u00a0: signaux d’abus",
        "score": "Score\u00a0: 80/100",
        "reason": "Le colis pesait 90 g à l’arrivée, pour 800 g à l’envoi.",
        "button": "Marquer comme fraude",
        "kept": "est enregistré",
    },
}


@pytest.fixture
def waiting(transactional_db: None) -> Return:
    """A return whose parcel arrived nearly empty, the refund asked before it was sent: in the queue."""
    store = make_store("shop", "Shop")
    policies.load_policy(store, policies.template_text("marketplace-standard"))
    delivered = datetime.now(UTC) - timedelta(days=4)
    values = {
        "number": "#E1",
        "ordered_at": (delivered - timedelta(days=3)).isoformat(),
        "currency": "EUR",
        "language": "fr",
        "customer": {"email": "e1@example.com", "country": "FR", "language": "fr"},
        "shipping_country": "FR",
        "fulfillment_status": "fulfilled",
        "lines": [delivered_line("Casque", 1, "90.00")],
        "payments": [{"method": "card", "amount": "90.00", "captured_at": delivered.isoformat()}],
        "shipments": [{"shipped_at": delivered.isoformat(), "delivered_at": delivered.isoformat()}],
    }
    assert import_orders(store, [json_orders.parse_one(values, 1)]).ok
    order = Order.objects.get(store=store, number="#E1")
    ret = request_return(order, [LineRequest(order.lines.get().pk, 1, "changed_mind", "unopened")])[0]
    services.observe(ret, shipped_weight_grams=800, received_weight_grams=90, refund_before_shipping=True)
    Return.objects.filter(pk=ret.pk).update(state="requested")
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    return ret


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_queue_shows_scores_with_reasons_and_keeps_a_verdict(waiting: Return, page: Page, language: str):
    texts = TEXTS[language]
    page.goto("/admin/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto("/backoffice/returns/abuse-review/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(texts["heading"])
    row = page.locator(f".abuse-row[data-number='{waiting.number}']")
    expect(row).to_contain_text(texts["score"])
    expect(row).to_contain_text(texts["reason"])
    assert_accessible(page)
    row.get_by_role("button", name=texts["button"]).click()
    expect(page.locator(".messagelist")).to_contain_text(texts["kept"])
    assert Assessment.objects.get(ret=waiting).verdict == "fraud"
    assert_accessible(page)


@pytest.mark.parametrize("language", ["fr"])
def test_the_access_answer_page_is_accessible_and_in_the_shopper_language(waiting: Return, page: Page):
    page.goto("/admin/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto("/backoffice/privacy/access/")
    assert_accessible(page)
    page.locator("#email").fill("e1@example.com")
    page.locator("#language").select_option("fr")
    page.get_by_role("button", name="Préparer la réponse").click()
    answer = page.locator(".privacy-answer")
    expect(answer).to_contain_text("Décisions automatisées")
    expect(answer).to_contain_text("Le colis pesait 90 g à l’arrivée, pour 800 g à l’envoi.")
    assert_accessible(page)
