"""The shopper's email for a step of their repair, in the order's language, as text and HTML, sent through
notifications' mailer by the worker (one row per event: sending twice sends once)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from retour.core.money import Money
from retour.notifications.emails import LOCALES, Email, language_of, recipient
from retour.repairs.domain import clock
from retour.repairs.models import Repair, RepairEvent, RepairNotification
from retour.repairs.services.timeline import deadline_of

# kind -> (subject, what happened, what happens next). ``%(number)s`` is the repair's number.
MESSAGES: dict[str, tuple[Any, Any, Any]] = {
    "requested": (
        _("We received your repair request %(number)s"),
        _("Your request to have the item repaired has been received."),
        _("It must be back in working order by %(due)s."),
    ),
    "approved": (
        _("Your repair %(number)s is approved"),
        _("Good news: your repair is approved. The item goes to %(repairer)s."),
        _("Send the item with your return number; it must be back in working order by %(due)s."),
    ),
    "received": (
        _("The repairer received your item (%(number)s)"),
        _("The repairer has your item."),
        _("They look at it and tell us what they find; expect news by %(expected)s."),
    ),
    "diagnosed": (
        _("Your item has been diagnosed (%(number)s)"),
        _("The repairer found: %(diagnosis)s"),
        _("The repair follows; expected by %(expected)s."),
    ),
    "quoted": (
        _("A quote for your repair %(number)s"),
        _("This repair is not covered by the legal guarantee: it costs %(quote)s."),
        _("Accept or decline the quote on your repair's page."),
    ),
    "quote_accepted": (
        _("You accepted the quote for your repair %(number)s"),
        _("You accepted the quote: %(due)s is due for the repair, charged as you paid for the order."),
        _("The repair follows; expected by %(expected)s."),
    ),
    "quote_declined": (
        _("You declined the quote for your repair %(number)s"),
        _("You declined the quote: the item is sent back to you unrepaired. Diagnosis fee: %(fee)s."),
        _("It is sent back to you next; expected by %(expected)s."),
    ),
    "charge_succeeded": (
        _("Payment received for your repair %(number)s"),
        _("We received your payment of %(charged)s for your repair."),
        _("You can follow your repair on its page."),
    ),
    "charge_failed": (
        _("The payment for your repair %(number)s failed"),
        _("We could not collect %(charged)s for your repair."),
        _("Pay again on your repair's page."),
    ),
    "repaired": (
        _("Your item is repaired (%(number)s)"),
        _("Your item has been repaired."),
        _("It is sent back to you next; expected by %(expected)s."),
    ),
    "shipped_back": (
        _("Your repaired item is on its way (%(number)s)"),
        _("Your item is on its way back to you, tracking number %(tracking)s."),
        _("Expected by %(expected)s."),
    ),
    "delivered": (
        _("Your repaired item was delivered (%(number)s)"),
        _("Your repaired item has been delivered."),
        _("Its legal guarantee is extended as the law provides."),
    ),
    "unrepairable": (
        _("Your item cannot be repaired (%(number)s)"),
        _("The repairer found that the item cannot be repaired: %(diagnosis)s"),
        _("Choose a replacement or a refund on your repair's page."),
    ),
    "refund_chosen": (
        _("You chose a refund instead of the repair (%(number)s)"),
        _("You chose to be refunded instead of having the item repaired."),
        _("Your refund follows with your return."),
    ),
    "replacement_chosen": (
        _("You chose a replacement (%(number)s)"),
        _("You chose a replacement instead of the repair."),
        _("We send you the same item again."),
    ),
    "price_reduction_chosen": (
        _("You chose a price reduction (%(number)s)"),
        _("You chose to keep the item with a price reduction."),
        _("The reduction is refunded with your return."),
    ),
}


def _day(value: date | None, language: str) -> str:
    return format_date(value, "long", locale=LOCALES[language]) if value else ""


def _money(amount: Any, currency: str, locale: str) -> str:
    return Money(Decimal(str(amount or 0)), currency).rounded().format(locale)


def queue(event: RepairEvent) -> RepairNotification | None:
    """The notification for ``event``, made once, its sending queued for the worker after the commit."""
    if event.kind not in MESSAGES:
        return None
    repair = event.repair
    to = recipient(repair.ret)
    if not to:
        return None
    try:
        with transaction.atomic():
            row = RepairNotification.objects.create(
                repair=repair, event=event, to=to, language=language_of(repair.ret)
            )
    except IntegrityError:
        return RepairNotification.objects.get(event=event)
    from retour.repairs.tasks import send_repair_email  # the task renders with this module

    send_repair_email.enqueue(row.pk)
    return row


def render(event: RepairEvent) -> Email:
    repair: Repair = event.repair
    language = language_of(repair.ret)
    subject, headline, next_step = MESSAGES[event.kind]
    nxt = clock.expected_next(event.to_state or repair.state, event.at.date(), deadline_of(repair))
    with translation.override(language):
        quote = repair.quote
        locale = LOCALES[language]
        values = {
            "number": repair.number,
            "due": _day(repair.due_on, language),
            "expected": _day(nxt[1] if nxt else repair.due_on, language),
            "repairer": repair.repairer.name if repair.repairer is not None else repair.store.name,
            "diagnosis": repair.diagnosis,
            "quote": quote.rounded().format(LOCALES[language]) if isinstance(quote, Money) else "",
            "tracking": repair.tracking_back,
            "charged": _money(event.data.get("amount"), repair.currency, locale),
        }
        if event.kind == "quote_accepted":  # what the answer made due, not the repair's deadline
            values["due"] = _money(event.data.get("due"), repair.currency, locale)
        values["fee"] = _money(event.data.get("fee"), repair.currency, locale)
        context = {
            "repair": repair,
            "headline": str(headline) % values,
            "next_step": str(next_step) % values,
            "store": repair.store,
            "item": repair.line.order_line.title,
            "language": language,
        }
        text = render_to_string("emails/repair_update.txt", context)
        html = render_to_string("emails/repair_update.html", context)
        return Email(recipient(repair.ret), str(subject) % values, text, html, language)
