"""The pages: the portal home in the reader's language, the health check, and the back office."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from factories import json_line, json_order
from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policy_services
from retour.policies.domain.facts import Facts

pytestmark = pytest.mark.django_db

ADMIN_CHANGELISTS = [
    "orders/order",
    "orders/orderline",
    "orders/customer",
    "orders/payment",
    "orders/shipment",
    "catalog/product",
    "catalog/variant",
    "catalog/seller",
    "catalog/category",
    "catalog/store",
    "api/apitoken",
    "policies/returnpolicy",
    "policies/policyversion",
    "policies/policydecision",
]


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com"))
    return client


@pytest.fixture
def marketplace_order(store: Store) -> Order:
    order = json_order(
        lines=[json_line(sku="NB-154", seller="nordic-boards", category="snowboards", shipment=0)],
        payments=[{"method": "card", "amount": "10.00"}],
        shipments=[{"carrier": "DHL", "tracking_number": "JD0146"}],
    )
    report = import_orders(store, [json_orders.parse_one(order, 1)])
    assert report.created == 1
    return Order.objects.get()


# The portal


def test_the_home_page_is_in_english_by_default(db: None):
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Return an item" in html


def test_the_home_page_follows_the_browser_language(db: None):
    response = Client(headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Retourner un article" in html


def test_the_language_switcher_remembers_the_choice(db: None):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "fr"
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_an_unsupported_language_falls_back_to_english(db: None):
    response = Client(headers={"Accept-Language": "de-DE,de"}).get("/")
    assert '<html lang="en">' in response.content.decode()


def test_the_health_check_reports_ok(db: None):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# The back office


def test_the_back_office_asks_to_log_in(db: None):
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_the_login_page_renders(db: None):
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Retour back office" in html
    assert 'name="password"' in html


def test_the_login_page_follows_the_browser_language(db: None):
    response = Client(headers={"Accept-Language": "fr"}).get("/admin/login/")
    assert "Mot de passe" in response.content.decode()  # Django's own French catalogue


def test_staff_without_permissions_cannot_open_orders(db: None):
    client = Client()
    client.force_login(User.objects.create_user("intern", is_staff=True))
    assert client.get("/admin/orders/order/").status_code == 403


@pytest.mark.parametrize("model", ADMIN_CHANGELISTS)
def test_a_superuser_can_open_every_changelist(admin_client: Client, marketplace_order: Order, model: str):
    ApiToken.issue(User.objects.get(username="admin"), "sync")
    _a_policy_decision(marketplace_order.store)
    response = admin_client.get(f"/admin/{model}/")
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_a_superuser_can_open_an_order_with_its_lines(admin_client: Client, marketplace_order: Order):
    response = admin_client.get(f"/admin/orders/order/{marketplace_order.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "R-1001" in html
    assert "JD0146" in html


def test_the_changelists_search(admin_client: Client, marketplace_order: Order):
    response = admin_client.get("/admin/orders/order/", {"q": "R-1001"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def _a_policy_decision(store: Store) -> None:
    version = policy_services.load_policy(store, policy_services.template_text("marketplace-standard"))
    facts = Facts(
        country="FR",
        currency="EUR",
        category="apparel",
        unit_price=Decimal("20.00"),
        quantity=1,
        ordered_at=date(2026, 3, 1),
        delivered_at=date(2026, 3, 3),
        requested_at=date(2026, 3, 9),
        condition="opened",
        reason="size_fit",
    )
    policy_services.record(store, version, facts, policy_services.decide(version, facts), when=timezone.now())
