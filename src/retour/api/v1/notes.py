"""``/api/v1/returns/{number}/notes``: a return's internal notes, staff's only (a seller's token is refused,
and no other operation, email or page of the shopper carries them), listed oldest first and added, with
their author and time, as on the return's back-office page."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from retour.api.errors import PermissionDenied
from retour.api.v1.returns import find_return, require_staff
from retour.returns.models import Return, ReturnNote
from retour.returns.services.notes import MAX_NOTE, add_note, notes_of

router = Router(tags=["notes"])


class NoteIn(Schema):
    text: str = Field(max_length=MAX_NOTE * 2)  # the service refuses past MAX_NOTE, once trimmed, in words


class NoteOut(Schema):
    id: int
    author: str
    at: datetime  # in the store's time zone
    text: str


def _out(note: ReturnNote, ret: Return) -> NoteOut:
    return NoteOut(
        id=note.pk,
        author=note.author.get_username(),
        at=timezone.localtime(note.created_at, ret.store.zone),
        text=note.text,
    )


@router.get("/{number}/notes", response=list[NoteOut], summary="A return's internal notes")
def list_notes(request: HttpRequest, number: str, store: str | None = None) -> list[NoteOut]:
    require_staff(request, "returns.view_return", _("You may not read internal notes."))
    ret = find_return(request, number, store)
    return [_out(note, ret) for note in notes_of(ret)]


@router.post("/{number}/notes", response={201: NoteOut}, summary="Add an internal note to a return")
def post_note(request: HttpRequest, number: str, body: NoteIn, store: str | None = None) -> Status[NoteOut]:
    """Staff only; an empty or too long note is refused (422) and nothing is kept."""
    message = _("You may not write internal notes.")
    require_staff(request, "returns.view_return", message)
    if not isinstance(request.user, AbstractBaseUser):
        raise PermissionDenied(message)
    ret = find_return(request, number, store)
    return Status(201, _out(add_note(ret, body.text, author=request.user), ret))
