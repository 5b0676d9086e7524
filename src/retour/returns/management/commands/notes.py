"""``retour notes list RETURN`` and ``retour notes add RETURN --author USERNAME --text TEXT``: a return's
internal notes (staff only, never the shopper's), as its back-office page and the API show and add them."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.returns.models import Return, ReturnNote
from retour.returns.services import handling
from retour.returns.services.notes import add_note, notes_of


def note_json(note: ReturnNote, ret: Return) -> dict[str, Any]:
    return {
        "id": note.pk,
        "author": note.author.get_username(),
        "at": timezone.localtime(note.created_at, ret.store.zone).isoformat(timespec="seconds"),
        "text": note.text,
    }


class Command(BaseCommand):
    help = gettext_lazy("List or add the internal notes of a return (staff only).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        listing = sub.add_parser(
            "list",
            help=_("Print a return's notes, oldest first."),
            called_from_command_line=parser.called_from_command_line,
        )
        adding = sub.add_parser(
            "add", help=_("Add a note to a return."), called_from_command_line=parser.called_from_command_line
        )
        for each in (listing, adding):
            each.add_argument("number", help=_("The return number, e.g. R8K2M4PQX."))
            each.add_argument("--store", help=_("The store's code (needed when there are several)."))
        listing.add_argument("--json", action="store_true", help=_("One JSON object per note, one per line."))
        adding.add_argument("--author", required=True, help=_("The staff member who writes it (username)."))
        adding.add_argument("--text", required=True, help=_("What the note says."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ret = handling.find(options["number"], find_store(options["store"]).pk)
            if options["action"] == "add":
                self._add(ret, options["author"], options["text"])
            else:
                self._list(ret, options["json"])
        except DomainError as error:
            raise CommandError(error.message) from error

    def _add(self, ret: Return, username: str, text: str) -> None:
        author = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
        if author is None:
            raise CommandError(_("There is no active staff member %(username)s.") % {"username": username})
        note = add_note(ret, text, author=author)
        self.stdout.write(_("Note %(id)d added to %(number)s.") % {"id": note.pk, "number": ret.number})

    def _list(self, ret: Return, as_json: bool) -> None:
        found = notes_of(ret)
        if as_json:
            for note in found:
                self.stdout.write(json.dumps(note_json(note, ret), ensure_ascii=False))
            return
        if not found:
            self.stdout.write(_("%(number)s has no notes.") % {"number": ret.number})
        for note in found:
            row = note_json(note, ret)
            self.stdout.write(f"{row['at']}  {row['author']}: {row['text']}")
