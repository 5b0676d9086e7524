"""Repairs in a real browser, in English and French, axe-checked: the shopper picks repair in the portal
for a faulty item under the legal guarantee and follows it on the status page while the repair partner
records each step on the repairer's pages, to "delivered back" with the guarantee extended; an item found
unrepairable, refunded at the shopper's choice; a repair past the French 30 days, where the portal offers
a refund, which the shopper takes; an unrepairable item replaced from stock in a linked order; a paid repair
out of guarantee whose quote the shopper accepts (a double click: charged once on the card, through
Stripe's fake) or declines (the diagnosis fee charged once)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from e2e.portal_data import SHOPPERS, find_order, item, load_policy, make_order, say
from fakes.stripe_server import FakeStripe
from retour.catalog.models import StockMovement, Store, Variant
from retour.orders.models import Order
from retour.refunds.models import Charge
from retour.repairs.domain.states import REPAIRER, SHOPPER
from retour.repairs.models import Repair, Repairer, RepairRule, RepairSettings
from retour.repairs.services import steps
from retour.returns.models import ReturnLine
from retour.returns.services.creating import LineRequest, create_return

PASSWORD = "correct horse battery staple"
BOTH = pytest.mark.parametrize("language", ["en", "fr"])
WORDS = {
    "en": {
        "faulty": "It's faulty or doesn't work",
        "used": "Used",
        "details": "Anything to add? (optional)",
        "repair": "Repair",
        "label": "Print a return label",
        "confirm": "Confirm return",
        "repairs": "Repairs",
        "sent": "sent to the repairer",
        "next": "Next: received by the repairer, expected by",
        "deadline": "Under the legal guarantee the repair is free and must be done by",
        "delivered": "delivered back",
        "extended": "Its legal guarantee is extended until",
        "unrepairable": "cannot be repaired",
        "refund me": "Refund me",
        "refund chosen": "refund chosen",
        "late": "The repair is late: you may now ask for a refund or a price reduction instead.",
        "price reduction": "Keep it with a price reduction",
        "sign in": "Sign in",
        "save": "Save",
        "step": "Step",
        "note": "Diagnosis or note",
        "tracking": "Tracking number",
        "saved": "Saved: the shopper is told.",
    },
    "fr": {
        "faulty": "Il est défectueux ou ne fonctionne pas",
        "used": "Utilisé",
        "details": "Quelque chose à ajouter\u00a0? (facultatif)",
        "repair": "Réparation",
        "label": "Imprimer une étiquette de retour",
        "confirm": "Confirmer le retour",
        "repairs": "Réparations",
        "sent": "envoyée au réparateur",
        "next": "Prochaine étape\u00a0: reçue par le réparateur, prévue au plus tard le",
        "deadline": "Au titre de la garantie légale, la réparation est gratuite et doit être faite au "
        "plus tard le",
        "delivered": "livrée de retour",
        "extended": "Sa garantie légale est prolongée jusqu’au",
        "unrepairable": "irréparable",
        "refund me": "Remboursez-moi",
        "refund chosen": "remboursement choisi",
        "late": "La réparation est en retard\u00a0: vous pouvez maintenant demander à la place un "
        "remboursement ou une réduction du prix.",
        "price reduction": "Le garder avec une réduction du prix",
        "sign in": "Se connecter",
        "save": "Enregistrer",
        "step": "Étape",
        "note": "Diagnostic ou note",
        "tracking": "Numéro de suivi",
        "saved": "Enregistré\u00a0: le client est prévenu.",
    },
}
REPAIRER_STEPS = {
    "en": {
        "received": "received by the repairer",
        "diagnosed": "diagnosed",
        "repaired": "repaired",
        "shipped_back": "shipped back",
        "delivered": "delivered back",
        "unrepairable": "cannot be repaired",
    },
    "fr": {
        "received": "reçue par le réparateur",
        "diagnosed": "diagnostiquée",
        "repaired": "réparée",
        "shipped_back": "renvoyée",
        "delivered": "livrée de retour",
        "unrepairable": "irréparable",
    },
}


@pytest.fixture
def old_order(store: Store, language: str) -> Order:
    """Delivered in France 120 days ago (French law, whatever the shopper's language): past the store's 90
    days for faults, inside the legal guarantee."""
    load_policy(store)
    delivered = datetime.now(UTC) - timedelta(days=120)
    return make_order(
        store,
        language,
        ordered_at=(delivered - timedelta(days=3)).isoformat(),
        shipping_country="FR",
        shipments=[
            {"shipped_at": (delivered - timedelta(days=2)).isoformat(), "delivered_at": delivered.isoformat()}
        ],
    )


@pytest.fixture
def partner(store: Store) -> User:
    repairer = Repairer.objects.create(
        store=store,
        code="fixit",
        name="FixIt",
        kind=Repairer.Kind.PARTNER,
        address="9 quai des Répareurs, Lyon",
    )
    RepairRule.objects.create(store=store, repairer=repairer)  # every item goes to the partner
    user = User.objects.create_user("alice@fixit.example", "alice@fixit.example", PASSWORD)
    repairer.users.add(user)
    return user


def ask_for_repair(page: Page, language: str, order: Order) -> Repair:
    """In the portal: the faulty jumper, repair chosen, the label way back."""
    words = WORDS[language]
    find_order(page, language, order)
    group = item(page, SHOPPERS[language].items[0])
    group.get_by_label(say(language, "Return this item")).check()
    group.get_by_label(say(language, "Quantity")).select_option("1")
    group.get_by_label(say(language, "Why are you returning it?")).select_option(label=words["faulty"])
    group.get_by_label(say(language, "What condition is it in?")).select_option(label=words["used"])
    group.get_by_label(words["details"]).fill("Le zip est cassé")
    page.get_by_role("button", name=say(language, "Continue")).click()
    page.get_by_role("radio", name=re.compile(rf"^{words['repair']}")).check()
    page.get_by_role("radio", name=words["label"]).check()
    page.get_by_role("button", name=words["confirm"]).click()
    repair = Repair.objects.get()
    assert repair.description == "Le zip est cassé"
    return repair


def sign_in_repairer(page: Page, language: str) -> None:
    page.goto("/repairer/login/")
    page.locator("#id_username").fill("alice@fixit.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=WORDS[language]["sign in"]).click()


def record(page: Page, language: str, number: str, step: str, **fields: str) -> None:
    words = WORDS[language]
    page.goto(f"/repairer/repairs/{number}/")
    page.get_by_label(words["step"], exact=True).select_option(label=REPAIRER_STEPS[language][step])
    if "note" in fields:
        page.get_by_label(words["note"]).fill(fields["note"])
    if "tracking" in fields:
        page.get_by_label(words["tracking"], exact=True).fill(fields["tracking"])
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".messages")).to_contain_text(words["saved"])


@BOTH
def test_a_repair_asked_in_the_portal_goes_to_the_partner_and_is_delivered_back(
    transactional_db: None, page: Page, new_page, language: str, old_order: Order, partner: User
) -> None:
    words = WORDS[language]
    repair = ask_for_repair(page, language, old_order)
    assert (repair.state, repair.under_guarantee, repair.repairer.code) == ("approved", True, "fixit")
    steps.update(repair, "sent", role=SHOPPER, tracking="6A100")  # the label's first scan

    page.goto(f"/returns/{repair.ret.number}/")
    section = page.get_by_role("region", name=words["repairs"])
    expect(section).to_contain_text(words["sent"])
    expect(section).to_contain_text(words["next"])
    assert_accessible(page)
    section.get_by_role("link").click()
    expect(page).to_have_url(f"/repairs/{repair.number}/")
    expect(page.locator(".deadline")).to_contain_text(words["deadline"])
    expect(page.locator(".deadline")).to_contain_text("Code de la consommation L217-10")
    assert_accessible(page)

    workshop = new_page(language=language, viewport="desktop")
    sign_in_repairer(workshop, language)
    expect(workshop.get_by_role("link", name=repair.number)).to_be_visible()
    assert_accessible(workshop)
    record(workshop, language, repair.number, "received")
    record(workshop, language, repair.number, "diagnosed", note="Curseur du zip usé")
    record(workshop, language, repair.number, "repaired")
    record(workshop, language, repair.number, "shipped_back", tracking="6A999")
    record(workshop, language, repair.number, "delivered")
    assert_accessible(workshop)

    page.reload()
    expect(page.locator(".status")).to_contain_text(words["delivered"])
    expect(page.get_by_text(words["extended"])).to_be_visible()
    expect(page.get_by_text("6A999")).to_be_visible()
    assert_accessible(page)
    repair.refresh_from_db()
    assert repair.state == "delivered"
    assert hasattr(repair, "extension")


@BOTH
def test_an_unrepairable_item_is_refunded_at_the_shoppers_choice(
    transactional_db: None, page: Page, new_page, language: str, old_order: Order, partner: User
) -> None:
    words = WORDS[language]
    repair = ask_for_repair(page, language, old_order)
    steps.update(repair, "sent", role=SHOPPER)
    workshop = new_page(language=language, viewport="desktop")
    sign_in_repairer(workshop, language)
    record(workshop, language, repair.number, "received")
    record(workshop, language, repair.number, "unrepairable", note="Moteur grillé")

    page.goto(f"/repairs/{repair.number}/")
    expect(page.locator(".status")).to_contain_text(words["unrepairable"])
    expect(page.locator(".choices .note")).to_have_text("Moteur grillé")
    assert_accessible(page)
    page.get_by_role("button", name=words["refund me"]).click()
    expect(page.locator(".status")).to_contain_text(words["refund chosen"])
    assert_accessible(page)
    assert ReturnLine.objects.get(pk=repair.line_id).resolution == "refund"


@BOTH
def test_past_the_french_thirty_days_the_portal_offers_a_refund(
    transactional_db: None, page: Page, language: str, old_order: Order, partner: User
) -> None:
    words = WORDS[language]
    repair = ask_for_repair(page, language, old_order)
    steps.update(repair, "sent", role=SHOPPER)
    page.goto(f"/repairs/{repair.number}/")
    expect(page.get_by_role("button", name=words["refund me"])).to_have_count(0)

    # Thirty-one days after the request (the clock moved by the repair's deadline, as the days would).
    Repair.objects.filter(pk=repair.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    page.reload()
    expect(page.locator(".late")).to_have_text(words["late"])
    expect(page.get_by_role("button", name=words["price reduction"])).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=words["refund me"]).click()
    expect(page.locator(".status")).to_contain_text(words["refund chosen"])
    repair.refresh_from_db()
    assert repair.state == "refund_chosen"


@BOTH
def test_an_unrepairable_item_is_replaced_from_stock_in_a_linked_order(
    transactional_db: None, page: Page, new_page, language: str, old_order: Order, partner: User
) -> None:
    words = {
        "en": ("Send me a replacement", "Which one", "replacement order"),
        "fr": ("Envoyez-moi un remplacement", "Laquelle", "commande de remplacement"),
    }[language]
    line = old_order.lines.order_by("position").first()
    assert line is not None
    variant = Variant.objects.create(
        store=old_order.store,
        product_id=line.product_id,
        sku="PULL-M",
        title="M",
        price=Decimal("60.00"),
        stock=4,
    )
    line.variant = variant
    line.save(update_fields=["variant"])
    repair = ask_for_repair(page, language, old_order)
    steps.update(repair, "sent", role=SHOPPER)
    workshop = new_page(language=language, viewport="desktop")
    sign_in_repairer(workshop, language)
    record(workshop, language, repair.number, "received")
    record(workshop, language, repair.number, "unrepairable", note="Moteur grillé")

    page.goto(f"/repairs/{repair.number}/")
    expect(page.get_by_label(words[1])).to_have_value("PULL-M")
    assert_accessible(page)
    page.get_by_role("button", name=words[0]).click()
    repair.refresh_from_db()
    assert repair.replacement_order is not None
    expect(page.locator(".replacement")).to_contain_text(f"{words[2]} {repair.replacement_order.number}")
    assert_accessible(page)
    page.goto(f"/returns/{repair.ret.number}/")
    expect(page.locator(".repair-line .replacement")).to_contain_text(repair.replacement_order.number)
    variant.refresh_from_db()
    assert variant.stock == 3
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.quantity, movement.return_line_id) == (-1, repair.line_id)


PAID = {
    "en": {
        "accept": "Accept the quote",
        "decline": "Decline the quote",
        "accepted": "quote accepted",
        "declined": "quote declined",
        "quote": "Quote: €89.90.",
        "paid quote": "Paid: €89.90.",
        "paid fee": "Paid: €25.00.",
        "quote line": "repair quote accepted: €89.90 · collected",
        "fee line": "diagnosis fee of a declined quote: €25.00 · collected",
    },
    "fr": {
        "accept": "Accepter le devis",
        "decline": "Refuser le devis",
        "accepted": "devis accepté",
        "declined": "devis refusé",
        "quote": "Devis\u00a0: 89,90\u00a0€.",
        "paid quote": "Payé\u00a0: 89,90\u00a0€.",
        "paid fee": "Payé\u00a0: 25,00\u00a0€.",
        "quote line": "devis de réparation accepté\u00a0: 89,90\u00a0€ · encaissé",
        "fee line": "frais de diagnostic d’un devis refusé\u00a0: 25,00\u00a0€ · encaissé",
    },
}


@pytest.fixture
def stripe(fixtures_dir: Path, settings: Any) -> Iterator[FakeStripe]:
    """Stripe's fake, which the live server's card charges reach (the card of ``card_order``)."""
    fixture = json.loads((fixtures_dir / "stripe" / "refund.stripe-mock-fixtures3.json").read_text())
    server = FakeStripe(fixture).start()
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def quoted_out_of_guarantee(order: Order, partner: User) -> Repair:
    """A repair the legal guarantee does not cover, paid by card through Stripe, quoted by the partner."""
    order.payments.update(gateway="stripe", reference="ch_1PgafuB7WZ01zgkW")
    line = order.lines.order_by("position").first()
    assert line is not None
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "used", "repair", reason_text="Zip")])
    repair = Repair.objects.get(ret=ret)
    Repair.objects.filter(pk=repair.pk).update(under_guarantee=False)
    steps.update(repair, "sent", role=SHOPPER)
    steps.update(repair, "received", role=REPAIRER)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Curseur cassé par une chute")
    RepairSettings.objects.update_or_create(
        store_id=repair.store_id, defaults={"diagnosis_fee": Decimal("25")}
    )
    return steps.update(repair, "quoted", role=REPAIRER, amount="89.90")


@BOTH
def test_an_accepted_quote_is_charged_once_and_shown_paid(
    transactional_db: None, page: Page, language: str, old_order: Order, partner: User, stripe: FakeStripe
) -> None:
    words = PAID[language]
    repair = quoted_out_of_guarantee(old_order, partner)
    find_order(page, language, old_order)
    page.goto(f"/repairs/{repair.number}/")
    expect(page.locator(".payment .quote")).to_have_text(words["quote"])
    assert_accessible(page)
    page.get_by_role("button", name=words["accept"]).dblclick()  # a double click

    expect(page.locator(".status")).to_contain_text(words["accepted"])
    expect(page.locator(".payment .charged")).to_have_text(words["paid quote"])
    expect(page.locator(".payment .charge")).to_have_text(words["quote line"])
    assert_accessible(page)
    assert stripe.charges_made == 1
    assert list(Charge.objects.filter(repair=repair).values_list("reason", "status")) == [
        ("repair_quote", "succeeded")
    ]


@pytest.mark.parametrize("language", ["fr"])
def test_a_declined_quote_charges_the_diagnosis_fee_once(
    transactional_db: None, page: Page, language: str, old_order: Order, partner: User, stripe: FakeStripe
) -> None:
    words = PAID[language]
    repair = quoted_out_of_guarantee(old_order, partner)
    find_order(page, language, old_order)
    page.goto(f"/repairs/{repair.number}/")
    page.get_by_role("button", name=words["decline"]).click()

    expect(page.locator(".status")).to_contain_text(words["declined"])
    expect(page.locator(".payment .charged")).to_have_text(words["paid fee"])
    expect(page.locator(".payment .charge")).to_have_text(words["fee line"])
    assert_accessible(page)
    page.reload()
    expect(page.get_by_role("button", name=words["accept"])).to_have_count(0)
    assert stripe.charges_made == 1
    assert list(Charge.objects.filter(repair=repair).values_list("reason", "amount")) == [
        ("diagnosis_fee", Decimal("25.00"))
    ]
