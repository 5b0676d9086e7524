"""Store credit and gift cards spent through the API, once per reference; balances shown in the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from integration.refunds.helpers import balanced, returned
from retour.core.money import Money
from retour.refunds.models import GiftCard, StoreCreditAccount
from retour.refunds.services import store_credit
from retour.refunds.services.paying import request_refund

pytestmark = pytest.mark.django_db


def cashier(*codenames: str) -> User:
    user = User.objects.create_user("cashier", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="refunds", codename__in=codenames)
    )
    return user


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_store_credit_is_spent_through_the_api_once_per_reference(order, client_for):
    request_refund(returned(order, {0: 1}), idempotency_key="credit", method="store_credit")  # 60 + 6
    client = client_for(cashier("view_storecreditaccount", "add_storecreditmovement"))
    base = f"/api/v1/customers/{order.customer_id}/store-credit"
    assert client.get(base).json() == [{"amount": "66.00", "currency": "EUR"}]
    spend = {"amount": "50.00", "currency": "EUR", "reference": "#2001"}
    first = post(client, f"{base}/use", spend)
    assert first.status_code == 201, first.content
    assert first.json()["balance"] == {"amount": "16.00", "currency": "EUR"}
    again = post(client, f"{base}/use", spend)
    assert (again.status_code, again.json()["balance"]["amount"]) == (200, "16.00")
    other = post(client, f"{base}/use", {**spend, "amount": "10.00"})
    assert (other.status_code, other.json()["code"]) == (422, "reference_reused")
    too_much = post(client, f"{base}/use", {"amount": "16.01", "currency": "EUR", "reference": "#2002"})
    assert (too_much.status_code, too_much.json()["code"]) == (409, "not_enough_store_credit")
    assert store_credit.balance(order.customer, "EUR") == Money.of("16.00", "EUR")
    assert balanced()


def test_spending_store_credit_needs_the_permission(order, client_for):
    client = client_for(cashier("view_storecreditaccount"))
    refused = post(
        client,
        f"/api/v1/customers/{order.customer_id}/store-credit/use",
        {"amount": "1.00", "currency": "EUR", "reference": "x"},
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    missing = client.get("/api/v1/customers/999999/store-credit")
    assert (missing.status_code, missing.json()["code"]) == (404, "customer_not_found")


def test_a_gift_card_is_read_and_spent_through_the_api(make_order, client_for):
    order = make_order("#G001", payments=[{"method": "gift_card", "amount": "145.00", "reference": "GC-API"}])
    request_refund(returned(order, {1: 1}), idempotency_key="gift")  # 25.00 back on the card
    client = client_for(cashier("view_giftcard", "add_giftcardmovement"))
    assert client.get("/api/v1/gift-cards/GC-API").json() == {"amount": "25.00", "currency": "EUR"}
    spent = post(
        client, "/api/v1/gift-cards/GC-API/use", {"amount": "5.00", "currency": "EUR", "reference": "#9"}
    )
    assert (spent.status_code, spent.json()["balance"]["amount"]) == (201, "20.00")
    assert client.get("/api/v1/gift-cards/NOPE").json()["code"] == "gift_card_not_found"


def test_the_admin_shows_store_credit_and_gift_card_balances(admin_client, make_order):
    order = make_order("#G002", payments=[{"method": "card", "amount": "145.00"}])
    request_refund(returned(order, {0: 1}), idempotency_key="credit", method="store_credit")
    account = StoreCreditAccount.objects.get(customer=order.customer)
    listing = admin_client.get(reverse("admin:refunds_storecreditaccount_changelist")).content.decode()
    assert "66,00" in listing or "66.00" in listing
    detail = admin_client.get(reverse("admin:refunds_storecreditaccount_change", args=[account.pk]))
    assert "66" in detail.content.decode()
    gifted = make_order(
        "#G003", payments=[{"method": "gift_card", "amount": "145.00", "reference": "GC-ADM"}]
    )
    request_refund(returned(gifted, {1: 1}), idempotency_key="gift")
    card = GiftCard.objects.get(code="GC-ADM")
    page = admin_client.get(reverse("admin:refunds_giftcard_changelist")).content.decode()
    assert "GC-ADM" in page
    assert "25" in page
    assert admin_client.get(reverse("admin:refunds_giftcard_change", args=[card.pk])).status_code == 200


def test_staff_mark_a_manual_charge_collected_in_the_admin(admin_client, order, policy_store):
    from retour.catalog.models import Product, Variant
    from retour.refunds.models import Charge
    from retour.returns.services.resolutions import exchange

    product = Product.objects.filter(store=policy_store).first()
    size = Variant.objects.create(store=policy_store, product=product, sku="PULL-L", price=Decimal("75.00"))
    ret = returned(order, {0: 2}, reason="size_fit", resolution="exchange")
    exchange(ret, ret.lines.get(), size, actor=None)
    charge = Charge.objects.get()
    admin_client.post(
        reverse("admin:refunds_charge_changelist"),
        {"action": "collected_selected", "_selected_action": [charge.pk]},
        follow=True,
    )
    charge.refresh_from_db()
    assert charge.status == "succeeded"
