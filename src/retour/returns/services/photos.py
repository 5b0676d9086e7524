"""Photos a shopper adds to a return line: real images only, judged by decoding them, stored re-encoded.

A file is accepted when Pillow decodes it completely as a JPEG, PNG, GIF or WebP image of at most
MAX_PIXELS pixels (checked from the header, before any pixel is decoded: a small file can declare a huge
image), in a child process with a memory limit (``returns/imaging.py``). What is stored is not the
upload but a fresh encoding of its pixels, turned upright: no EXIF (the phone's GPS position, its serial
number, the time), no comments or XMP, nothing appended after the image (an HTML or script polyglot
loses its payload), only the first frame of an animation. Files live in the default storage
(RETOUR_DATA_DIR/media), outside the web root, under a random name.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from retour.returns import imaging
from retour.returns.errors import PhotoRefused
from retour.returns.models import ReturnLine, ReturnPhoto

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_LINE = 6
MAX_PIXELS = imaging.MAX_PIXELS
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
# The child stops itself after 30 s of its own CPU time (retour.returns.imaging); this wall-clock bound
# only catches a child that is stuck without using the CPU.
CLEANING_SECONDS = 300


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


REFUSALS = {"not_an_image": _not_a_photo, "too_many_pixels": _too_many_pixels, "damaged": _damaged}


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo to store for these uploaded bytes, or PhotoRefused saying why not.

    Decoded in a child process with a memory limit (``retour.returns.imaging``): a crafted file costs
    the child, never the server. A child that runs out of memory or time refuses the file as damaged.
    """
    if not data:
        raise _not_a_photo()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "retour.returns.imaging"],
            input=data,
            capture_output=True,
            timeout=CLEANING_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _damaged() from None
    header, _newline, content = done.stdout.partition(b"\n")
    if done.returncode != 0 or not header:
        raise _damaged()
    answer = json.loads(header)
    if "refused" in answer:
        raise REFUSALS.get(answer["refused"], _damaged)()
    content_type, extension = FORMATS[answer["format"]]
    return CleanPhoto(content, content_type, extension, answer["width"], answer["height"])


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
