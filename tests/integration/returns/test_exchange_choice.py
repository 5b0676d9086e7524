"""The variant a shopper chose for an exchange is what is sent, whoever sends the exchange: the admin's
action (test_admin.py) and the API's, when no other SKU is given, go through one rule in the service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from retour.catalog.models import Product, Store, Variant
from retour.orders.models import Order
from retour.returns.models import Exchange
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.resolutions import exchange

pytestmark = pytest.mark.django_db


def _chosen(store: Store) -> Variant:
    return Variant.objects.create(
        store=store,
        product=Product.objects.filter(store=store).first(),
        sku="PULL-S",
        price=Decimal("60.00"),
        stock=3,
    )


def _inspected_exchange(order: Order, chosen: Variant):
    line = order.lines.order_by("position").first()
    request = LineRequest(line.pk, 1, "size_fit", "unopened", "exchange", exchange_variant_id=chosen.pk)
    ret = handling.receive(create_return(order, [request]), actor=None)
    return handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)


def test_the_api_exchange_without_a_sku_sends_the_variant_the_shopper_chose(
    order, policy_store, agent, client_for
):
    chosen = _chosen(policy_store)
    ret = _inspected_exchange(order, chosen)
    api = client_for(agent)
    done = api.post(
        f"/api/v1/returns/{ret.number}/exchange",
        {"line": ret.lines.get().pk},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    made = Exchange.objects.get(ret=ret)
    assert (made.variant, made.kind) == (chosen, "exchange")
    assert Variant.objects.get(pk=chosen.pk).stock == 2


def test_a_sku_given_by_staff_still_wins_over_the_shoppers_choice(order: Order, policy_store: Store):
    chosen = _chosen(policy_store)
    other = Variant.objects.create(
        store=policy_store, product=chosen.product, sku="PULL-L", price=Decimal("60.00"), stock=3
    )
    ret = _inspected_exchange(order, chosen)
    staff = User.objects.create_user("staff-x", is_staff=True)
    made = exchange(ret, ret.lines.get(), other, actor=staff)
    assert (made.variant, made.kind) == (other, "exchange")
    assert Variant.objects.get(pk=chosen.pk).stock == 3  # the shopper's choice was not taken
