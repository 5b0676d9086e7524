"""A return from request to refund through the admin, in French, with a manual refund confirmed there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.refunds.models import Refund
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:returns_return_changelist")


def act(client, action, ret, note=""):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [ret.pk], "note": note},
        follow=True,
        headers={"Accept-Language": "fr"},
    )


def test_review_approve_receive_inspect_refund_confirm(admin_client, order, policy_store, review_policy):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    page = admin_client.get(
        reverse("admin:returns_return_change", args=[ret.pk]), headers={"Accept-Language": "fr"}
    )
    assert "historique" in page.content.decode().lower()
    for action, state in (
        ("approve_selected", "approved"),
        ("receive_selected", "received"),
        ("inspect_selected", "inspected"),
    ):
        response = act(admin_client, action, ret)
        assert response.status_code == 200
        assert Return.objects.get(pk=ret.pk).state == state, response.content.decode()[:500]
    act(admin_client, "refund_selected", ret)
    act(admin_client, "refund_selected", ret)  # a second click pays nothing more
    refund = Refund.objects.get()
    assert refund.status == "pending"
    admin_client.post(
        reverse("admin:refunds_refund_changelist"),
        {"action": "confirm_selected", "_selected_action": [refund.pk]},
        follow=True,
    )
    ret.refresh_from_db()
    assert (ret.state, ret.outcome) == ("resolved", "refunded")


def test_reject_needs_the_reason_typed_in_the_action_bar(admin_client, order, policy_store, review_policy):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    refused = act(admin_client, "reject_selected", ret)
    assert "le client le lira" in refused.content.decode()
    assert Return.objects.get(pk=ret.pk).state == "requested"
    act(admin_client, "reject_selected", ret, note="Article porté.")
    assert Return.objects.get(pk=ret.pk).rejection_reason == "Article porté."


def test_an_action_the_state_table_refuses_says_why(admin_client, order):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    response = act(admin_client, "inspect_selected", ret)
    assert "Seul un retour reçu peut être inspecté" in response.content.decode()


def test_exchange_for_another_size_then_close_in_the_admin(admin_client, order, policy_store):
    from decimal import Decimal

    from retour.catalog.models import Product, Variant
    from retour.returns.models import Exchange
    from retour.returns.services import handling

    Variant.objects.create(
        store=policy_store,
        product=Product.objects.filter(store=policy_store).first(),
        sku="PULL-L",
        price=Decimal("60.00"),
        stock=3,
    )
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "exchange")])
    ret = handling.receive(ret, actor=None)
    handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    unknown = admin_client.post(
        CHANGELIST,
        {"action": "exchange_selected", "_selected_action": [ret.pk], "sku": "NOPE"},
        follow=True,
        headers={"Accept-Language": "fr"},
    )
    assert "pas d’article de référence NOPE" in unknown.content.decode()
    admin_client.post(
        CHANGELIST,
        {"action": "exchange_selected", "_selected_action": [ret.pk], "sku": "PULL-L"},
        follow=True,
    )
    assert Exchange.objects.get(ret=ret).variant.sku == "PULL-L"
    act(admin_client, "close_exchanged_selected", ret)
    assert Return.objects.get(pk=ret.pk).outcome == "exchanged"


def test_a_parcel_is_marked_in_transit_in_the_admin_and_can_no_longer_be_cancelled(admin_client, order):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    act(admin_client, "mark_in_transit_selected", ret)
    ret.refresh_from_db()
    assert ret.state == "in_transit"
    act(admin_client, "cancel_selected", ret)
    ret.refresh_from_db()
    assert ret.state == "in_transit"


def test_the_admin_exchange_sends_the_variant_the_shopper_chose(admin_client, order, policy_store):
    from decimal import Decimal

    from retour.catalog.models import Product, Variant
    from retour.returns.models import Exchange
    from retour.returns.services import handling

    chosen = Variant.objects.create(
        store=policy_store,
        product=Product.objects.filter(store=policy_store).first(),
        sku="PULL-S",
        price=Decimal("60.00"),
        stock=3,
    )
    line = order.lines.order_by("position").first()
    request = LineRequest(line.pk, 1, "size_fit", "unopened", "exchange", exchange_variant_id=chosen.pk)
    ret = handling.receive(create_return(order, [request]), actor=None)
    handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    page = admin_client.get(reverse("admin:returns_return_change", args=[ret.pk])).content.decode()
    assert "PULL-S" in page  # staff see what the shopper asked for
    admin_client.post(CHANGELIST, {"action": "exchange_selected", "_selected_action": [ret.pk]}, follow=True)
    assert Exchange.objects.get(ret=ret).variant == chosen  # no SKU typed: the shopper's choice
