"""Staff create a return for a shopper: the order by its number, then lines, units, reason, condition,
resolution; the policy decides as for the portal, and a refusal is shown without creating anything."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from retour.returns.models import Return

pytestmark = pytest.mark.django_db
URL = reverse("backoffice:new-return")


@pytest.fixture
def agent_client(db: None) -> Client:
    user = User.objects.create_user("counter", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_return", "view_return", "approve_return"])
    )
    client = Client()
    client.force_login(user)
    return client


def lines_post(order, *rows: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {
        "lines-TOTAL_FORMS": len(rows),
        "lines-INITIAL_FORMS": len(rows),
        "language": "fr",
        "return_method": "",
    }
    for index, row in enumerate(rows):
        values = {"quantity": 0, "reason": "size_fit", "condition": "unopened", "resolution": "refund"}
        values.update(row)
        for name, value in values.items():
            data[f"lines-{index}-{name}"] = value
    return data


def page_of(order) -> str:
    return f"{URL}?{urlencode({'order': order.number, 'store': order.store_id})}"


def test_staff_pick_an_order_and_create_a_return_on_the_back_office_channel(agent_client, order):
    first, second = order.lines.order_by("position")
    page = agent_client.get(page_of(order), headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Pull en laine" in page.content.decode()
    done = agent_client.post(
        page_of(order),
        lines_post(order, {"order_line": first.pk, "quantity": 2}, {"order_line": second.pk, "quantity": 0}),
    )
    ret = Return.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:returns_return_change", args=[ret.pk])
    assert (ret.channel, ret.state, ret.created_by.username) == ("backoffice", "approved", "counter")
    assert list(ret.lines.values_list("order_line_id", "quantity")) == [(first.pk, 2)]


def test_an_unknown_order_number_is_said_clearly(agent_client, order):
    page = agent_client.get(f"{URL}?order=%23NOPE&store={order.store_id}", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "n’a pas de commande #NOPE" in page.content.decode()
    assert "Pull en laine" not in page.content.decode()


def test_too_many_units_are_refused_with_the_reason_and_nothing_is_created(agent_client, order):
    first, _second = order.lines.order_by("position")
    data = lines_post(order, {"order_line": first.pk, "quantity": 3})
    page = agent_client.post(page_of(order), data, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Only 2 of “Pull en laine” can still be returned, not 3." in page.content.decode()
    assert not Return.objects.exists()


def test_no_units_chosen_creates_nothing(agent_client, order):
    first, _second = order.lines.order_by("position")
    page = agent_client.post(page_of(order), lines_post(order, {"order_line": first.pk, "quantity": 0}))
    assert "Give a number of units for at least one item." in page.content.decode()
    assert not Return.objects.exists()


def test_staff_without_the_add_permission_cannot_create_returns(db, order):
    user = User.objects.create_user("looker", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_return"))
    client = Client()
    client.force_login(user)
    assert client.get(page_of(order)).status_code == 403
    assert client.post(page_of(order), lines_post(order)).status_code == 403
    assert not Return.objects.exists()


def test_the_admin_add_button_leads_to_the_page(agent_client, order):
    changelist = agent_client.get(reverse("admin:returns_return_changelist"))
    assert reverse("admin:returns_return_add") in changelist.content.decode()
    add = agent_client.get(reverse("admin:returns_return_add"))
    assert (add.status_code, add["Location"]) == (302, URL)
