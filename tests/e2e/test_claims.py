"""The marketplace guarantee in a real browser, in English and in French: a buyer whose vase never came sees
on their order that they can claim, files the claim on one screen and follows it; staff decide it in the
back office with a reason the buyer then reads; the payout is sent. axe-core checks every page on the way,
and the refunds ledger is balanced at each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.conftest import NewPage
from e2e.harness import assert_accessible
from e2e.portal_data import find_order, load_policy, make_order
from factories import delivered_line
from retour.catalog.models import Store
from retour.claims.models import Claim
from retour.claims.services.money import settle_payouts
from retour.core.aggregates import AmountSum
from retour.orders.models import Order
from retour.refunds.models import LedgerEntry
from retour.refunds.services.paying import confirm_manual

BOTH = pytest.mark.parametrize("language", ["en", "fr"])
PASSWORD = "correct horse battery staple"
# The buyer's and the staff's words in each language (the catalogue's, written out so that a missing
# translation fails the French run).
WORDS = {
    "en": {
        "guarantee": "Marketplace Guarantee",
        "file": "File a Marketplace Guarantee claim",
        "never": "My item never arrived",
        "tell": "Tell us what happened",
        "send": "File the claim",
        "filed": "Your claim is filed",
        "until": "The seller has until",
        "grant": "Grant: pay the buyer",
        "reason": "Reason, for the buyer",
        "record": "Record the decision",
        "login": "Log in",
        "granted": "Granted",
        "on its way": "€85.00 · on its way",
        "sent": "€85.00 · sent",
        "message": "The parcel never came.",
        "note": "The tracking stops at the depot: we pay you back.",
    },
    "fr": {
        "guarantee": "Garantie Marketplace",
        "file": "Déposer une réclamation Garantie Marketplace",
        "never": "Mon article n’est jamais arrivé",
        "tell": "Racontez-nous ce qui s’est passé",
        "send": "Déposer la réclamation",
        "filed": "Votre réclamation est déposée",
        "until": "Le vendeur a jusqu’au",
        "grant": "Accepter\u00a0: payer l’acheteur",
        "reason": "Motif, pour l’acheteur",
        "record": "Enregistrer la décision",
        "login": "Connexion",
        "granted": "Acceptée",
        "on its way": "85,00\u00a0€ · en route",
        "sent": "85,00\u00a0€ · envoyé",
        "message": "Le colis n’est jamais arrivé.",
        "note": "Le suivi s’arrête au dépôt : nous vous remboursons.",
    },
}


def balanced() -> bool:
    totals = LedgerEntry.objects.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    return (totals["debit"] or 0) == (totals["credit"] or 0)


def never_delivered(store: Store, language: str) -> Order:
    """A vase (80.00 + 5.00 delivery) from the marketplace seller Atelier Nord, ordered ten days ago, due
    six days ago, never delivered."""
    ordered = datetime.now(UTC) - timedelta(days=10)
    return make_order(
        store,
        language,
        ordered_at=ordered.isoformat(),
        lines=[delivered_line("Vase", 1, "80.00", seller="atelier-nord", seller_name="Atelier Nord")],
        shipping="5.00",
        payments=[{"method": "card", "amount": "85.00", "captured_at": ordered.isoformat()}],
        shipments=[
            {
                "shipped_at": (ordered + timedelta(days=1)).isoformat(),
                "estimated_delivery_latest": str((ordered + timedelta(days=4)).date()),
            }
        ],
    )


@BOTH
def test_a_buyer_files_a_claim_follows_it_and_staff_decide_it(
    store: Store, language: str, page: Page, new_page: NewPage
) -> None:
    load_policy(store)
    order = never_delivered(store, language)
    words = WORDS[language]

    find_order(page, language, order)
    expect(page.get_by_role("heading", name=words["guarantee"], exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=words["file"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["file"])
    assert_accessible(page)
    page.get_by_label(words["never"]).check()
    page.get_by_label(words["tell"]).fill(words["message"])
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["filed"])
    expect(page.locator(".deadline")).to_contain_text(words["until"])
    assert_accessible(page)
    claim = Claim.objects.get(order=order)
    assert (claim.state, claim.language, claim.message) == ("awaiting_seller", language, words["message"])
    claim_url = page.url.split("?")[0]
    assert balanced()

    User.objects.create_superuser("claims-staff", "staff@example.com", PASSWORD)
    staff = new_page(viewport="desktop")
    staff.goto("/admin/login/")
    staff.locator("#id_username").fill("claims-staff")
    staff.locator("#id_password").fill(PASSWORD)
    staff.get_by_role("button", name=words["login"]).click()
    staff.goto(f"/admin/claims/claim/{claim.pk}/change/")
    expect(
        staff.locator(".evidence").get_by_text(words["message"])
    ).to_be_visible()  # the buyer's side of the evidence
    assert_accessible(staff, ".claim-work")  # the evidence and the decision; the admin's frame is Django's
    staff.get_by_label(words["grant"]).check()
    staff.get_by_label(words["reason"]).fill(words["note"])
    staff.get_by_role("button", name=words["record"]).click()
    expect(staff.locator(".messagelist")).to_contain_text(claim.number)
    claim.refresh_from_db()
    assert claim.state == "granted"
    assert balanced()

    page.goto(claim_url)
    expect(page.locator(".decision")).to_contain_text(words["granted"])
    expect(page.locator(".decision")).to_contain_text(words["note"])
    expect(page.locator(".amount")).to_have_text(words["on its way"])
    assert_accessible(page)

    for refund in claim.payout_request.refunds.all():  # staff pay it by hand; the worker's job settles it
        confirm_manual(refund, actor=None)
    settle_payouts()
    assert balanced()
    page.reload()
    expect(page.locator(".amount")).to_have_text(words["sent"])
