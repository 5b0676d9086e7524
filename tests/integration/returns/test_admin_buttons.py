"""A return's page in the admin has the buttons its state and the staff member's role allow, each pressed
once whatever the clicks, and internal notes that only staff ever read."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from retour.backoffice.roles import AGENTS, WAREHOUSE
from retour.notifications.models import Notification
from retour.portal.views.returns import _timeline
from retour.refunds.models import Refund, RefundRequest
from retour.returns.models import Return, ReturnEvent, ReturnNote
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def member_of(role: str, username: str, **options) -> Client:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client(**options)
    client.force_login(user)
    return client


@pytest.fixture
def requested(order, review_policy) -> Return:
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    assert ret.state == "requested"
    return ret


def change_page(client: Client, ret: Return, language: str = "en") -> str:
    response = client.get(
        reverse("admin:returns_return_change", args=[ret.pk]), headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    return response.content.decode()


def press(client: Client, ret: Return, button: str, state: str, **fields: str):
    return client.post(
        reverse("admin:returns_return_act", args=[ret.pk]),
        {"button": button, "state": state, **fields},
        follow=True,
    )


def test_a_requested_return_offers_approve_and_reject_to_an_agent_only(requested):
    agent = member_of(AGENTS, "agent")
    page = change_page(agent, requested)
    assert 'value="approve_selected"' in page
    assert 'value="reject_selected"' in page
    assert 'value="receive_selected"' not in page
    assert 'value="refund_selected"' not in page
    warehouse = member_of(WAREHOUSE, "dock")
    dock = change_page(warehouse, requested)
    assert 'value="approve_selected"' not in dock
    assert 'value="mark_in_transit_selected"' not in dock


def test_approve_pressed_twice_approves_once(requested):
    agent = member_of(AGENTS, "agent")
    press(agent, requested, "approve_selected", "requested")
    second = press(agent, requested, "approve_selected", "requested")
    assert "nothing was done again" in second.content.decode()
    requested.refresh_from_db()
    assert requested.state == "approved"
    assert ReturnEvent.objects.filter(ret=requested, kind="approved").count() == 1
    page = change_page(agent, requested)
    assert 'value="approve_selected"' not in page
    assert 'value="cancel_selected"' in page


def test_a_button_that_does_not_apply_or_a_get_does_nothing(requested):
    agent = member_of(AGENTS, "agent")
    refused = press(agent, requested, "inspect_selected", "requested")
    assert "does not apply" in refused.content.decode()
    agent.get(reverse("admin:returns_return_act", args=[requested.pk]) + "?button=approve_selected")
    requested.refresh_from_db()
    assert requested.state == "requested"


def test_a_press_without_the_csrf_token_is_refused(requested):
    agent = member_of(AGENTS, "agent", enforce_csrf_checks=True)
    response = agent.post(
        reverse("admin:returns_return_act", args=[requested.pk]),
        {"button": "approve_selected", "state": "requested"},
    )
    assert response.status_code == 403
    requested.refresh_from_db()
    assert requested.state == "requested"


def test_reject_needs_its_reason_and_the_shopper_reads_it(requested, admin_client):
    press(admin_client, requested, "reject_selected", "requested", note="Porté.")
    requested.refresh_from_db()
    assert (requested.state, requested.rejection_reason) == ("rejected", "Porté.")


def test_warehouse_then_finance_buttons_refund_once(order, admin_client):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    assert 'value="mark_in_transit_selected"' in change_page(admin_client, ret)
    press(admin_client, ret, "mark_in_transit_selected", "approved")
    press(admin_client, ret, "receive_selected", "in_transit")
    press(admin_client, ret, "inspect_selected", "received")
    ret.refresh_from_db()
    assert ret.state == "inspected"
    page = change_page(admin_client, ret)
    assert 'value="refund_selected"' in page
    assert 'value="store_credit_selected"' in page
    press(admin_client, ret, "refund_selected", "inspected")
    press(admin_client, ret, "refund_selected", "inspected")  # a double click
    assert RefundRequest.objects.filter(ret=ret).count() == 1
    assert Refund.objects.filter(request__ret=ret).count() == 1
    assert 'value="refund_selected"' not in change_page(admin_client, ret)


def test_an_internal_note_is_listed_for_staff_with_author_and_time_and_never_reaches_the_shopper(
    requested, admin_client, client_for, agent
):
    before = Notification.objects.count()
    url = reverse("admin:returns_return_note", args=[requested.pk])
    admin_client.post(url, {"text": "  Client appelé : colis déjà posté.  "})
    note = ReturnNote.objects.get()
    assert (note.text, note.author.username) == ("Client appelé : colis déjà posté.", "admin")
    event = ReturnEvent.objects.get(ret=requested, kind="note")
    assert (event.actor.username, event.reason, event.data) == ("admin", "", {"note": note.pk})
    page = change_page(admin_client, requested, "fr")
    assert "Client appelé : colis déjà posté." in page
    assert "<strong>admin</strong>" in page
    assert "(Europe/Paris)" in page
    assert "Note interne rédigée" in page  # the timeline says a note was written
    assert Notification.objects.count() == before  # no email about it
    assert all("colis déjà posté" not in what for _at, what, _why in _timeline(requested))
    api = client_for(agent).get(f"/api/v1/returns/{requested.number}")
    assert api.status_code == 200
    assert "colis déjà posté" not in api.content.decode()


def test_an_empty_note_is_refused_and_nothing_is_kept(requested, admin_client):
    response = admin_client.post(
        reverse("admin:returns_return_note", args=[requested.pk]),
        {"text": "   "},
        follow=True,
        headers={"Accept-Language": "fr"},
    )
    assert "Écrivez la note avant de l’ajouter." in response.content.decode()
    assert not ReturnNote.objects.exists()
    assert not ReturnEvent.objects.filter(kind="note").exists()


def test_handling_is_unchanged_for_a_cancelled_return(requested, admin_client):
    handling.cancel(requested, actor=None)
    page = change_page(admin_client, requested)
    assert "Nothing to do on this return now." in page
