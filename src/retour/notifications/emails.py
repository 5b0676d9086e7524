"""The shopper's email for a timeline event, in the shopper's language, as text and HTML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email import encoders
from email.mime.base import MIMEBase
from typing import Any

from babel.dates import format_date, format_datetime
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from retour.catalog.models import Store
from retour.core.money import Money
from retour.logistics import codes
from retour.logistics.services import has_label, packing_slip, postage_paid, printed_label
from retour.returns.models import Return, ReturnEvent, ReturnLine
from retour.returns.services import handling

LOCALES = {"fr": "fr_FR", "en": "en_GB"}

# kind -> (subject, what happened, what happens next). ``%(number)s`` is the return's number.
MESSAGES: dict[str, tuple[Any, Any, Any]] = {
    "requested": (
        _("We received your return request %(number)s"),
        _("Your return request has been received."),
        _("We are checking it and will write to you as soon as it is approved."),
    ),
    "approved": (
        _("Your return %(number)s is approved"),
        _("Good news: your return is approved."),
        _("Pack the items and send them back within %(expiry_days)s days; your return number is %(number)s."),
    ),
    "approved_drop_off": (
        _("Your return %(number)s is approved"),
        _("Good news: your return is approved."),
        _(
            "Take the items to a drop-off point within %(expiry_days)s days; "
            "your return number is %(number)s."
        ),
    ),
    "rejected": (
        _("About your return request %(number)s"),
        _("We cannot accept this return."),
        _("Reason: %(reason)s"),
    ),
    "label_issued": (
        _("Your return label for %(number)s"),
        _("Your return label is ready."),
        _(
            "Print it, stick it on the parcel and drop it off by %(ship_by)s. Postage is not included: "
            "you pay it when you drop the parcel off."
        ),
    ),
    "label_issued_paid": (
        _("Your postage-paid return label for %(number)s"),
        _("Your return label is ready, postage paid by the store."),
        _(
            "Print the carrier's label, stick it on the parcel, put the packing slip inside and drop it "
            "off by %(ship_by)s: there is nothing to pay."
        ),
    ),
    "in_transit": (
        _("Your return %(number)s is on its way"),
        _("The carrier has your parcel: it is on its way to us."),
        _("We will write to you when it reaches our warehouse."),
    ),
    "delivered": (
        _("Your parcel %(number)s reached our warehouse"),
        _("The carrier delivered your parcel to our warehouse."),
        _("We will check the items and then refund you."),
    ),
    "received": (
        _("We received your parcel %(number)s"),
        _("Your parcel has arrived at our warehouse."),
        _("We will inspect the items and then refund you."),
    ),
    "inspected": (
        _("Your return %(number)s has been inspected"),
        _("We have inspected the items you sent back."),
        _("Below is what we found for each item; your refund or exchange follows."),
    ),
    "refunded": (
        _("Your refund for %(number)s"),
        _("Your refund of %(amount)s is on its way."),
        _("It should reach you by %(expected_by)s at the latest, depending on your bank."),
    ),
    "exchange": (
        _("Your exchange for %(number)s is on its way"),
        _("We are sending you the new item (order %(order)s)."),
        _("You will receive the tracking details when it ships."),
    ),
    "replacement": (
        _("Your replacement for %(number)s is on its way"),
        _("We are sending you a replacement (order %(order)s)."),
        _("You will receive the tracking details when it ships."),
    ),
    "cancelled": (
        _("Your return %(number)s is cancelled"),
        _("Your return has been cancelled."),
        _("If this is a mistake, you can start a new return from your order."),
    ),
    "expired": (
        _("Your return %(number)s has expired"),
        _("We did not receive your parcel in time, so this return has expired."),
        _("You can start a new return if the item is still within the return period."),
    ),
    "reminder": (
        _("Reminder: send back your return %(number)s"),
        _("Your return is approved but we have not seen the parcel yet."),
        _("Please send it within %(days_left)s days, or the return will expire."),
    ),
    # Resolved: one entry per outcome (refunds already had their own email when the money was sent).
    "resolved_repaired": (
        _("Your item from return %(number)s has been repaired"),
        _("We have repaired your item and are sending it back to you."),
        _("You will receive the tracking details when it ships."),
    ),
    "resolved_exchanged": (
        _("Your exchange %(number)s is complete"),
        _("We have received the item you sent back, and your exchange is complete."),
        _("Nothing more is needed from you. Thank you!"),
    ),
    "resolved_replaced": (
        _("Your replacement %(number)s is complete"),
        _("We have received the item you sent back, and your replacement is complete."),
        _("Nothing more is needed from you. Thank you!"),
    ),
    "resolved_kept": (
        _("Your return %(number)s is complete"),
        _("Your refund has been paid: keep the item."),
        _("Nothing more is needed from you. Thank you!"),
    ),
    "exchange_paid": (
        _("Payment received for your exchange order %(order)s"),
        _("We received %(amount)s, the price difference of your exchange."),
        _("Your new item ships as soon as the return allows; you will receive the tracking details."),
    ),
    "exchange_charge_failed": (
        _("The payment for your exchange order %(order)s did not go through"),
        _("We could not take %(amount)s, the price difference of your exchange."),
        _("We will write to you about another way to pay; nothing has been charged."),
    ),
    "exchange_charged": (
        _("Your exchange order %(order)s is now charged"),
        _(
            "We sent your exchange before your return arrived, but the item never came back: "
            "%(amount)s is due."
        ),
        _("If you have sent it, reply to this email with the tracking number and we will sort it out."),
    ),
    "refund_failed": (
        _("A problem with your refund for %(number)s"),
        _("We could not send your refund of %(amount)s."),
        _("We are looking into it and will write to you again; there is nothing you need to do."),
    ),
    # The acknowledgement of a withdrawal, on a durable medium, with its date and time (art. 11a(3)).
    "withdrawal": (
        _("Acknowledgement of your withdrawal from order %(order)s"),
        _("We received your withdrawal from the contract of order %(order)s on %(withdrawn_at)s."),
        _("Send the items back within 14 days with return %(number)s; we refund you within 14 days."),
    ),
}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str
    content_id: str = ""  # set: an image the HTML part shows inline, as ``cid:<content_id>``


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    language: str
    attachments: tuple[Attachment, ...] = ()


def recipient_for(event: ReturnEvent) -> str:
    """Where ``event``'s email goes: the address the shopper gave with it (a withdrawal's
    acknowledgement goes where they asked), else the return's."""
    return str(event.data.get("email") or "") or recipient(event.ret)


def recipient(ret: Return) -> str:
    return (ret.customer.email if ret.customer is not None else "") or ret.order.email


def language_of(ret: Return) -> str:
    lang = (ret.language or ret.order.language or ret.store.languages.split(",")[0] or "en")[:2]
    return lang if lang in LOCALES else "en"


def attachments_for(kind: str, ret: Return, language: str) -> tuple[Attachment, ...]:
    """The label PDF of a label just issued (a carrier's label and the packing slip when postage was
    bought); the drop-off QR code of an approved box-free return."""
    if kind == "label_issued" and has_label(ret) and postage_paid(ret):
        label = pgettext("file name", "return-label-%(number)s.pdf") % {"number": ret.number}
        slip = pgettext("file name", "packing-slip-%(number)s.pdf") % {"number": ret.number}
        return (
            Attachment(label, printed_label(ret, language), "application/pdf"),
            Attachment(slip, packing_slip(ret, language), "application/pdf"),
        )
    if kind == "label_issued" and has_label(ret):
        filename = pgettext("file name", "return-label-%(number)s.pdf") % {"number": ret.number}
        return (Attachment(filename, printed_label(ret, language), "application/pdf"),)
    if kind == "approved" and ret.return_method == Return.Method.DROP_OFF:
        png = codes.qr_png(codes.drop_off_payload(ret))
        return (Attachment(f"{ret.number}-qr.png", png, "image/png", f"drop-off-{ret.number}@retour"),)
    return ()


def _message_kind(kind: str, ret: Return) -> str:
    """Box-free drop-off needs no packing: its approval says so. A label bought from a carrier has its
    postage paid: its email says there is nothing to pay (a store-made one says postage is not included)."""
    drop_off = kind == "approved" and ret.return_method == Return.Method.DROP_OFF
    if kind == "label_issued" and postage_paid(ret):
        return "label_issued_paid"
    return "approved_drop_off" if drop_off else kind


def message_key(event: ReturnEvent) -> str | None:
    """The ``MESSAGES`` entry of the email ``event`` sends the shopper, or None when it sends none."""
    if event.kind == "resolved":
        key = "resolved_" + str(event.data.get("outcome", ""))
    else:
        key = _message_kind(event.kind, event.ret)
    return key if key in MESSAGES else None


def line_notes(event: ReturnEvent, lines: list[ReturnLine]) -> list[dict[str, Any]]:
    """Each line with what the shopper should know about it: after the inspection, how the decision
    changed (in the shopper's language, as written at inspection) or that the item was not accepted."""
    items = []
    for line in lines:
        note = ""
        if event.kind == "inspected":
            if line.inspection == ReturnLine.Inspection.REJECTED:
                note = str(_("This item was not accepted at inspection."))
            if _decision_changed(line):
                note = " ".join(part for part in (line.inspection_change, note) if part)
        items.append({"line": line, "note": note})
    return items


def _decision_changed(line: ReturnLine) -> bool:
    before, after = line.decision, line.inspection_decision
    if after is None or not line.inspection_change:
        return False
    return (before.eligible, before.refund_percent, before.refund_amount) != (
        after.eligible,
        after.refund_percent,
        after.refund_amount,
    )


def _ship_by(ret: Return, language: str) -> str:
    """The last day to send the parcel, in words ("20 December 2026"), or "" when nothing is awaited."""
    day = handling.ship_by(ret)
    return format_date(day, "long", locale=LOCALES[language]) if day else ""


def _moment(iso: str, ret: Return, language: str) -> str:
    """A moment of the timeline as the shopper reads it: date and time in the store's time zone."""
    if not iso:
        return ""
    at = datetime.fromisoformat(iso).astimezone(ret.store.zone)
    return format_datetime(at, "long", tzinfo=ret.store.zone, locale=LOCALES[language])


LOGO_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def logo_attachment(store: Store) -> Attachment | None:
    """The store's logo as an inline part of the email (shown as ``cid:``): no remote image, so opening
    the email tells no server anything; None without a logo, or one that cannot be read."""
    if not store.logo:
        return None
    extension = store.logo.name.rsplit(".", 1)[-1].lower()
    if extension not in LOGO_TYPES:
        return None
    try:
        with store.logo.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return Attachment(f"logo.{extension}", content, LOGO_TYPES[extension], f"logo-{store.pk}@retour")


def render(event: ReturnEvent) -> Email:
    ret = event.ret
    language = language_of(ret)
    subject_text, headline, next_step = MESSAGES[message_key(event) or event.kind]
    with translation.override(language):
        amount = event.data.get("amount")
        if amount and event.data.get("bonus"):  # store credit: what the shopper gets, bonus included
            amount = str(Decimal(amount) + Decimal(event.data["bonus"]))
        values = {
            "number": ret.number,
            "reason": event.reason or ret.rejection_reason,
            "amount": Money(Decimal(amount), ret.order.currency).format(LOCALES[language]) if amount else "",
            "days_left": event.data.get("days_left", ""),
            "expiry_days": settings.RETURN_EXPIRY_DAYS,
            "ship_by": _ship_by(ret, language),
            "order": event.data.get("order", "") or ret.order.number,
            "withdrawn_at": _moment(event.data.get("at", ""), ret, language),
            "expected_by": (
                format_date(date.fromisoformat(event.data["expected_by"]), "long", locale=LOCALES[language])
                if event.data.get("expected_by")
                else ""
            ),
        }
        attachments = attachments_for(event.kind, ret, language)
        qr_cid = next((a.content_id for a in attachments if a.content_id), "")
        logo = logo_attachment(ret.store)
        if logo is not None:
            attachments = (*attachments, logo)
        context = {
            "ret": ret,
            "qr_cid": qr_cid,
            "logo_cid": logo.content_id if logo is not None else "",
            "headline": str(headline) % values,
            "next_step": str(next_step) % values,
            "items": line_notes(
                event, list(ret.lines.select_related("order_line", "decision", "inspection_decision"))
            ),
            "store": ret.store,
            "language": language,
        }
        subject = str(subject_text) % values
        text = render_to_string("emails/return_update.txt", context)
        html = render_to_string("emails/return_update.html", context)
    return Email(recipient_for(event), subject, text, html, language, attachments)


def send(email: Email) -> None:
    message = EmailMultiAlternatives(email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [email.to])
    message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(_mime(attachment))
    if email.attachments and all(a.content_id for a in email.attachments):
        message.mixed_subtype = "related"  # inline images only: parts of the HTML, not files to save
    message.send(fail_silently=False)


def _mime(attachment: Attachment) -> MIMEBase:
    maintype, subtype = attachment.mimetype.split("/", 1)
    part = MIMEBase(maintype, subtype)
    part.set_payload(attachment.content)
    encoders.encode_base64(part)
    if attachment.content_id:
        part.add_header("Content-ID", f"<{attachment.content_id}>")
        part.add_header("Content-Disposition", "inline", filename=attachment.filename)
    else:
        part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part
