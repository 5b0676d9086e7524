"""Photos sent with a claim as evidence, handled exactly as a return's photos are: read within the size
limit, decoded and re-encoded by a child process with a memory limit (returns/services/photos.py), stored
under a random name outside the web root."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from retour.claims.models import Claim, ClaimPhoto
from retour.returns.errors import PhotoRefused
from retour.returns.services.photos import MAX_PHOTO_BYTES, CleanPhoto, read_photo

MAX_PHOTOS_PER_CLAIM = 6
__all__ = ["MAX_PHOTOS_PER_CLAIM", "MAX_PHOTO_BYTES", "PhotoRefused", "read_photos", "store_photos"]


def read_photos(uploads: Sequence[UploadedFile]) -> list[CleanPhoto]:
    """Every upload checked and re-encoded (the slow part, before any transaction); ``PhotoRefused``
    for the first that is not a photo, or for too many."""
    if len(uploads) > MAX_PHOTOS_PER_CLAIM:
        raise PhotoRefused(
            _("At most %(max)d photos per claim.") % {"max": MAX_PHOTOS_PER_CLAIM}, reason="too_many"
        )
    return [read_photo(upload) for upload in uploads]


def store_photos(claim: Claim, party: str, photos: Sequence[CleanPhoto]) -> list[ClaimPhoto]:
    """Keep checked photos for ``claim``, sent by ``party``. Call in the transaction that files or answers
    the claim; a caller whose transaction rolls back deletes the files it returned."""
    return [
        ClaimPhoto.objects.create(
            claim=claim,
            party=party,
            file=ContentFile(photo.content, name=f"{uuid.uuid4().hex}{photo.extension}"),
            content_type=photo.content_type,
            size=len(photo.content),
        )
        for photo in photos
    ]
