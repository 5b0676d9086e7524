"""What a return's codes carry, and the codes drawn for a screen or an email.

The drop-off payload is the text a drop-off point's scanner reads from the QR code: the store and the
return, ``RETOUR:<store code>:<return number>``. The return number alone is what the Code 128 barcode of
a label carries (see ``labels``), as the warehouse scans it.
"""

from __future__ import annotations

import io

import segno

from retour.returns.models import Return

PAYLOAD_PREFIX = "RETOUR"
# Medium error correction: a code on a cracked phone screen or a creased print still reads.
ERROR_LEVEL = "m"


def drop_off_payload(ret: Return) -> str:
    """``RETOUR:maison-lumiere:R8K2M4PQX``: what the drop-off point scans for this return."""
    return f"{PAYLOAD_PREFIX}:{ret.store.code}:{ret.number}"


def read_drop_off_payload(text: str) -> tuple[str, str] | None:
    """(store code, return number) from a scanned payload, or None when it is not one of ours."""
    prefix, _sep, rest = text.strip().partition(":")
    store_code, _sep, number = rest.partition(":")
    if prefix != PAYLOAD_PREFIX or not store_code or not number:
        return None
    return store_code, number


def _qr(text: str) -> segno.QRCode:
    return segno.make_qr(text, error=ERROR_LEVEL, boost_error=False)


def qr_svg(text: str, title: str, *, css_class: str = "qr") -> str:
    """Inline SVG of a QR code of ``text``, read out by screen readers as ``title``.

    Safe to ``mark_safe``: segno escapes the title and writes nothing else that comes from outside. It has
    a viewBox and no fixed size, so CSS sizes it, and a white quiet zone, so it reads on a dark page too.
    """
    svg: str = _qr(text).svg_inline(
        title=title, svgclass=css_class, omitsize=True, lineclass=None, dark="#000", light="#fff"
    )
    return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" role="img" ', 1)


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A PNG of a QR code of ``text``, ``scale`` pixels a module, with the standard quiet zone."""
    out = io.BytesIO()
    _qr(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
