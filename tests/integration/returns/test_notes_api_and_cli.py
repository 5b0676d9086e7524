"""A return's internal notes are reachable three ways: its back-office page (test_admin_buttons), the API
(``/api/v1/returns/{number}/notes``) and ``retour notes``; each shows the author and the time, refuses an
empty note with nothing kept, and no shopper-facing answer carries the text."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client

from integration.backoffice.test_store_scope import return_in
from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.returns.models import ReturnEvent, ReturnNote

pytestmark = pytest.mark.django_db


def _agent(username: str = "agent", *codenames: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames or ["view_return"]))
    return user


def _api(user: User) -> Client:
    _record, clear = ApiToken.issue(user, "notes")
    return Client(headers={"Authorization": f"Bearer {clear}"})


def test_staff_add_and_list_notes_through_the_api_with_author_and_store_time(store: Store) -> None:
    ret = return_in(store, "#N1")
    api = _api(_agent())
    made = api.post(
        f"/api/v1/returns/{ret.number}/notes", {"text": "  Colis abîmé à l’arrivée.  "}, "application/json"
    )
    assert made.status_code == 201, made.content
    note = made.json()
    assert (note["author"], note["text"]) == ("agent", "Colis abîmé à l’arrivée.")
    assert note["at"].endswith(("+01:00", "+02:00"))  # the store's time, Europe/Paris
    listed = api.get(f"/api/v1/returns/{ret.number}/notes").json()
    assert [(n["id"], n["author"], n["text"]) for n in listed] == [(note["id"], "agent", note["text"])]
    assert ReturnEvent.objects.filter(ret=ret, kind="note", data__note=note["id"]).count() == 1
    shown = api.get(f"/api/v1/returns/{ret.number}").content.decode()
    assert "Colis abîmé" not in shown  # the return's own answer never carries a note


def test_an_empty_note_is_refused_in_the_callers_language_and_nothing_is_kept(store: Store) -> None:
    ret = return_in(store, "#N2")
    api = _api(_agent())
    refused = api.post(
        f"/api/v1/returns/{ret.number}/notes",
        {"text": "   "},
        "application/json",
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 422
    assert refused.json()["title"] == "Écrivez la note avant de l’ajouter."
    assert not ReturnNote.objects.filter(ret=ret).exists()


def test_a_token_without_the_returns_permission_reads_and_writes_no_note(store: Store) -> None:
    ret = return_in(store, "#N3")
    api = _api(_agent("nobody", "view_order"))
    assert api.get(f"/api/v1/returns/{ret.number}/notes").status_code == 403
    post = api.post(f"/api/v1/returns/{ret.number}/notes", {"text": "Hello"}, "application/json")
    assert post.status_code == 403
    assert not ReturnNote.objects.exists()


def test_retour_notes_adds_and_lists_a_returns_notes(store: Store) -> None:
    ret = return_in(store, "#N4")
    _agent()
    out = StringIO()
    call_command(
        "notes", "add", ret.number.lower(), "--author", "agent", "--text", "Rappeler la cliente.", stdout=out
    )
    note = ReturnNote.objects.get(ret=ret)
    assert out.getvalue().strip() == f"Note {note.pk} added to {ret.number}."
    listed = StringIO()
    call_command("notes", "list", ret.number, stdout=listed)
    assert listed.getvalue().strip().endswith("agent: Rappeler la cliente.")
    as_json = StringIO()
    call_command("notes", "list", ret.number, "--json", stdout=as_json)
    row = json.loads(as_json.getvalue())
    assert (row["id"], row["author"], row["text"]) == (note.pk, "agent", "Rappeler la cliente.")
    assert row["at"].endswith(("+01:00", "+02:00"))


def test_retour_notes_refuses_an_unknown_author_or_an_empty_note_and_keeps_nothing(store: Store) -> None:
    ret = return_in(store, "#N5")
    _agent()
    with pytest.raises(CommandError, match="no active staff member ghost"):
        call_command("notes", "add", ret.number, "--author", "ghost", "--text", "Hello")
    with pytest.raises(CommandError, match="Write the note before adding it"):
        call_command("notes", "add", ret.number, "--author", "agent", "--text", "  ")
    with pytest.raises(CommandError, match="There is no return ZZZZ"):
        call_command("notes", "list", "ZZZZ")
    assert not ReturnNote.objects.exists()
    empty = StringIO()
    call_command("notes", "list", ret.number, stdout=empty)
    assert empty.getvalue().strip() == f"{ret.number} has no notes."
