"""The warehouse's scan page: a return number, Enter, received; a wrong number says so."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from retour.returns.models import Return

pytestmark = pytest.mark.django_db
URL = reverse("backoffice:receive")


@pytest.fixture
def warehouse_client(db: None) -> Client:
    user = User.objects.create_user("scan", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="receive_return"))
    client = Client()
    client.force_login(user)
    return client


def test_scanning_a_number_receives_the_parcel(warehouse_client, order):
    from retour.returns.services.creating import LineRequest, create_return

    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    page = warehouse_client.get(URL, headers={"Accept-Language": "fr"})
    assert "Numéro de retour" in page.content.decode()
    done = warehouse_client.post(URL, {"number": f"  {ret.number.lower()} "}, follow=True)
    assert Return.objects.get(pk=ret.pk).state == "received"
    assert ret.number in done.content.decode()
    again = warehouse_client.post(URL, {"number": ret.number}, follow=True, headers={"Accept-Language": "fr"})
    assert "Toutes les lignes de ce retour ont déjà été reçues." in again.content.decode()


def test_an_unknown_number_is_refused_and_staff_without_the_permission_cannot_scan(warehouse_client, db):
    unknown = warehouse_client.post(URL, {"number": "RNOPE"}, follow=True)
    assert "There is no return RNOPE." in unknown.content.decode()
    agent = User.objects.create_user("agent", is_staff=True)
    client = Client()
    client.force_login(agent)
    assert client.get(URL).status_code == 403


def test_the_warehouse_home_links_to_the_receive_page_and_an_agent_home_does_not(db):
    from django.contrib.auth.models import Group

    from retour.backoffice.roles import AGENTS, WAREHOUSE

    homes = {}
    for role in (WAREHOUSE, AGENTS):
        user = User.objects.create_user(role.lower(), is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        homes[role] = client.get(reverse("admin:index"), headers={"Accept-Language": "fr"}).content.decode()
    assert f'href="{URL}"' in homes[WAREHOUSE]
    assert "Réceptionner un colis" in homes[WAREHOUSE]
    assert f'href="{URL}"' not in homes[AGENTS]
    assert f'href="{reverse("backoffice:new-return")}"' in homes[AGENTS]
