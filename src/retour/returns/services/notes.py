"""Internal notes: what staff write on a return for each other. The timeline says that a note was written
and by whom, never what it says, so nothing the shopper can read (emails, portal, API) carries the text."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from retour.returns.errors import ReturnInvalid
from retour.returns.models import Return, ReturnNote
from retour.returns.services.timeline import record_event

MAX_NOTE = 4000
NOTE_EVENT = "note"


def add_note(ret: Return, text: str, *, author: AbstractBaseUser) -> ReturnNote:
    """Keep ``text`` as ``author``'s note on ``ret`` and record the event; an empty or too long note is
    refused and nothing is kept."""
    cleaned = text.strip()
    if not cleaned:
        raise ReturnInvalid(_("Write the note before adding it."))
    if len(cleaned) > MAX_NOTE:
        raise ReturnInvalid(
            _("A note has at most %(max)d characters; this one has %(count)d.")
            % {"max": MAX_NOTE, "count": len(cleaned)}
        )
    with transaction.atomic():
        note = ReturnNote.objects.create(ret=ret, author_id=author.pk, text=cleaned)
        record_event(ret, NOTE_EVENT, actor=author, data={"note": note.pk})
    return note


def notes_of(ret: Return) -> list[ReturnNote]:
    return list(ret.notes.select_related("author").order_by("created_at", "id"))
