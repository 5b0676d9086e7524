"""A shopper sees only their own orders and returns; everything else answers exactly like a page that
does not exist. Labels and photos go only to their owner (photos also to staff allowed to see returns);
every form needs its CSRF token; a return can be cancelled until the parcel is on its way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import delivered_line, json_order
from integration.portal.steps import choose_items, look_up, pick, png_bytes, resolution, text
from retour.catalog.models import Store
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies
from retour.returns.models import Return, ReturnPhoto, Withdrawal
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.photos import add_photo

pytestmark = pytest.mark.django_db


def returned(order: Order, method: str = Return.Method.LABEL) -> Return:
    """A return of one unit of the order's first item, approved, sent back by ``method``."""
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, "defective", "damaged")], return_method=method)


def with_photo(ret: Return) -> ReturnPhoto:
    return add_photo(ret.lines.get(), SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"))


@pytest.fixture
def neighbour(make_order: Callable[..., Order]) -> Order:
    """Another shopper's order in the same store."""
    return make_order("#2002")


@pytest.fixture
def elsewhere(other_store: Store) -> Order:
    """An order of another store, with the same number and email as ``order``."""
    policies.load_policy(other_store, policies.template_text("marketplace-standard"))
    record = json_order(
        number="#1001",
        customer={"email": "1001@example.com", "country": "FR"},
        shipping_country="FR",
        fulfillment_status="fulfilled",
        lines=[delivered_line("Bonnet", 1, "20.00")],
        shipments=[{"delivered_at": (timezone.now() - timedelta(days=5)).isoformat()}],
    )
    report = import_orders(other_store, [json_orders.parse_one(record, 1)])
    assert report.ok, report.errors
    return Order.objects.get(store=other_store)


def missing(client: Client, method: str, path: str, **data: Any):
    return client.post(path, data) if method == "post" else client.get(path)


def assert_like_missing(client: Client, method: str, path: str, absent: str) -> None:
    """``path`` answers exactly as ``absent`` (a page of the same kind that does not exist)."""
    seen, nothing = missing(client, method, path), missing(client, method, absent)
    assert seen.status_code == nothing.status_code == 404
    assert seen.content == nothing.content


def test_another_shopper_s_order_is_answered_like_a_missing_one(
    shopper: Client, order: Order, neighbour: Order
):
    absent = neighbour.pk + 1000
    for name in ("portal:order", "portal:options", "portal:withdraw"):
        assert_like_missing(shopper, "get", reverse(name, args=[neighbour.pk]), reverse(name, args=[absent]))
        assert_like_missing(shopper, "post", reverse(name, args=[neighbour.pk]), reverse(name, args=[absent]))
    assert shopper.get(reverse("portal:order", args=[order.pk])).status_code == 200


def test_another_shopper_s_return_is_answered_like_a_missing_one(
    shopper: Client, order: Order, neighbour: Order
):
    theirs = returned(neighbour)
    with_photo(theirs)
    photo = ReturnPhoto.objects.get()
    for name in ("portal:return", "portal:label"):
        assert_like_missing(
            shopper, "get", reverse(name, args=[theirs.number]), reverse(name, args=["R22222222"])
        )
    assert_like_missing(
        shopper,
        "get",
        reverse("portal:photo", args=[theirs.number, photo.pk]),
        reverse("portal:photo", args=["R22222222", photo.pk]),
    )
    assert_like_missing(
        shopper,
        "post",
        reverse("portal:cancel", args=[theirs.number]),
        reverse("portal:cancel", args=["R22222222"]),
    )
    theirs.refresh_from_db()
    assert theirs.state == "label_issued"  # not cancelled


def test_another_store_s_order_is_answered_like_a_missing_one(
    shopper: Client, order: Order, elsewhere: Order
):
    theirs = returned(elsewhere)
    absent = elsewhere.pk + 1000
    assert_like_missing(
        shopper, "get", reverse("portal:order", args=[elsewhere.pk]), reverse("portal:order", args=[absent])
    )
    assert_like_missing(
        shopper,
        "get",
        reverse("portal:return", args=[theirs.number]),
        reverse("portal:return", args=["R22222222"]),
    )


def test_the_same_number_and_email_open_only_the_store_s_own_order(order: Order, elsewhere: Order):
    client = Client()
    assert look_up(client, order)["Location"] == reverse("portal:order", args=[order.pk])
    assert client.get(reverse("portal:order", args=[elsewhere.pk])).status_code == 404


def test_a_return_of_one_order_is_not_reached_through_another_granted_order(
    shopper: Client, order: Order, neighbour: Order
):
    mine, theirs = returned(order), returned(neighbour)
    assert shopper.get(reverse("portal:return", args=[mine.number])).status_code == 200
    assert shopper.get(reverse("portal:return", args=[theirs.number.lower()])).status_code == 404


def test_the_label_is_the_owner_s_only(shopper: Client, order: Order):
    ret = returned(order)
    response = shopper.get(reverse("portal:label", args=[ret.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == f'attachment; filename="{ret.number}-label.pdf"'
    assert Client().get(reverse("portal:label", args=[ret.number])).status_code == 404


def test_a_return_going_back_without_a_label_has_none_to_download(shopper: Client, order: Order):
    ret = returned(order, Return.Method.DROP_OFF)
    assert shopper.get(reverse("portal:label", args=[ret.number])).status_code == 404


def test_photos_are_served_to_the_owner_and_to_staff_who_may_see_returns_only(
    shopper: Client, order: Order, agent: User, staff_user: User
):
    ret = returned(order)
    photo = with_photo(ret)
    path = reverse("portal:photo", args=[ret.number, photo.pk])
    owner = shopper.get(path)
    assert owner.status_code == 200
    assert owner["Content-Type"] == "image/png"
    assert owner["Cache-Control"] == "private, no-store"
    assert Client().get(path).status_code == 404
    allowed = Client()
    allowed.force_login(agent)  # returns.view_return
    assert allowed.get(path).status_code == 200
    other_staff = Client()
    other_staff.force_login(staff_user)  # staff, but only for orders
    assert other_staff.get(path).status_code == 404
    # A photo of another return, under this return's number, is not found either.
    other = with_photo(returned(order))
    assert shopper.get(reverse("portal:photo", args=[ret.number, other.pk])).status_code == 404


def test_the_photo_files_are_not_under_the_web_root(order: Order, settings):
    photo = with_photo(returned(order))
    for path in (
        f"/{photo.file.name}",
        f"{settings.STATIC_URL}{photo.file.name}",
        f"/media/{photo.file.name}",
    ):
        assert Client().get(path).status_code == 404


@pytest.fixture
def guarded(order: Order) -> tuple[Client, str]:
    """A shopper whose browser checks CSRF like a real one, having found ``order``; and its token."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("portal:home"))
    token = client.cookies["csrftoken"].value
    found = client.post(
        reverse("portal:home"),
        {
            "store": order.store.code,
            "number": order.number,
            "proof": order.email,
            "csrfmiddlewaretoken": token,
        },
    )
    assert found.status_code == 302
    return client, client.cookies["csrftoken"].value


def test_every_form_needs_its_csrf_token(guarded: tuple[Client, str], order: Order):
    client, token = guarded
    ret = returned(order)
    pull = order.lines.order_by("position").first()
    posts = {
        reverse("portal:home"): {"store": order.store.code, "number": order.number, "proof": order.email},
        reverse("portal:send_link"): {
            "store": order.store.code,
            "number": order.number,
            "email": order.email,
        },
        reverse("portal:order", args=[order.pk]): pick(order.lines.order_by("position").last()),
        reverse("portal:options", args=[order.pk]): {**resolution(pull), "method": "label"},
        reverse("portal:withdraw", args=[order.pk]): {"name": "A", "email": "a@example.com"},
        reverse("portal:cancel", args=[ret.number]): {},
        reverse("set_language"): {"language": "fr"},
    }
    for path, data in posts.items():
        response = client.post(path, data)
        assert response.status_code == 403, path
    ret.refresh_from_db()
    assert ret.state == "label_issued"
    assert Return.objects.count() == 1
    assert not Withdrawal.objects.exists()
    # With the token the same request goes through.
    cancelled = client.post(reverse("portal:cancel", args=[ret.number]), {"csrfmiddlewaretoken": token})
    assert cancelled.status_code == 302
    ret.refresh_from_db()
    assert ret.state == "cancelled"


def test_a_return_not_yet_sent_can_be_cancelled(shopper: Client, order: Order):
    ret = returned(order)
    page = shopper.get(reverse("portal:return", args=[ret.number]))
    assert "Cancel this return" in text(page)
    response = shopper.post(reverse("portal:cancel", args=[ret.number]), follow=True)
    ret.refresh_from_db()
    assert ret.state == "cancelled"
    assert ret.events.filter(kind="cancelled", reason="Cancelled by the shopper.").exists()
    assert "Your return is cancelled. You can start a new one from your order." in text(response)
    assert "Cancel this return" not in text(response)
    # Its units can be asked for again.
    assert choose_items(shopper, order, pick(order.lines.order_by("position").first(), 2)).status_code == 302


def test_a_return_received_at_the_warehouse_cannot_be_cancelled(shopper: Client, order: Order):
    ret = handling.receive(returned(order), actor=None)
    assert ret.state == "received"
    page = shopper.get(reverse("portal:return", args=[ret.number]))
    assert "Cancel this return" not in text(page)
    response = shopper.post(reverse("portal:cancel", args=[ret.number]), follow=True)
    ret.refresh_from_db()
    assert ret.state == "received"
    assert not ret.events.filter(kind="cancelled").exists()
    assert "This return can no longer be cancelled: part of it has been received." in text(response)


def test_a_return_on_its_way_cannot_be_cancelled_by_the_portal_the_api_or_the_back_office(
    shopper: Client, order: Order, agent, client_for
):
    ret = handling.mark_in_transit(returned(order), actor=None)
    assert "Cancel this return" not in text(shopper.get(reverse("portal:return", args=[ret.number])))
    response = shopper.post(reverse("portal:cancel", args=[ret.number]), follow=True)
    ret.refresh_from_db()
    assert ret.state == "in_transit"
    assert "This return can no longer be cancelled: its parcel is on its way." in text(response)
    # the same rule through the API (it used to cancel a parcel on its way)
    refused = client_for(agent).post(f"/api/v1/returns/{ret.number}/cancel", content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["title"] == "This return can no longer be cancelled: its parcel is on its way."
    ret.refresh_from_db()
    assert ret.state == "in_transit"
    assert not ret.events.filter(kind="cancelled").exists()


def test_cancelling_needs_a_post(shopper: Client, order: Order):
    ret = returned(order)
    assert shopper.get(reverse("portal:cancel", args=[ret.number])).status_code == 405
    ret.refresh_from_db()
    assert ret.state == "label_issued"


def test_finding_an_order_gives_the_session_a_new_id(order: Order, neighbour: Order, settings):
    client = Client()
    look_up(client, neighbour)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    look_up(client, order)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.get(reverse("portal:order", args=[neighbour.pk])).status_code == 200  # both are kept
    assert client.get(reverse("portal:order", args=[order.pk])).status_code == 200
