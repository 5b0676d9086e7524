"""The admin's per-line work (receive and inspect line by line), the review queue, and exchanges made for
every line or none."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from retour.catalog.models import Product, Variant
from retour.returns.models import Exchange, Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:returns_return_changelist")


def client_with(username: str, *codenames: str) -> Client:
    user = User.objects.create_user(username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def warehouse_client(db: None) -> Client:
    return client_with("dock", "view_return", "receive_return")


@pytest.fixture
def two_lines(order) -> Return:
    pull, scarf = order.lines.order_by("position")
    return create_return(
        order,
        [
            LineRequest(pull.pk, 2, "size_fit", "unopened", "exchange"),
            LineRequest(scarf.pk, 1, "size_fit", "unopened", "exchange"),
        ],
    )


def receive_url(ret: Return) -> str:
    return reverse("admin:returns_return_receive", args=[ret.pk])


def inspect_url(ret: Return) -> str:
    return reverse("admin:returns_return_inspect", args=[ret.pk])


def test_the_warehouse_receives_one_line_then_the_other_from_the_admin(warehouse_client, two_lines):
    first, second = two_lines.lines.order_by("id")
    change = warehouse_client.get(reverse("admin:returns_return_change", args=[two_lines.pk]))
    assert receive_url(two_lines) in change.content.decode()
    page = warehouse_client.get(receive_url(two_lines), headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Écharpe" in page.content.decode()
    done = warehouse_client.post(
        receive_url(two_lines),
        {
            f"line-{first.pk}-status": "received",
            f"line-{first.pk}-quantity": 1,
            f"line-{second.pk}-status": "",
        },
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.reception, first.received_quantity) == ("received", 1)
    assert Return.objects.get(pk=two_lines.pk).state == "approved"
    warehouse_client.post(receive_url(two_lines), {f"line-{second.pk}-status": "lost"})
    second.refresh_from_db()
    assert second.reception == "lost"
    assert Return.objects.get(pk=two_lines.pk).state == "received"


def test_nothing_chosen_receives_nothing_and_says_so(warehouse_client, two_lines):
    first, second = two_lines.lines.order_by("id")
    page = warehouse_client.post(
        receive_url(two_lines),
        {f"line-{first.pk}-status": "", f"line-{second.pk}-status": ""},
        follow=True,
        headers={"Accept-Language": "en"},
    )
    assert "Choose what to record for at least one line." in page.content.decode()
    assert set(two_lines.lines.values_list("reception", flat=True)) == {"awaiting"}


def test_the_warehouse_grades_each_line_with_its_result_and_disposition(warehouse_client, two_lines):
    first, second = two_lines.lines.order_by("id")
    handling.receive(two_lines, actor=None)
    warehouse_client.post(
        inspect_url(two_lines),
        {
            f"line-{first.pk}-result": "accepted",
            f"line-{first.pk}-condition": "used",
            f"line-{first.pk}-disposition": "refurbish",
            f"line-{second.pk}-result": "review",
            f"line-{second.pk}-condition": "damaged",
            f"line-{second.pk}-disposition": "",
        },
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.inspection, first.graded_condition, first.disposition) == ("accepted", "used", "refurbish")
    assert first.inspection_change  # the policy decided again from the graded condition
    assert (second.inspection, second.graded_condition) == ("review", "damaged")
    assert Return.objects.get(pk=two_lines.pk).state == "received"  # one line still to review
    warehouse_client.post(
        inspect_url(two_lines),
        {
            f"line-{second.pk}-result": "rejected",
            f"line-{second.pk}-condition": "damaged",
            f"line-{second.pk}-disposition": "scrap",
        },
    )
    assert Return.objects.get(pk=two_lines.pk).state == "inspected"


def test_staff_who_may_not_receive_cannot_open_the_line_pages(two_lines):
    agent = client_with("desk", "view_return", "approve_return")
    assert agent.get(receive_url(two_lines)).status_code == 403
    assert agent.post(inspect_url(two_lines), {}).status_code == 403


def test_the_exchange_action_makes_every_line_or_none(admin_client, two_lines, policy_store):
    handling.receive(two_lines, actor=None)
    gradings = [handling.Grading(line.pk, "unopened") for line in two_lines.lines.all()]
    handling.inspect(two_lines, gradings, actor=None)
    product = Product.objects.filter(store=policy_store).first()
    Variant.objects.create(
        store=policy_store, product=product, sku="ONE-LEFT", price=Decimal("60.00"), stock=2
    )
    # Line 1 takes the two units left; line 2 finds none: nothing at all is exchanged.
    admin_client.post(
        CHANGELIST,
        {"action": "exchange_selected", "_selected_action": [two_lines.pk], "sku": "ONE-LEFT"},
        follow=True,
    )
    assert not Exchange.objects.exists()
    assert Variant.objects.get(sku="ONE-LEFT").stock == 2
    assert not two_lines.events.filter(kind="exchange").exists()


def test_the_review_queue_in_the_admin_comes_oldest_first(admin_client, make_order, review_policy):
    returns = []
    for number in ("#2101", "#2102"):
        order = make_order(number)
        line = order.lines.order_by("position").first()
        returns.append(create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")]))
    Return.objects.filter(pk=returns[0].pk).update(created_at=timezone.now() - timedelta(days=2))
    approved_order = make_order("#2103")
    line = approved_order.lines.order_by("position").first()
    create_return(approved_order, [LineRequest(line.pk, 1, "size_fit", "unopened")])  # auto-approved
    page = admin_client.get(CHANGELIST, {"waiting": "review"}, headers={"Accept-Language": "fr"})
    queue = list(page.context["cl"].result_list)
    assert queue == [Return.objects.get(pk=returns[0].pk), Return.objects.get(pk=returns[1].pk)]
    assert "en attente de" in page.content.decode().lower()
