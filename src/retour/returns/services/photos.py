"""Photos a shopper adds to a return line: images only, judged by their bytes, not their name."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from retour.returns.errors import PhotoRefused
from retour.returns.models import ReturnLine, ReturnPhoto

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_LINE = 6
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(head: bytes) -> str | None:
    """The image type the first bytes announce (WebP: RIFF....WEBP), or None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def add_photo(line: ReturnLine, upload: UploadedFile) -> ReturnPhoto:
    size = upload.size or 0
    if size > MAX_PHOTO_BYTES:
        raise PhotoRefused(
            _("The photo is too large (%(size)s MB); the limit is %(max)s MB.")
            % {"size": round(size / 1_048_576, 1), "max": MAX_PHOTO_BYTES // 1_048_576}
        )
    if line.photos.count() >= MAX_PHOTOS_PER_LINE:
        raise PhotoRefused(_("At most %(max)d photos per item.") % {"max": MAX_PHOTOS_PER_LINE})
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None or size == 0:
        raise PhotoRefused(_("This file is not a photo: send a JPEG, PNG, GIF or WebP image."))
    return ReturnPhoto.objects.create(line=line, file=upload, content_type=content_type, size=size)
