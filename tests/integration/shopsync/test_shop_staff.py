"""Staff manage each store's shop connection three ways: the back office (in French and English), the
API and ``retour shop``; the secrets are kept and never shown again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client

from retour.catalog.models import Store
from retour.shopsync.models import Connection, OutgoingSync, ReceivedWebhook

pytestmark = pytest.mark.django_db

SECRET = "whsec-shop-0123456789"  # a test secret


def shop_staff(*codenames: str) -> User:
    user = User.objects.create_user("shopkeeper", "shop@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="shopsync", codename__in=codenames)
    )
    return user


def test_the_back_office_connects_a_shop_and_never_shows_its_secrets(
    store: Store, admin_client: Client
) -> None:
    form = {
        "store": store.pk,
        "platform": "shopify",
        "shop_domain": "https://My-Shop.myshopify.com/",
        "api_url": "",
        "active": "on",
        "webhook_secret": SECRET,
        "access_token": "shpat_abc",
        "api_secret": "",
    }
    answer = admin_client.post("/admin/shopsync/connection/add/", form, follow=True)
    assert answer.status_code == 200
    connection = Connection.objects.get()
    assert (connection.shop_domain, connection.webhook_secret, connection.access_token) == (
        "my-shop.myshopify.com",
        SECRET,
        "shpat_abc",
    )
    page = admin_client.get(f"/admin/shopsync/connection/{connection.pk}/change/").content.decode()
    assert SECRET not in page
    assert "shpat_abc" not in page
    # Saved again with the secret fields empty: the secrets are kept.
    admin_client.post(
        f"/admin/shopsync/connection/{connection.pk}/change/",
        {**form, "webhook_secret": "", "access_token": ""},
    )
    connection.refresh_from_db()
    assert (connection.webhook_secret, connection.access_token) == (SECRET, "shpat_abc")
    refused = admin_client.post("/admin/shopsync/connection/add/", {**form, "shop_domain": "not a domain"})
    assert refused.status_code == 200
    assert Connection.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Connexions aux boutiques", "Secret de signature des webhooks", "Domaine de la boutique"]),
        ("en", ["Shop connections", "Webhook signing secret", "Shop domain"]),
    ],
)
def test_the_connection_page_speaks_french_and_english(
    admin_client: Client, language: str, words: list[str]
) -> None:
    page = admin_client.get(
        "/admin/shopsync/connection/add/", headers={"accept-language": language}
    ).content.decode()
    for word in words:
        assert word in page


def test_the_api_connects_lists_and_switches_off_a_shop(store: Store, client_for) -> None:
    api = client_for(shop_staff("add_connection", "view_connection", "change_connection"))
    made = api.post(
        "/api/v1/shop/connections",
        {
            "platform": "woocommerce",
            "shop_domain": "shop.example.com",
            "webhook_secret": SECRET,
            "access_token": "ck",
            "api_secret": "cs",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["shop_domain"], body["has_api_access"], body["active"]) == ("shop.example.com", True, True)
    assert SECRET not in made.content.decode()
    again = api.post(
        "/api/v1/shop/connections",
        {"platform": "woocommerce", "shop_domain": "SHOP.example.com", "webhook_secret": SECRET},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (400, "shop_invalid")
    assert [c["id"] for c in api.get("/api/v1/shop/connections").json()] == [body["id"]]
    assert api.delete(f"/api/v1/shop/connections/{body['id']}").status_code == 204
    assert Connection.objects.get().active is False


def test_the_api_refuses_staff_without_the_permission(store: Store, client_for) -> None:
    api = client_for(shop_staff())
    answer = api.get("/api/v1/shop/connections")
    assert answer.status_code == 403
    refused = api.post(
        "/api/v1/shop/connections",
        {"platform": "shopify", "shop_domain": "x.myshopify.com", "webhook_secret": SECRET},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert not Connection.objects.exists()


def test_the_api_lists_received_webhooks_and_syncs_and_sends_one_again(store: Store, client_for) -> None:
    connection = Connection.objects.create(
        store=store, platform="shopify", shop_domain="a.myshopify.com", webhook_secret=SECRET
    )
    ReceivedWebhook.objects.create(
        connection=connection, platform="shopify", webhook_id="w1", topic="orders/create", outcome="forged"
    )
    sync = OutgoingSync.objects.create(
        connection=connection, kind="refund", key="refund:1", request={}, status="given_up", attempts=8
    )
    api = client_for(shop_staff("view_receivedwebhook", "view_outgoingsync", "change_outgoingsync"))
    assert [r["outcome"] for r in api.get("/api/v1/shop/webhooks?outcome=forged").json()] == ["forged"]
    assert [s["status"] for s in api.get("/api/v1/shop/syncs").json()] == ["given_up"]
    answer = api.post(f"/api/v1/shop/syncs/{sync.pk}/retry")
    assert (answer.status_code, answer.json()["status"], answer.json()["attempts"]) == (200, "pending", 0)
    assert api.post("/api/v1/shop/syncs/999/retry").status_code == 404


def test_retour_shop_connects_with_secrets_from_the_environment(store: Store, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RETOUR_SHOP_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("RETOUR_SHOP_ACCESS_TOKEN", "shpat_cli")
    call_command("shop", "connect", "shopify", "cli-shop.myshopify.com")
    connection = Connection.objects.get()
    assert (connection.webhook_secret, connection.access_token) == (SECRET, "shpat_cli")
    call_command("shop", "list")
    out = capsys.readouterr().out
    assert "cli-shop.myshopify.com" in out
    assert SECRET not in out
    with pytest.raises(CommandError, match="connected already"):
        call_command("shop", "connect", "shopify", "cli-shop.myshopify.com")
    monkeypatch.delenv("RETOUR_SHOP_WEBHOOK_SECRET")
    with pytest.raises(CommandError, match="signs its webhooks"):
        call_command("shop", "connect", "shopify", "other.myshopify.com")
    call_command("shop", "disconnect", str(connection.pk))
    assert Connection.objects.get().active is False
    call_command("shop", "webhooks")
    with pytest.raises(CommandError, match="no sync 42"):
        call_command("shop", "retry", "42")
