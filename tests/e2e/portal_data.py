"""Test data and steps for the portal's browser tests.

The data is built as the integration tests build it (tests/integration/conftest.py: the marketplace-standard
policy, orders imported in Retour's JSON format, delivered five days ago), without loading that conftest:
an EU shopper per language, so the right of withdrawal covers both. The steps are what a shopper does on a
page (find the order, pick an item), in the words the page shows in either language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Locator, Page, expect

from factories import delivered_line
from retour.catalog.models import Store
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies


@dataclass(frozen=True)
class Shopper:
    number: str
    email: str
    first_name: str
    last_name: str
    country: str
    items: tuple[str, str]  # a jumper (2 bought, 60.00 each) and a scarf (1, 25.00)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# A French shopper in France, and an English-speaking one in Ireland: both in the EU.
SHOPPERS = {
    "fr": Shopper(
        "#1001", "camille.martin@example.fr", "Camille", "Martin", "FR", ("Pull en laine", "Écharpe")
    ),
    "en": Shopper("#2001", "aoife.byrne@example.ie", "Aoife", "Byrne", "IE", ("Wool jumper", "Scarf")),
}
DELIVERED_DAYS_AGO = 5


def load_policy(store: Store, *, photo_required: bool = False) -> None:
    """marketplace-standard; with ``photo_required``, a photo asked for every item returned under the right
    of withdrawal (as tests/integration/conftest.py's ``review_policy`` alters the template's text)."""
    text = policies.template_text("marketplace-standard")
    if photo_required:
        changed = text.replace(
            "      code: legal_withdrawal\n", "      code: legal_withdrawal\n      photo_required: true\n"
        )
        assert changed != text, "the template no longer has the withdrawal rule this alters"
        text = changed
    policies.load_policy(store, text)


def make_order(store: Store, language: str, **overrides: Any) -> Order:
    """The shopper's order (``SHOPPERS[language]``), delivered five days ago; any JSON field overridden."""
    shopper = SHOPPERS[language]
    delivered = datetime.now(UTC) - timedelta(days=DELIVERED_DAYS_AGO)
    jumper, scarf = shopper.items
    values: dict[str, Any] = {
        "number": shopper.number,
        "ordered_at": (delivered - timedelta(days=3)).isoformat(),
        "currency": "EUR",
        "language": language,
        "customer": {
            "email": shopper.email,
            "first_name": shopper.first_name,
            "last_name": shopper.last_name,
            "country": shopper.country,
            "language": language,
        },
        "shipping_country": shopper.country,
        "fulfillment_status": "fulfilled",
        "lines": [delivered_line(jumper, 2, "60.00"), delivered_line(scarf, 1, "25.00")],
        "payments": [{"method": "card", "amount": "145.00", "captured_at": delivered.isoformat()}],
        "shipments": [
            {"shipped_at": (delivered - timedelta(days=2)).isoformat(), "delivered_at": delivered.isoformat()}
        ],
    }
    values.update(overrides)
    report = import_orders(store, [json_orders.parse_one(values, 1)])
    assert report.ok, report.errors
    return Order.objects.get(store=store, number=values["number"])


# What the portal says in French, by what it says in English (the catalogue's words, written out here so a
# missing translation fails the French tests).
FRENCH = {
    "Return an item": "Retourner un article",
    "Order number": "Numéro de commande",
    "Email address or postal code": "Adresse e-mail ou code postal",
    "Find my order": "Trouver ma commande",
    "We could not find an order with these details. Check the order number and the email address or "
    "postal code, or ask for a link below.": "Nous n’avons pas trouvé de commande avec ces informations. "
    "Vérifiez le numéro de commande et l’adresse e-mail ou le code postal, ou demandez un lien ci-dessous.",
    "What would you like to return?": "Que souhaitez-vous retourner ?",
    "Return this item": "Retourner cet article",
    "Quantity": "Quantité",
    "Why are you returning it?": "Pourquoi le retournez-vous ?",
    "What condition is it in?": "Dans quel état est-il ?",
    "It doesn't fit": "La taille ne convient pas",
    "Unopened, in its packaging": "Non ouvert, dans son emballage",
    "Continue": "Continuer",
    "Choose at least one item to return.": "Choisissez au moins un article à retourner.",
    "Some answers are missing: see the items marked below.": "Il manque des réponses : voyez les articles "
    "signalés ci-dessous.",
    "Tell us why you are returning it.": "Dites-nous pourquoi vous le retournez.",
    "Tell us what condition it is in.": "Dites-nous dans quel état il est.",
    "What you get back": "Ce que vous récupérez",
    "Refund": "Remboursement",
    "Your refund": "Votre remboursement",
    "Refund to your original payment": "Remboursement sur votre moyen de paiement",
    "Return shipping, deducted": "Frais de retour, déduits",
    "Or as store credit": "Ou en avoir",
    "Expected": "Prévu",
    "Print a return label": "Imprimer une étiquette de retour",
    "Box-free drop-off with a QR code": "Dépôt sans carton avec un QR code",
    "Photos of the item (required)": "Photos de l’article (obligatoires)",
    "The store needs a photo of this item: add at least one.": "La boutique a besoin d’une photo de cet "
    "article : ajoutez-en au moins une.",
    "This file is not a photo: send a JPEG, PNG, GIF or WebP image.": "Ce fichier n’est pas une photo : "
    "envoyez une image JPEG, PNG, GIF ou WebP.",
    "Confirm return": "Confirmer le retour",
    "Your return is confirmed": "Votre retour est confirmé",
    "Download the label and packing slip (PDF)": "Télécharger l’étiquette et le bordereau (PDF)",
    "QR code of return %(number)s": "QR code du retour %(number)s",
    "History": "Historique",
    "You asked for this return.": "Vous avez demandé ce retour.",
    "The return was approved.": "Le retour a été accepté.",
    "Your return label was issued.": "Votre étiquette de retour a été émise.",
    "The return was cancelled.": "Le retour a été annulé.",
    "You withdrew from the contract.": "Vous vous êtes rétracté du contrat.",
    "Cancel this return": "Annuler ce retour",
    "Your return is cancelled. You can start a new one from your order.": "Votre retour est annulé. Vous "
    "pouvez en commencer un nouveau depuis votre commande.",
    "Cancelled": "Annulé",
    "Return %(number)s": "Retour %(number)s",
    "Back to order %(number)s": "Retour à la commande %(number)s",
    "Withdraw from contract here": "Se rétracter du contrat ici",
    "Withdraw from contract": "Se rétracter du contrat",
    "Confirm withdrawal": "Confirmer la rétractation",
    "Withdrawal received": "Rétractation reçue",
    "%(name)s, we received your withdrawal from the contract of order %(order)s on %(day)s at %(time)s.": (
        "%(name)s, nous avons reçu votre rétractation du contrat de la commande %(order)s le %(day)s à "
        "%(time)s."
    ),
    "Questions?": "Des questions ?",
    "Search the help center": "Chercher dans le centre d’aide",
    "Returns & refunds": "Retours et remboursements",
    "Language": "Langue",
    "Change": "Modifier",
}


def say(language: str, english: str, **values: str) -> str:
    """What the portal shows in ``language`` where it shows ``english`` in English."""
    text = english if language == "en" else FRENCH[english]
    return text % values if values else text


def exactly(text: str) -> re.Pattern[str]:
    """A pattern matching ``text`` whole, for accessible names that must not be mistaken for longer ones."""
    return re.compile(rf"^{re.escape(text)}$")


def look_up(page: Page, language: str, number: str, proof: str) -> None:
    """The first screen: the order number and the email address, then "Find my order"."""
    page.goto("/")
    # By role: the link form's "Order number", folded away in its <details>, is not in the way.
    page.get_by_role("textbox", name=say(language, "Order number")).fill(number)
    page.get_by_role("textbox", name=say(language, "Email address or postal code")).fill(proof)
    page.get_by_role("button", name=say(language, "Find my order")).click()


def find_order(page: Page, language: str, order: Order) -> None:
    """Look the order up as its shopper and land on its page."""
    look_up(page, language, order.number, SHOPPERS[language].email)
    expect(page).to_have_url(f"/orders/{order.pk}/")


def item(page: Page, title: str) -> Locator:
    """An item's group on the order page (its legend is the item's title, and its quantity when > 1)."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(title)}\b"))


def pick(page: Page, language: str, title: str, *, quantity: int | None = None) -> None:
    """Tick an item on the order page, and choose its quantity, reason ("it doesn't fit") and condition
    (unopened)."""
    group = item(page, title)
    group.get_by_label(say(language, "Return this item")).check()
    if quantity is not None:
        group.get_by_label(say(language, "Quantity")).select_option(str(quantity))
    group.get_by_label(say(language, "Why are you returning it?")).select_option(
        label=say(language, "It doesn't fit")
    )
    group.get_by_label(say(language, "What condition is it in?")).select_option(
        label=say(language, "Unopened, in its packaging")
    )
