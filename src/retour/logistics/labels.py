"""A return's printed papers, as one PDF in the shopper's language: page 1 the label to stick on the parcel,
page 2 the packing slip to put inside it.

Drawn with reportlab's standard Helvetica: no font files to ship, and it prints every character of
Windows-1252, so French as it is written (é, à, œ, curly apostrophes, « », €). A character beyond that
(a Polish Ł, a Chinese name) is printed as its plain letter where it has one, else as "?", never as a
blank box.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from xml.sax.saxutils import escape

from babel.dates import format_date
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from retour.logistics import addresses
from retour.logistics.codes import drop_off_payload
from retour.orders.addresses import country_name, postal_lines
from retour.policies.forms import REASON_LABELS, RESOLUTION_LABELS, label
from retour.returns.models import Return, ReturnLine

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
MARGIN = 15 * mm
LABEL_HEIGHT = 135 * mm
PAD = 8 * mm
FONT, BOLD = "Helvetica", "Helvetica-Bold"
GREY = colors.HexColor("#52606d")
# Letters that have no decomposition to a Windows-1252 letter but an obvious one to print instead.
FALLBACK_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h"})


def label_pdf(ret: Return, language: str, *, slip_only: bool = False) -> bytes:
    """The label and packing slip of ``ret`` as PDF bytes, in ``language`` ("fr" or "en"); only the
    packing slip with ``slip_only`` (it goes with a carrier's own label)."""
    ret = Return.objects.select_related("store", "order", "customer").get(pk=ret.pk)
    lines = list(ret.lines.select_related("order_line").order_by("id"))
    language = language[:2] if language[:2] in LOCALES else "en"
    out = io.BytesIO()
    with translation.override(language):
        document = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Return label %(number)s") % {"number": ret.number},
            author=printable(ret.store.name),
            lang=language,
        )
        label = [] if slip_only else [ReturnLabel(ret, language), *cut_here(), PageBreak()]
        document.build([*label, *packing_slip(ret, lines)])
    return out.getvalue()


def printable(text: str) -> str:
    """``text`` with what Helvetica cannot print replaced by its plain letter, or "?"."""
    return "".join(_printable_char(char) for char in text.translate(FALLBACK_LETTERS))


def _printable_char(char: str) -> str:
    if _in_windows_1252(char):
        return char
    plain = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if not unicodedata.combining(part) and _in_windows_1252(part)
    )
    return plain or "?"


def _in_windows_1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def sender_lines(ret: Return, language: str) -> list[str]:
    """The shopper's address as the order has it (name, company, street lines, town, country), then the
    phone and email: at least the name and country when the order came without an address."""
    customer, order = ret.customer or ret.order.customer, ret.order
    address = order.shipping_address()
    if not address.name and ret.customer is not None:
        address = replace(address, name=f"{ret.customer.first_name} {ret.customer.last_name}".strip())
    email = (customer.email if customer is not None else "") or order.email
    lines = [*postal_lines(address, country_name(address.country, language)), order.shipping_phone, email]
    return [printable(line) for line in lines if line]


def recipient_lines(ret: Return, language: str) -> list[str]:
    """The return address its rules choose for ``ret``, else the store's, else its name and country."""
    store = ret.store
    chosen = addresses.address_for(ret)
    if chosen is not None:
        lines = postal_lines(chosen.postal(), country_name(chosen.country, language))
        return [printable(line) for line in lines]
    given = [line.strip() for line in store.return_address.splitlines() if line.strip()]
    return [printable(line) for line in given or [store.name, country_name(store.country, language)]]


class ReturnLabel(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Page 1: from, to, the return number large, its Code 128 barcode, tracking; and the drop-off QR code
    for a return brought to a drop-off point."""

    def __init__(self, ret: Return, language: str) -> None:
        super().__init__()
        self.ret, self.language = ret, language
        self.width, self.height = A4[0] - 2 * MARGIN, LABEL_HEIGHT

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas, top = self.canv, self.height
        canvas.setDash(4, 3)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setDash()
        canvas.setFont(BOLD, 13)
        canvas.drawString(PAD, top - 11 * mm, printable(self.ret.store.name))
        canvas.drawRightString(self.width - PAD, top - 11 * mm, _("Return label"))
        canvas.line(PAD, top - 15 * mm, self.width - PAD, top - 15 * mm)
        self._block(_("From"), sender_lines(self.ret, self.language), PAD, top - 23 * mm, FONT, 10)
        middle = self.width / 2
        self._block(_("To"), recipient_lines(self.ret, self.language), middle, top - 23 * mm, BOLD, 13)
        canvas.line(PAD, top - 62 * mm, self.width - PAD, top - 62 * mm)
        self._number(top - 70 * mm)
        self._barcode()
        if self.ret.return_method == Return.Method.DROP_OFF:  # a parcel sent by label has no drop-off code
            self._qr()

    def _block(self, heading: str, lines: Sequence[str], x: float, y: float, font: str, size: int) -> None:
        canvas, width = self.canv, self.width / 2 - 2 * PAD
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(x, y, heading.upper())
        canvas.setFillColor(colors.black)
        canvas.setFont(font, size)
        rows = [row for line in lines for row in simpleSplit(line, font, size, width)][:8]
        for position, row in enumerate(rows, start=1):
            canvas.drawString(x, y - position * size * 1.3, row)

    def _number(self, y: float) -> None:
        canvas = self.canv
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(PAD, y, _("Return number").upper())
        canvas.setFillColor(colors.black)
        canvas.setFont(BOLD, 30)
        canvas.drawString(PAD, y - 13 * mm, self.ret.number)
        canvas.setFont(FONT, 10)
        tracking = self.ret.tracking_number or "-"
        canvas.drawString(PAD, 8 * mm, _("Tracking number: %(number)s") % {"number": printable(tracking)})
        canvas.setFont(BOLD, 9)
        # A label the store prints itself carries no postage: the shopper must not think it is paid.
        canvas.drawString(PAD, 3 * mm, _("Postage not included: pay it when you drop the parcel off."))

    def _barcode(self) -> None:
        barcode = Code128(self.ret.number, barWidth=0.45 * mm, barHeight=20 * mm)
        barcode.drawOn(self.canv, PAD - barcode.lquiet, 19 * mm)
        self.canv.setFont("Courier", 10)  # reportlab's own caption touches the bars
        self.canv.drawCentredString(PAD - barcode.lquiet + barcode.width / 2, 15 * mm, self.ret.number)

    def _qr(self) -> None:
        size = 42 * mm
        widget = QrCodeWidget(drop_off_payload(self.ret), barLevel="M", barWidth=size, barHeight=size)
        drawing = Drawing(size, size)
        drawing.add(widget)
        x = self.width - PAD - size
        drawing.drawOn(self.canv, x, 12 * mm)
        self.canv.setFont(FONT, 7)
        self.canv.drawCentredString(x + size / 2, 10 * mm, _("Drop-off code"))


def cut_here() -> list[Flowable]:
    style = ParagraphStyle("cut", fontName=FONT, fontSize=9, leading=12, textColor=GREY)
    return [
        Spacer(1, 4 * mm),
        Paragraph(
            escape(_("Cut along the dashed line and stick the label on the parcel, over any old label.")),
            style,
        ),
    ]


def packing_slip(ret: Return, lines: Sequence[ReturnLine]) -> list[Flowable]:
    """Page 2: what the parcel holds and how to pack it, for the shopper and the warehouse."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("slip", parent=styles["BodyText"], fontName=FONT, fontSize=10, leading=13)
    when = format_date(ret.created_at.astimezone(ret.store.zone), "long", locale=_locale())
    facts = [
        (_("Return number"), ret.number),
        (_("Order number"), printable(ret.order.number)),
        (_("Date"), when),
        (_("Store"), printable(ret.store.name)),
    ]
    return [
        Paragraph(escape(_("Packing slip")), styles["Title"]),
        _table([[Paragraph(f"<b>{escape(k)}</b>", body), Paragraph(escape(v), body)] for k, v in facts]),
        Spacer(1, 6 * mm),
        _items(lines, body),
        Spacer(1, 8 * mm),
        Paragraph(escape(_("How to pack")), styles["Heading2"]),
        *[Paragraph(f"{n}. {escape(step)}", body) for n, step in enumerate(_packing_steps(), start=1)],
    ]


def _locale() -> str:
    return LOCALES.get((translation.get_language() or "en")[:2], "en_GB")


def _items(lines: Sequence[ReturnLine], style: ParagraphStyle) -> Table:
    header = [_("Item"), _("Quantity"), _("Reason"), _("Resolution")]
    rows = [
        [
            printable(line.order_line.title),
            str(line.quantity),
            label(REASON_LABELS, line.reason),
            label(RESOLUTION_LABELS, line.resolution),
        ]
        for line in lines
    ]
    table = _table(
        [[Paragraph(f"<b>{escape(cell)}</b>", style) for cell in header]]
        + [[Paragraph(escape(cell), style) for cell in row] for row in rows],
        widths=(80 * mm, 22 * mm, 42 * mm, 36 * mm),
    )
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black)]))
    return table


def _table(rows: list[list[Paragraph]], widths: Sequence[float] = (45 * mm, 135 * mm)) -> Table:
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _packing_steps() -> list[str]:
    return [
        _("Put the items in a sturdy box, in their original packaging if you still have it."),
        _("Put this packing slip in the box."),
        _("Close the box and stick the label from page 1 on the outside, over any old label or barcode."),
        _("Take the parcel to a drop-off point or a post office; keep the receipt until you are refunded."),
    ]
