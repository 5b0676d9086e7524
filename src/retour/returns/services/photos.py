"""Photos a shopper adds to a return line: real images only, judged by decoding them, stored re-encoded.

A file is accepted when Pillow decodes it completely as a JPEG, PNG, GIF or WebP image of at most
MAX_PIXELS pixels (checked from the header, before any pixel is decoded: a small file can declare a huge
image). What is stored is not the upload but a fresh encoding of its pixels, turned upright: no EXIF (the
phone's GPS position, its serial number, the time), no comments or XMP, nothing appended after the image
(an HTML or script polyglot loses its payload), only the first frame of an animation. Files live in the
default storage (RETOUR_DATA_DIR/media), outside the web root, under a random name.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from retour.returns.errors import PhotoRefused
from retour.returns.models import ReturnLine, ReturnPhoto

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_LINE = 6
MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone camera's photo, far less than a bomb
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
# What Pillow raises on a file it cannot decode; anything else is a bug of ours and is not hidden.
UNREADABLE = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)
# Of the decoder's metadata, only what the pixels need to look the same.
KEPT_INFO = ("transparency",)


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _not_a_photo() -> PhotoRefused:
    return PhotoRefused(
        _("This file is not a photo: send a JPEG, PNG, GIF or WebP image."), reason="not_an_image"
    )


def _too_many_pixels() -> PhotoRefused:
    return PhotoRefused(
        _("This image is too large in pixels: at most %(max)d megapixels. Send a smaller version.")
        % {"max": MAX_PIXELS // 1_000_000},
        reason="too_many_pixels",
    )


def _damaged() -> PhotoRefused:
    return PhotoRefused(
        _("This photo is damaged or incomplete and cannot be read: take it again or send another file."),
        reason="damaged",
    )


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """The upright first frame of the image, fully decoded, and its format; refused if it is none."""
    try:
        with Image.open(BytesIO(data), formats=list(FORMATS)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels()
            image_format = str(image.format)
            image.load()
            upright = ImageOps.exif_transpose(image)
    # Pillow checks the declared size on opening too: past its own limit (higher than ours) it warns,
    # which is an exception where warnings are errors (the tests), and past twice that it raises.
    # warnings.catch_warnings would change the filters of every thread; no need: ours refuses the rest.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise _not_a_photo() from None
    except UNREADABLE:
        raise _damaged() from None
    return upright, image_format


def _encode(image: Image.Image, image_format: str) -> bytes:
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    if image_format == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    elif image_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = BytesIO()
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(image_format, {})
    try:
        image.save(out, image_format, **options)
    except UNREADABLE:  # e.g. a JPEG wider than 65,535 pixels decodes as a PNG but cannot be re-encoded
        raise _damaged() from None
    return out.getvalue()


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo to store for these uploaded bytes, or PhotoRefused saying why not."""
    if not data:
        raise _not_a_photo()
    image, image_format = _decode(data)
    content_type, extension = FORMATS[image_format]
    return CleanPhoto(_encode(image, image_format), content_type, extension, image.width, image.height)


def read_photo(upload: UploadedFile) -> CleanPhoto:
    """The upload checked (size, then content) and re-encoded, ready to store; PhotoRefused if not.

    The slow part (decoding): call it before a transaction that stores several photos, all or nothing.
    """
    size = upload.size or 0
    upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1)  # never more than the limit, whatever size was announced
    if max(size, len(data)) > MAX_PHOTO_BYTES:
        raise PhotoRefused(
            _("The photo is too large (%(size)s MB); the limit is %(max)s MB.")
            % {"size": round(max(size, len(data)) / 1_048_576, 1), "max": MAX_PHOTO_BYTES // 1_048_576},
            reason="too_large",
        )
    return clean_photo(data)


def store_photo(line: ReturnLine, photo: CleanPhoto) -> ReturnPhoto:
    """Keep a checked photo for the line, under a random name; refused past MAX_PHOTOS_PER_LINE."""
    with transaction.atomic():
        # Locked so that two uploads at once cannot both be the sixth.
        locked = ReturnLine.objects.select_for_update().get(pk=line.pk)
        if locked.photos.count() >= MAX_PHOTOS_PER_LINE:
            raise PhotoRefused(
                _("At most %(max)d photos per item.") % {"max": MAX_PHOTOS_PER_LINE}, reason="too_many"
            )
        return ReturnPhoto.objects.create(
            line=locked,
            file=ContentFile(photo.content, name=f"{uuid.uuid4().hex}{photo.extension}"),
            content_type=photo.content_type,
            size=len(photo.content),
        )


def add_photo(line: ReturnLine, upload: UploadedFile) -> ReturnPhoto:
    return store_photo(line, read_photo(upload))
