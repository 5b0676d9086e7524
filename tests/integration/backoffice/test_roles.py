"""The staff roles exist on every install (after migrate, and from `retour create-roles`), and each can do
its job: Finance confirms a manual refund in the admin, the warehouse cannot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retour.backoffice.roles import ADMINISTRATORS, AGENTS, FINANCE, WAREHOUSE
from retour.refunds.models import Refund
from retour.refunds.services.paying import request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db
REFUNDS = reverse("admin:refunds_refund_changelist")


def member_of(role: str, username: str) -> Client:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manual_refund(order) -> Refund:
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    request, _created = request_refund(ret, idempotency_key="finance", actor=None)
    refund = request.refunds.get()
    assert (refund.gateway, refund.status) == ("manual", "pending")
    return refund


def test_the_roles_are_there_after_migrate_and_create_roles_is_idempotent(db, capsys):
    roles = {AGENTS, WAREHOUSE, FINANCE, ADMINISTRATORS}
    assert roles <= set(Group.objects.values_list("name", flat=True))
    finance = Group.objects.get(name=FINANCE)
    before = set(finance.permissions.values_list("codename", flat=True))
    assert {"view_refund", "change_refund", "refund_return", "view_return"} <= before
    call_command("create_roles")
    call_command("create_roles")
    assert "Finance" in capsys.readouterr().out
    assert Group.objects.filter(name__in=roles).count() == 4
    assert set(finance.permissions.values_list("codename", flat=True)) == before


def test_a_permission_taken_away_is_given_back_and_one_added_by_hand_stays(db):
    warehouse = Group.objects.get(name=WAREHOUSE)
    warehouse.permissions.remove(*warehouse.permissions.filter(codename="receive_return"))
    extra = Group.objects.get(name=AGENTS).permissions.get(codename="approve_return")
    warehouse.permissions.add(extra)
    call_command("create_roles")
    codenames = set(warehouse.permissions.values_list("codename", flat=True))
    assert {"receive_return", "approve_return"} <= codenames


def test_finance_opens_the_refunds_admin_and_confirms_a_manual_refund(manual_refund):
    finance = member_of(FINANCE, "compta")
    page = finance.get(REFUNDS)
    assert page.status_code == 200
    assert "confirm_selected" in page.content.decode()
    finance.post(REFUNDS, {"action": "confirm_selected", "_selected_action": [manual_refund.pk]}, follow=True)
    manual_refund.refresh_from_db()
    assert (manual_refund.status, manual_refund.confirmed_by.username) == ("succeeded", "compta")
    ret = Return.objects.get(pk=manual_refund.request.ret_id)
    assert (ret.state, ret.outcome) == ("resolved", "refunded")


def test_the_warehouse_can_neither_open_the_refunds_nor_confirm_one(manual_refund):
    warehouse = member_of(WAREHOUSE, "dock")
    assert warehouse.get(REFUNDS).status_code == 403
    warehouse.post(REFUNDS, {"action": "confirm_selected", "_selected_action": [manual_refund.pk]})
    manual_refund.refresh_from_db()
    assert manual_refund.status == "pending"


def test_the_warehouse_receives_and_agents_approve(order):
    warehouse = member_of(WAREHOUSE, "dock")
    agent = member_of(AGENTS, "desk")
    assert warehouse.get(reverse("backoffice:receive")).status_code == 200
    assert agent.get(reverse("backoffice:receive")).status_code == 403
    assert agent.get(reverse("backoffice:new-return")).status_code == 200
    assert warehouse.get(reverse("backoffice:new-return")).status_code == 403
