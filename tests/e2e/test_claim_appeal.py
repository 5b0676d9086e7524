"""A seller-funded guarantee claim from filing to a reversed appeal in a real browser, in English and in
French: the buyer files it, staff grant it in the back office, the payout is sent; the seller signs in to
the seller portal, reads what it owes on its money page, and appeals; staff reverse the decision on appeal,
and the seller's money page shows the charge given back. axe-core checks every page on the way, and the
ledger is balanced after each step.

The marketplace withholds the amount from the seller's next payout with ``retour sellers recover`` (the
operator's command, also ``POST /api/v1/sellers/{code}/recoveries``): the seller's money page shows it
recovered, and after the reversal the marketplace owes the seller that amount back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from e2e.conftest import NewPage
from e2e.harness import assert_accessible
from e2e.portal_data import find_order, load_policy
from e2e.test_claims import WORDS as BUYER_WORDS
from e2e.test_claims import balanced, never_delivered
from retour.catalog.models import Store
from retour.claims.models import Claim
from retour.claims.services.money import settle_payouts
from retour.refunds.services.paying import confirm_manual
from retour.sellers.services import accounts

STAFF_PASSWORD = "correct horse battery staple"
SELLER_PASSWORD = "seller-appeal-Pa55"
# The seller's and the staff's words in each language (written out: a missing translation fails French).
WORDS = {
    "en": {
        "email": "Your email address",
        "password": "Password",
        "sign in": "Sign in",
        "overview": "Overview",
        "claims": "Claims",
        "money": "Your money",
        "owed title": "What you owe the marketplace",
        "nothing": "Nothing charged to you yet.",
        "charged": "Charged for a claim or a return",
        "given back": "Given back after an appeal",
        "recovered": "Recovered from a payout",
        "owed": "€85.00",
        "owed back": "-€85.00",
        "zero": "€0.00",
        "granted": "The marketplace granted the claim",
        "charged to you": "€85.00 is charged to you and recovered from your next payouts.",
        "appeal title": "Appeal this decision",
        "why": "Why the decision is wrong",
        "send appeal": "Send my appeal",
        "appeal sent": "Your appeal was sent: the marketplace decides it.",
        "grounds": "The carrier lost the parcel after the depot scan: its insurance covers it, not us.",
        "decide appeal": "Decide the appeal",
        "deny": "Deny",
        "reason": "Reason, for the buyer",
        "record": "Record the decision",
        "reversal note": "The carrier's loss: the marketplace bears it, you keep your refund.",
        "reversed": "The decision was reversed.",
    },
    "fr": {
        "email": "Votre adresse e-mail",
        "password": "Mot de passe",
        "sign in": "Se connecter",
        "overview": "Vue d’ensemble",
        "claims": "Réclamations",
        "money": "Votre argent",
        "owed title": "Ce que vous devez à la place de marché",
        "nothing": "Rien ne vous a encore été imputé.",
        "charged": "Imputé pour une réclamation ou un retour",
        "given back": "Rendu après un appel",
        "recovered": "Retenu sur un versement",
        "owed": "85,00\u00a0€",
        "owed back": "-85,00\u00a0€",
        "zero": "0,00\u00a0€",
        "granted": "La place de marché a accordé la réclamation",
        "charged to you": "85,00\u00a0€ vous est imputé et retenu sur vos prochains versements.",
        "appeal title": "Faire appel de cette décision",
        "why": "Pourquoi la décision est erronée",
        "send appeal": "Envoyer mon appel",
        "appeal sent": "Votre appel est envoyé\u00a0: la place de marché le tranche.",
        "grounds": "Le transporteur a perdu le colis au dépôt\u00a0: son assurance le couvre, pas nous.",
        "decide appeal": "Trancher l’appel",
        "deny": "Refuser",
        "reason": "Motif, pour l’acheteur",
        "record": "Enregistrer la décision",
        "reversal note": "La perte vient du transporteur\u00a0: la place de marché la prend à sa charge.",
        "reversed": "La décision a été infirmée.",
    },
}


def staff_decides(staff: Page, claim: Claim, outcome: str, note: str, record: str) -> None:
    """On the claim's back-office page: pick the outcome, give the buyer's reason, record it."""
    staff.goto(f"/admin/claims/claim/{claim.pk}/change/")
    assert_accessible(staff, ".claim-work")  # the evidence and the decision; the admin's frame is Django's
    staff.locator("form.decide").get_by_label(outcome, exact=True).check()
    staff.locator("form.decide").get_by_label(note[0]).fill(note[1])
    staff.get_by_role("button", name=record).click()
    expect(staff.locator(".messagelist")).to_contain_text(claim.number)


def money_rows(page: Page) -> list[list[str]]:
    """The seller's movements as (what, amount), newest first, as the money page shows them."""
    rows = page.locator("#moves-title + table tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()[1:]]
        for i in range(rows.count())
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_seller_funded_claim_is_paid_charged_to_the_seller_and_reversed_on_the_sellers_appeal(
    store: Store, language: str, page: Page, new_page: NewPage
) -> None:
    load_policy(store)
    order = never_delivered(store, language)
    buyer_words, words = BUYER_WORDS[language], WORDS[language]
    seller = order.lines.get().seller
    assert seller is not None
    accounts.add_member(seller, "nord@example.com", "nord@example.com", SELLER_PASSWORD, language=language)
    User.objects.create_superuser("claims-staff", "staff@example.com", STAFF_PASSWORD)

    # The buyer files the claim from the order's page.
    find_order(page, language, order)
    page.get_by_role("link", name=buyer_words["file"]).click()
    assert_accessible(page)
    page.get_by_label(buyer_words["never"]).check()
    page.get_by_label(buyer_words["tell"]).fill(buyer_words["message"])
    page.get_by_role("button", name=buyer_words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(buyer_words["filed"])
    assert_accessible(page)
    claim = Claim.objects.get(order=order)
    assert claim.state == "awaiting_seller"
    claim_url = page.url.split("?")[0]
    assert balanced()

    # The seller signs in: nothing is charged to it yet.
    seller_page = new_page()
    seller_page.goto("/seller/")
    expect(seller_page.locator("html")).to_have_attribute("lang", language)
    seller_page.get_by_label(words["email"]).fill("nord@example.com")
    seller_page.get_by_label(words["password"]).fill(SELLER_PASSWORD)
    seller_page.get_by_role("button", name=words["sign in"]).click()
    expect(seller_page.get_by_role("heading", level=1)).to_have_text(words["overview"])
    seller_nav = seller_page.get_by_role("navigation")
    seller_nav.get_by_role("link", name=words["money"], exact=True).click()
    expect(seller_page.get_by_role("heading", level=1)).to_have_text(words["money"])
    owed = seller_page.locator("section[aria-labelledby=owed-title] li")
    expect(owed).to_have_text([words["zero"]])
    expect(seller_page.get_by_text(words["nothing"])).to_be_visible()
    assert_accessible(seller_page)

    # Staff grant it in the back office: the buyer's payout, charged to the seller.
    staff = new_page(viewport="desktop")
    staff.goto("/admin/login/")
    staff.locator("#id_username").fill("claims-staff")
    staff.locator("#id_password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name=buyer_words["login"]).click()
    staff_decides(
        staff,
        claim,
        buyer_words["grant"],
        (buyer_words["reason"], buyer_words["note"]),
        buyer_words["record"],
    )
    claim.refresh_from_db()
    assert (claim.state, claim.funded_by, claim.payout) == ("granted", "seller", Decimal("85.00"))
    assert balanced()

    # The payout is paid by hand and the worker's job settles it; the buyer reads it was sent.
    for refund in claim.payout_request.refunds.all():
        confirm_manual(refund, actor=None)
    settle_payouts()
    claim.refresh_from_db()
    assert claim.state == "paid"
    assert balanced()
    page.goto(claim_url)
    expect(page.locator(".amount")).to_have_text(buyer_words["sent"])
    assert_accessible(page)

    # The seller's money page: the payout is owed to the marketplace (the seller's receivable).
    seller_page.reload()
    expect(owed).to_have_text([words["owed"]])
    assert money_rows(seller_page) == [[words["charged"], words["owed"]]]
    assert_accessible(seller_page)

    # The marketplace withholds it from the seller's next payout: the seller owes nothing more.
    call_command(
        "sellers", "recover", "--seller", claim.seller.code, "--amount", "85.00", "--reference", "PO-1"
    )
    assert balanced()
    seller_page.reload()
    expect(owed).to_have_text([words["zero"]])
    assert money_rows(seller_page) == [
        [words["recovered"], words["owed back"]],
        [words["charged"], words["owed"]],
    ]

    # The seller reads the decision on the claim and appeals it.
    seller_nav.get_by_role("link", name=words["claims"], exact=True).click()
    seller_page.get_by_role("link", name=claim.number).click()
    expect(seller_page.get_by_role("heading", level=1)).to_contain_text(claim.number)
    expect(seller_page.get_by_text(words["granted"])).to_be_visible()
    expect(seller_page.get_by_text(words["charged to you"])).to_be_visible()
    expect(seller_page.get_by_role("heading", name=words["appeal title"])).to_be_visible()
    assert_accessible(seller_page)
    seller_page.get_by_label(words["why"]).fill(words["grounds"])
    seller_page.get_by_role("button", name=words["send appeal"]).click()
    expect(seller_page.locator(".messages")).to_contain_text(words["appeal sent"])
    expect(seller_page.get_by_role("button", name=words["send appeal"])).to_have_count(0)  # once only
    assert_accessible(seller_page)
    claim.refresh_from_db()
    assert (claim.state, claim.appealed_by, claim.appeal_reason) == ("appealed", "seller", words["grounds"])
    assert balanced()

    # Staff read the seller's grounds next to the buyer's and reverse the decision on appeal.
    staff.goto(f"/admin/claims/claim/{claim.pk}/change/")
    expect(staff.locator(".evidence").get_by_text(words["grounds"])).to_be_visible()
    expect(staff.locator("form.decide h2")).to_have_text(words["decide appeal"])
    staff_decides(staff, claim, words["deny"], (words["reason"], words["reversal note"]), words["record"])
    claim.refresh_from_db()
    assert (claim.state, claim.appeal_outcome, claim.funded_by) == ("denied", "reversed", "marketplace")
    assert balanced()

    # The seller's claim says so, and its money page shows the charge given back: the marketplace now owes
    # the seller what it withheld.
    seller_page.reload()
    expect(seller_page.get_by_text(words["reversed"])).to_be_visible()
    assert_accessible(seller_page)
    seller_nav.get_by_role("link", name=words["money"], exact=True).click()
    expect(seller_page.get_by_role("heading", level=1)).to_have_text(words["money"])
    expect(owed).to_have_text([words["owed back"]])
    assert money_rows(seller_page) == [
        [words["given back"], words["owed back"]],
        [words["recovered"], words["owed back"]],
        [words["charged"], words["owed"]],
    ]
    assert_accessible(seller_page)
    assert balanced()
