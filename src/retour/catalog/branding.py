"""A store's look in the portal and the help center: its logo and its colour, checked before they are kept.

The colour is a hex code dark enough to carry white text (buttons) and to stand as link text on white: a
contrast of 4.5:1 at least (WCAG AA), so that a store cannot make its own portal unreadable. The logo is
an image Pillow decodes completely, small in bytes and in pixels (a 100 KB file can declare a picture
that takes gigabytes once decoded: its size is read from the header before any pixel is).
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4_000_000
NOT_AN_IMAGE = _("The logo is not an image that can be read: send a PNG, JPEG, GIF or WebP file.")
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
# What Pillow raises on a file it cannot decode.
UNREADABLE = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    MemoryError,
    Image.DecompressionBombError,
)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio between ``colour`` (#rrggbb) and white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)
    return 1.05 / (luminance + 0.05)


def validate_brand_colour(value: str) -> None:
    if not HEX_COLOUR.match(value):
        raise ValidationError(_("Give the colour as a hex code such as #0b57d0."), code="not_hex")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "%(colour)s is too light: white text on it has a contrast of %(ratio).1f:1, and at least "
                "4.5:1 is needed to be read. Choose a darker shade."
            ),
            params={"colour": value, "ratio": ratio},
            code="too_light",
        )


def logo_format(stream: IO[bytes]) -> str:
    """The image format of a logo file (PNG, JPEG, GIF or WEBP); ValidationError saying what is wrong."""
    stream.seek(0)
    data = stream.read(MAX_LOGO_BYTES + 1)
    stream.seek(0)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(max)d KB.") % {"max": MAX_LOGO_BYTES // 1024},
            code="too_large",
        )
    not_an_image = ValidationError(NOT_AN_IMAGE, code="not_an_image")
    try:
        with Image.open(BytesIO(data), formats=list(LOGO_FORMATS)) as image:
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise ValidationError(
                    _("The logo is too large in pixels: at most %(max)d megapixels.")
                    % {"max": MAX_LOGO_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            image.load()  # every pixel decoded: a truncated or damaged file is refused here
            return str(image.format)
    except UnidentifiedImageError:
        raise not_an_image from None
    except UNREADABLE:
        raise not_an_image from None


def validate_logo(value: object) -> None:
    opened = getattr(value, "file", None) or value
    if not hasattr(opened, "read"):
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    logo_format(opened)  # type: ignore[arg-type]
