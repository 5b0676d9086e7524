"""The buyer's email for a step of their guarantee claim, in the order's language, as text and HTML."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from retour.claims import queries
from retour.claims.models import Claim, ClaimEvent
from retour.claims.wording import reason_text
from retour.core.money import Money
from retour.notifications.emails import LOCALES, Email

# kind -> (subject, what happened, what happens next). ``%(number)s`` is the claim's number.
BUYER: dict[str, tuple[Any, Any, Any]] = {
    "filed": (
        _("We received your guarantee claim %(number)s"),
        _("Your guarantee claim about order %(order)s has been filed."),
        _(
            "The seller has until %(respond_by)s to answer. If they do not, the marketplace grants your "
            "claim."
        ),
    ),
    "seller_responded": (
        _("The seller answered your claim %(number)s"),
        _("The seller sent their answer and evidence."),
        _("The marketplace now looks at both sides and decides; we write to you with the decision."),
    ),
    "seller_refunded": (
        _("The seller refunded you: claim %(number)s is closed"),
        _("The seller refunded you %(amount)s in full."),
        _("Your claim is closed. The money should reach you by %(expected_by)s, depending on your bank."),
    ),
    "granted": (
        _("Your claim %(number)s is granted"),
        _("Good news: the marketplace grants your claim and pays you %(amount)s."),
        _("The money should reach you by %(expected_by)s, depending on your bank."),
    ),
    "denied": (
        _("About your claim %(number)s"),
        _("The marketplace declined your claim."),
        _("You may appeal this decision within 30 days, from your claim's page."),
    ),
    "paid": (
        _("Your payout for claim %(number)s has been sent"),
        _("We sent you %(amount)s for your claim."),
        _("It should reach you by %(expected_by)s at the latest, depending on your bank."),
    ),
    "appealed": (
        _("We received the appeal on claim %(number)s"),
        _("An appeal against the decision on your claim has been received."),
        _("Staff look at the claim again and write to you with their decision."),
    ),
    "appeal_upheld": (
        _("The appeal on claim %(number)s is decided"),
        _("After the appeal, the decision on your claim stands."),
        _("This decision is final."),
    ),
    "appeal_reversed": (
        _("The appeal on claim %(number)s is decided"),
        _("After the appeal, the decision on your claim is reversed."),
        _("This decision is final."),
    ),
}


def buyer_address(claim: Claim) -> str:
    order = claim.order
    return order.email or (order.customer.email if order.customer is not None else "")


def language_of(claim: Claim) -> str:
    """The order's language (the buyer's when they filed in the portal), else the store's first."""
    order = claim.order
    lang = (claim.language or order.language or claim.store.languages.split(",")[0] or "en")[:2]
    return lang if lang in LOCALES else "en"


def buyer_message(event: ClaimEvent) -> str | None:
    """The ``BUYER`` entry of the email ``event`` sends the buyer, or None when it sends none."""
    return event.kind if event.kind in BUYER else None


def _day(value: Any, language: str) -> str:
    return format_date(value, "long", locale=LOCALES[language]) if value else ""


def render_buyer(event: ClaimEvent) -> Email:
    claim = event.claim
    language = language_of(claim)
    subject_text, headline, next_step = BUYER[event.kind]
    zone = claim.store.zone
    with translation.override(language):
        amount = event.data.get("amount") or event.data.get("payout") or claim.payout
        expected = queries.payout_expected(claim)
        values = {
            "number": claim.number,
            "order": claim.order.number,
            "amount": Money(Decimal(amount), claim.currency).format(LOCALES[language]) if amount else "",
            "respond_by": format_datetime(
                claim.respond_by.astimezone(zone), "long", tzinfo=zone, locale=LOCALES[language]
            ),
            "expected_by": _day(expected.latest if expected else None, language),
        }
        decided = event.kind in ("granted", "denied", "appeal_upheld", "appeal_reversed")
        context = {
            "claim": claim,
            "headline": str(headline) % values,
            "next_step": str(next_step) % values,
            "reason": reason_text(claim.decision_reason) if decided and claim.decision_reason else "",
            "note": claim.decision_note if decided else "",
            "seller_message": claim.response_message if event.kind == "seller_responded" else "",
            "items": list(claim.lines.select_related("order_line")),
            "store": claim.store,
            "language": language,
        }
        subject = str(subject_text) % values
        text = render_to_string("emails/claim_update.txt", context)
        html = render_to_string("emails/claim_update.html", context)
    return Email(buyer_address(claim), subject, text, html, language)
