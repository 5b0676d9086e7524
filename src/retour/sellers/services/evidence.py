"""A seller's answer to a claim, from its pages: the claims service's answer, with photos checked and
re-encoded as returns' photos are (in a child process with a memory limit: returns/imaging.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from retour.claims.errors import ClaimInvalid
from retour.claims.models import Claim, ClaimPhoto
from retour.claims.services import deciding
from retour.returns.services.photos import read_photo

MAX_PHOTOS = 5


def answer_with_evidence(
    claim: Claim, answer: deciding.Answer, photos: Sequence[UploadedFile], *, actor: Any
) -> Claim:
    """The evidence and its photos, all or nothing: a refused photo leaves the claim unanswered."""
    if len(photos) > MAX_PHOTOS:
        raise ClaimInvalid(_("At most %(max)d photos.") % {"max": MAX_PHOTOS})
    cleaned = [read_photo(upload) for upload in photos]  # the slow part, before the transaction
    if (
        cleaned
        and answer.kind == deciding.EVIDENCE
        and not (answer.tracking_number.strip() or answer.proof_of_delivery or answer.message.strip())
    ):
        answer = deciding.Answer(
            kind=answer.kind,
            tracking_number=answer.tracking_number,
            proof_of_delivery=answer.proof_of_delivery,
            delivered_at=answer.delivered_at,
            message=_("Photos sent."),
        )
    with transaction.atomic():
        answered = deciding.respond(claim, answer, actor=actor)
        for photo in cleaned:
            ClaimPhoto.objects.create(
                claim=answered,
                party=Claim.Party.SELLER,
                file=ContentFile(photo.content, name=f"{uuid.uuid4().hex}{photo.extension}"),
                content_type=photo.content_type,
                size=len(photo.content),
            )
    return answered
