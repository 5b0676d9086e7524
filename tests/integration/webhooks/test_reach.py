"""Webhooks reached three ways: the API (staff permission, store scoping), the command, the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.webhooks import services
from retour.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

BODY = {
    "url": "https://erp.example.com/hooks",
    "events": ["return.approved"],
    "owner_email": "ops@example.com",
}


def client_for(store: Store | None = None, *codenames: str) -> Client:
    user = User.objects.create_user(f"u{User.objects.count()}", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="webhooks", codename__in=codenames)
    )
    _record, token = ApiToken.issue(user, "t", store=store)
    return Client(headers={"Authorization": f"Bearer {token}"})


ALL = (
    "view_endpoint",
    "add_endpoint",
    "change_endpoint",
    "delete_endpoint",
    "view_delivery",
    "change_delivery",
)


def delivery_of(endpoint: Endpoint) -> Delivery:
    return Delivery.objects.create(
        endpoint=endpoint, event_id="evt_r1", event_type="return.approved", payload={}, status="given_up"
    )


def test_staff_register_list_replay_and_delete_through_the_api(store: Store) -> None:
    api = client_for(store, *ALL)
    made = api.post("/api/v1/webhooks/endpoints", BODY, content_type="application/json")
    assert made.status_code == 201
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    listed = api.get("/api/v1/webhooks/endpoints").json()
    assert [(e["url"], e["store"], e["status"]) for e in listed] == [(BODY["url"], store.code, "active")]
    assert "secret" not in listed[0]  # shown once, at creation
    endpoint = Endpoint.objects.get()
    assert endpoint.secret == secret
    delivery = delivery_of(endpoint)
    log = api.get(f"/api/v1/webhooks/deliveries?endpoint={endpoint.pk}").json()
    assert [(d["event_id"], d["status"]) for d in log] == [("evt_r1", "given_up")]
    replayed = api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/replay")
    assert replayed.status_code == 202
    assert (replayed.json()["status"], replayed.json()["attempts"]) == ("pending", 0)
    Endpoint.objects.filter(pk=endpoint.pk).update(status="paused")
    resumed = api.post(f"/api/v1/webhooks/endpoints/{endpoint.pk}/resume")
    assert (resumed.status_code, resumed.json()["status"]) == (200, "active")
    assert api.delete(f"/api/v1/webhooks/endpoints/{endpoint.pk}").status_code == 204
    assert not Endpoint.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"url": "http://erp.example.com/hooks"}, "webhook_invalid"),
        ({"url": "file:///etc/passwd"}, "webhook_invalid"),
        ({"events": ["return.exploded"]}, "webhook_invalid"),
        ({"events": []}, "webhook_invalid"),
        ({"owner_email": ""}, "webhook_invalid"),
    ],
)
def test_a_bad_endpoint_is_refused_in_french_and_nothing_is_made(
    store: Store, change: dict, code: str
) -> None:  # type: ignore[type-arg]
    api = client_for(store, *ALL)
    answer = api.post(
        "/api/v1/webhooks/endpoints",
        BODY | change,
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert not Endpoint.objects.exists()


def test_the_french_error_for_an_insecure_url(store: Store) -> None:
    answer = client_for(store, *ALL).post(
        "/api/v1/webhooks/endpoints",
        BODY | {"url": "http://erp.example.com/"},
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert (
        answer.json()["title"]
        == "L’URL d’un webhook doit commencer par https:// (http:// seulement pour localhost)."
    )


def test_a_store_token_reaches_its_store_s_webhooks_only(store: Store, other_store: Store) -> None:
    theirs = services.register(other_store, "https://other.example.com/", ["claim.filed"], "o@example.com")
    delivery = delivery_of(theirs)
    api = client_for(store, *ALL)
    assert api.get("/api/v1/webhooks/endpoints").json() == []
    assert api.get("/api/v1/webhooks/deliveries").json() == []
    assert api.get("/api/v1/webhooks/endpoints?store=other-store").status_code == 404
    assert api.delete(f"/api/v1/webhooks/endpoints/{theirs.pk}").status_code == 404
    assert api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/replay").status_code == 404
    assert api.post(f"/api/v1/webhooks/endpoints/{theirs.pk}/resume").status_code == 404
    assert Endpoint.objects.filter(pk=theirs.pk).exists()
    assert Delivery.objects.get().status == "given_up"


def test_without_the_permission_nothing_is_reached(store: Store) -> None:
    api = client_for(store, "view_endpoint")
    assert api.get("/api/v1/webhooks/endpoints").status_code == 200
    assert api.post("/api/v1/webhooks/endpoints", BODY, content_type="application/json").status_code == 403
    assert api.get("/api/v1/webhooks/deliveries").status_code == 403
    assert not Endpoint.objects.exists()


def test_the_command_adds_lists_and_replays(store: Store) -> None:
    out = StringIO()
    call_command(
        "webhooks",
        "add",
        "https://erp.example.com/h",
        "--events",
        "return.approved,claim.filed",
        "--owner-email",
        "ops@example.com",
        stdout=out,
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["return.approved", "claim.filed"]
    assert endpoint.secret in out.getvalue()  # printed this once
    delivery = delivery_of(endpoint)
    listed = StringIO()
    call_command("webhooks", "list", stdout=listed)
    assert "https://erp.example.com/h" in listed.getvalue()
    assert "evt_r1\tgiven_up" in listed.getvalue()
    assert endpoint.secret not in listed.getvalue()
    call_command("webhooks", "replay", str(delivery.pk), stdout=StringIO())
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at <= timezone.now()
    Endpoint.objects.update(status="paused")
    call_command("webhooks", "resume", str(endpoint.pk), stdout=StringIO())
    assert Endpoint.objects.get().status == "active"
    with pytest.raises(CommandError, match="http:// only for localhost"):
        call_command(
            "webhooks",
            "add",
            "http://erp.example.com/",
            "--events",
            "return.approved",
            "--owner-email",
            "a@b.c",
        )
    with pytest.raises(CommandError, match="no webhook delivery 999"):
        call_command("webhooks", "replay", "999")
    assert Endpoint.objects.count() == 1


def test_the_admin_shows_the_secret_once_and_replays(store: Store, admin_client: Client) -> None:
    answer = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "store": store.pk,
            "url": "https://erp.example.com/h",
            "events": ["return.approved"],
            "owner_email": "ops@example.com",
            "language": "en",
        },
        follow=True,
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in answer.content.decode()
    page = admin_client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content.decode()
    refused = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "store": store.pk,
            "url": "http://erp.example.com/h",
            "events": ["return.approved"],
            "owner_email": "ops@example.com",
            "language": "en",
        },
    )
    assert refused.status_code == 200
    assert Endpoint.objects.count() == 1
    delivery = delivery_of(endpoint)
    assert "evt_r1" in admin_client.get("/admin/webhooks/delivery/").content.decode()
    admin_client.post(
        "/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [delivery.pk]}, follow=True
    )
    delivery.refresh_from_db()
    assert delivery.status == "pending"
