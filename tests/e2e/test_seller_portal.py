"""The seller portal in a real browser, in English and in French: a seller signs in, answers a guarantee
claim with evidence, and authorises a return request; axe-core checks each page on the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from factories import delivered_line
from retour.catalog.models import Store
from retour.claims.models import Claim
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.policies import services as policies
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return
from retour.sellers.services import accounts

PASSWORD = "seller-portal-Pa55"
# The words the seller clicks and reads, in each language (written out: a missing translation fails).
WORDS = {
    "en": {
        "email": "Your email address",
        "password": "Password",
        "sign in": "Sign in",
        "overview": "Overview",
        "tracking": "Tracking number",
        "message": "Your message",
        "send": "Send my answer",
        "sent": "Your answer was sent: the marketplace decides on the evidence.",
        "returns": "Returns",
        "authorise": "Authorise",
        "authorised": "Return authorised: the buyer is told how to send it back.",
    },
    "fr": {
        "email": "Votre adresse e-mail",
        "password": "Mot de passe",
        "sign in": "Se connecter",
        "overview": "Vue d’ensemble",
        "tracking": "Numéro de suivi",
        "message": "Votre message",
        "send": "Envoyer ma réponse",
        "sent": "Votre réponse est envoyée\u00a0: la place de marché décide sur pièces.",
        "returns": "Retours",
        "authorise": "Autoriser",
        "authorised": "Retour autorisé\u00a0: l’acheteur apprend comment renvoyer l’article.",
    },
}


def _import(store: Store, values: dict[str, Any]) -> Order:
    from retour.orders.services.importing import import_orders

    report = import_orders(store, [json_orders.parse_one(values, 1)])
    assert report.ok, report.errors
    return Order.objects.get(store=store, number=values["number"])


@pytest.fixture
def seller_data(store: Store) -> tuple[Claim, Return]:
    rule = "      code: seller_fault\n"
    policies.load_policy(
        store, policies.template_text("marketplace-standard").replace(rule, rule + "      approval: review\n")
    )
    line = {"seller": "atelier-nord", "seller_name": "Atelier Nord"}
    ordered = datetime.now(UTC) - timedelta(days=10)
    lost = _import(
        store,
        {
            "number": "#7001",
            "ordered_at": ordered.isoformat(),
            "currency": "EUR",
            "customer": {"email": "buyer@example.com", "country": "FR"},
            "lines": [delivered_line("Vase", 1, "80.00", **line)],
            "shipping": "5.00",
            "payments": [{"method": "card", "amount": "85.00"}],
            "shipments": [
                {
                    "shipped_at": (ordered + timedelta(days=1)).isoformat(),
                    "estimated_delivery_latest": str((ordered + timedelta(days=4)).date()),
                }
            ],
        },
    )
    claim, _made = file_claim(lost, Filing("not_received", [ClaimedLine(lost.lines.get().pk, 1)], "Lost."))
    delivered = datetime.now(UTC) - timedelta(days=5)
    kept = _import(
        store,
        {
            "number": "#7002",
            "ordered_at": (delivered - timedelta(days=3)).isoformat(),
            "currency": "EUR",
            "customer": {"email": "buyer2@example.com", "country": "FR"},
            "lines": [delivered_line("Pull", 1, "60.00", **line)],
            "payments": [{"method": "card", "amount": "60.00"}],
            "shipments": [
                {
                    "shipped_at": (delivered - timedelta(days=2)).isoformat(),
                    "delivered_at": delivered.isoformat(),
                }
            ],
        },
    )
    ret = create_return(kept, [LineRequest(kept.lines.get().pk, 1, "defective", "damaged")])
    assert ret.state == "requested"
    seller = lost.lines.get().seller
    assert seller is not None
    accounts.add_member(seller, "nord@example.com", "nord@example.com", PASSWORD)
    return claim, ret


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_seller_signs_in_answers_a_claim_and_authorises_a_return(
    page: Page, language: str, seller_data: tuple[Claim, Return]
) -> None:
    claim, ret = seller_data
    words = WORDS[language]
    page.goto("/seller/")  # signed out: the seller sign-in
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.get_by_label(words["email"]).fill("nord@example.com")
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign in"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["overview"])
    assert_accessible(page)

    page.get_by_role("link", name=claim.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(claim.number)
    assert_accessible(page)
    page.get_by_label(words["tracking"]).fill("1Z999AA10123456784")
    page.get_by_label(words["message"]).fill("Sent by tracked post.")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".messages")).to_contain_text(words["sent"])
    assert_accessible(page)
    answered = Claim.objects.get(pk=claim.pk)
    assert (answered.state, answered.tracking_number) == ("seller_responded", "1Z999AA10123456784")

    page.get_by_role("navigation").get_by_role("link", name=words["returns"], exact=True).click()
    page.get_by_role("link", name=ret.number).click()
    assert_accessible(page)
    page.get_by_role("button", name=words["authorise"], exact=True).click()
    expect(page.locator(".messages")).to_contain_text(words["authorised"])
    assert_accessible(page)
    assert Return.objects.get(pk=ret.pk).state == "approved"
