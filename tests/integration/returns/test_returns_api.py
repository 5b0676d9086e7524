"""``/api/v1/returns``: staff tokens, permissions, problem+json with stable codes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def body(order, quantity=1, **overrides):
    line = {
        "order_line": order.lines.order_by("position").first().pk,
        "quantity": quantity,
        "reason": "size_fit",
        "condition": "unopened",
    }
    line.update(overrides)
    return {"order": order.number, "lines": [line]}


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_create_then_read_a_return_with_decisions_and_timeline(order, agent, client_for):
    client = client_for(agent)
    created = post(client, "/api/v1/returns", body(order))
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["state"] == "approved"
    read = client.get(f"/api/v1/returns/{number}")
    assert read.status_code == 200
    data = read.json()
    assert data["lines"][0]["decisions"][0]["eligible"] is True
    assert "remboursé" in data["lines"][0]["decisions"][0]["explanation"]
    assert [event["kind"] for event in data["timeline"]] == ["requested", "approved"]
    assert data["timeline"][0]["by"] == "agent"


def test_the_whole_way_through_the_api(order, agent, warehouse, client_for):
    number = post(client_for(agent), "/api/v1/returns", body(order, 2)).json()["number"]
    store = client_for(warehouse)
    received = post(store, f"/api/v1/returns/{number}/receive")
    assert received.json()["state"] == "received"
    line = received.json()["lines"][0]["id"]
    inspected = post(
        store, f"/api/v1/returns/{number}/inspect", {"lines": [{"line": line, "condition": "used"}]}
    )
    assert inspected.status_code == 200, inspected.content
    data = inspected.json()
    assert data["state"] == "inspected"
    assert [d["stage"] for d in data["lines"][0]["decisions"]] == ["request", "inspection"]
    assert data["lines"][0]["inspection_change"]


def test_without_a_token_401_and_without_the_permission_403(order, warehouse, client_for):
    anonymous = post(Client(), "/api/v1/returns", body(order))
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    refused = post(client_for(warehouse), "/api/v1/returns", body(order))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_warehouse_cannot_approve_and_agent_cannot_receive(order, agent, warehouse, client_for):
    number = post(client_for(agent), "/api/v1/returns", body(order)).json()["number"]
    assert post(client_for(warehouse), f"/api/v1/returns/{number}/cancel").status_code == 403
    assert post(client_for(agent), f"/api/v1/returns/{number}/receive").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"quantity": 3}, 409, "quantity_unavailable"),
        ({"order_line": 10**9}, 422, "return_invalid"),
        ({"reason": "bored"}, 422, "invalid_request"),  # an enum in the OpenAPI document
        ({"condition": "like new"}, 422, "invalid_request"),
        ({"quantity": 0}, 422, "invalid_request"),
        ({"quantity": "two"}, 422, "invalid_request"),
    ],
)
def test_bad_requests_get_a_problem_with_a_stable_code(order, agent, overrides, status, code, client_for):
    response = post(client_for(agent), "/api/v1/returns", body(order, **overrides))
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_errors_speak_the_clients_language(order, agent, client_for):
    client = client_for(agent)
    response = client.post(
        "/api/v1/returns",
        body(order, quantity=3),
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )
    assert (
        response.json()["title"]
        == "Seules 2 unités de « Pull en laine » peuvent encore être retournées, pas 3."
    )


def test_unknown_order_and_unknown_return_are_404(order, agent, client_for):
    client = client_for(agent)
    missing = post(client, "/api/v1/returns", {"order": "#nope", "lines": body(order)["lines"]})
    assert (missing.status_code, missing.json()["code"]) == (404, "order_not_found")
    assert client.get("/api/v1/returns/RZZZZZZZZ").json()["code"] == "return_not_found"


def test_a_double_submitted_approval_is_a_conflict(order, agent, policy_store, client_for, review_policy):
    client = client_for(agent)
    number = post(client, "/api/v1/returns", body(order, reason="defective")).json()["number"]
    assert post(client, f"/api/v1/returns/{number}/approve").status_code == 200
    again = post(client, f"/api/v1/returns/{number}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "transition_refused")


def test_reject_and_cancel(order, agent, policy_store, client_for, review_policy):
    client = client_for(agent)
    number = post(client, "/api/v1/returns", body(order, reason="defective")).json()["number"]
    rejected = post(client, f"/api/v1/returns/{number}/reject", {"reason": "Article porté."})
    assert (rejected.json()["state"], rejected.json()["rejection_reason"]) == ("rejected", "Article porté.")
    other = post(client, "/api/v1/returns", body(order, reason="defective")).json()["number"]
    assert (
        post(client, f"/api/v1/returns/{other}/cancel", {"note": "asked by phone"}).json()["state"]
        == "cancelled"
    )


def test_exchange_through_the_api_then_resolve(order, agent, warehouse, client_for, policy_store):
    from decimal import Decimal

    from retour.catalog.models import Product, Variant

    product = Product.objects.filter(store=policy_store).first()
    Variant.objects.create(
        store=policy_store, product=product, sku="PULL-L", title="L", price=Decimal("75.00"), stock=4
    )
    agent_client = client_for(agent)
    number = post(agent_client, "/api/v1/returns", body(order, 2, resolution="exchange")).json()["number"]
    store = client_for(warehouse)
    line = post(store, f"/api/v1/returns/{number}/receive").json()["lines"][0]["id"]
    post(store, f"/api/v1/returns/{number}/inspect", {"lines": [{"line": line, "condition": "unopened"}]})
    unknown = post(agent_client, f"/api/v1/returns/{number}/exchange", {"line": line, "variant_sku": "NOPE"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "return_invalid")
    done = post(agent_client, f"/api/v1/returns/{number}/exchange", {"line": line, "variant_sku": "PULL-L"})
    assert done.status_code == 200, done.content
    assert done.json()["exchanges"][0]["difference"] == "30.00"
    assert done.json()["exchanges"][0]["owed"] == "30.00"  # a card paid by hand: a payment due
    unpaid = post(agent_client, f"/api/v1/returns/{number}/resolve", {"outcome": "exchanged"})
    assert (unpaid.status_code, unpaid.json()["code"]) == (409, "exchange_unpaid")
    from retour.refunds.models import Charge
    from retour.refunds.services.charging import confirm_collected

    charge = Charge.objects.get(exchange__ret__number=number)
    assert (charge.amount, charge.gateway, charge.status) == (Decimal("30.00"), "manual", "pending")
    confirm_collected(charge, actor=None)  # staff say the shopper paid
    resolved = post(agent_client, f"/api/v1/returns/{number}/resolve", {"outcome": "exchanged"})
    assert (resolved.json()["state"], resolved.json()["outcome"]) == ("resolved", "exchanged")


def test_refund_dates_and_legal_deadlines_for_a_french_and_a_german_shopper(
    make_order, agent, client_for, settings
):
    settings.FR_LEGAL_INTEREST_RATE = "6.00"
    client = client_for(agent)
    french = make_order("#FR1")
    german = make_order(
        "#DE1", language="en", shipping_country="DE", customer={"email": "de@example.com", "country": "DE"}
    )
    for order, country in ((french, "FR"), (german, "DE")):
        number = post(client, "/api/v1/returns", body(order)).json()["number"]
        deadlines = client.get(f"/api/v1/returns/{number}").json()["deadlines"]
        assert deadlines["country"] == country
        assert deadlines["legal_refund_due"]
        assert deadlines["refund_expected_earliest"] <= deadlines["refund_expected_latest"]
        rules = [step["rule"] for step in deadlines["late_refund_surcharge"]]
        if country == "FR":
            assert rules[:2] == ["legal_interest", "percent"]
            assert [step["percent"] for step in deadlines["late_refund_surcharge"]][1:5] == [
                "5",
                "10",
                "20",
                "50",
            ]
        else:
            assert rules == []  # the French surcharge is French law


def test_the_admin_shows_the_deadlines_to_staff(admin_client, order):
    from django.urls import reverse

    from retour.returns.services.creating import LineRequest, create_return

    ret = create_return(
        order, [LineRequest(order.lines.order_by("position").first().pk, 1, "size_fit", "unopened")]
    )
    html = admin_client.get(
        reverse("admin:returns_return_change", args=[ret.pk]), headers={"Accept-Language": "fr"}
    )
    text = html.content.decode()
    assert "14 jours après la rétractation" in text
    assert "L242-4" in text


def test_photos_are_uploaded_per_line_and_judged_by_their_bytes(order, agent, client_for):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    client = client_for(agent)
    created = post(client, "/api/v1/returns", body(order)).json()
    number, line = created["number"], created["lines"][0]["id"]
    path = f"/api/v1/returns/{number}/lines/{line}/photos"
    image = BytesIO()
    Image.new("RGB", (8, 8), "blue").save(image, "PNG")
    png = SimpleUploadedFile("tag.png", image.getvalue(), content_type="image/png")
    saved = client.post(path, {"file": png})
    assert saved.status_code == 201, saved.content
    assert saved.json()["content_type"] == "image/png"
    script = SimpleUploadedFile("tag.jpg", b"#!/bin/sh\nrm -rf /", content_type="image/jpeg")
    refused = client.post(path, {"file": script})
    assert (refused.status_code, refused.json()["code"]) == (422, "photo_refused")
    assert refused.json()["reason"] == "not_an_image"
    forged = client.post(f"/api/v1/returns/{number}/lines/999999/photos", {"file": png})
    assert forged.status_code == 422


def test_explanations_come_in_the_language_the_client_asks(order, agent, client_for):
    client = client_for(agent)
    number = post(client, "/api/v1/returns", body(order)).json()["number"]
    english = client.get(f"/api/v1/returns/{number}", headers={"Accept-Language": "en"}).json()
    french = client.get(f"/api/v1/returns/{number}", headers={"Accept-Language": "fr"}).json()
    assert "refunded" in english["lines"][0]["decisions"][0]["explanation"]
    assert "remboursé" in french["lines"][0]["decisions"][0]["explanation"]


def may_read_orders(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="orders", codename="view_order"))
    return user


def test_an_order_read_through_the_api_says_what_can_go_back(order, agent, client_for):
    client = client_for(may_read_orders(agent))
    line = order.lines.order_by("position").first()
    read = client.get(f"/api/v1/orders/{quote(order.number)}")
    assert read.status_code == 200, read.content
    data = read.json()
    first = data["lines"][0]
    assert first["id"] == line.pk
    assert (first["delivered_units"], first["in_returns"], first["returnable_units"]) == (2, 0, 2)
    assert first["not_returnable_because"] == ""
    post(client, "/api/v1/returns", body(order, 2))
    after = client.get(f"/api/v1/orders/{quote(order.number)}").json()
    assert (after["lines"][0]["returnable_units"], after["lines"][0]["in_returns"]) == (0, 2)
    assert after["lines"][0]["not_returnable_because"] == "in_return"
    assert len(after["returns"]) == 1
    # what the order says can go back is what a return may ask for
    refused = post(client, "/api/v1/returns", body(order, 1))
    assert refused.status_code == 409


def test_an_unknown_order_is_404_and_reading_orders_needs_the_permission(order, agent, warehouse, client_for):
    missing = client_for(may_read_orders(agent)).get("/api/v1/orders/NO-SUCH-ORDER")
    assert missing.status_code == 404
    assert missing.json()["code"] == "order_not_found"
    assert Client().get(f"/api/v1/orders/{quote(order.number)}").status_code == 401
    assert client_for(warehouse).get(f"/api/v1/orders/{quote(order.number)}").status_code == 403


def test_a_line_on_its_way_is_not_returnable_anywhere(make_order, agent, client_for):
    """One rule: the order view says not delivered, and a return asking for it is refused, not decided."""
    shipped = make_order(
        "#1077", shipments=[{"shipped_at": "2026-03-01T10:00:00+00:00", "delivered_at": None}]
    )
    client = client_for(may_read_orders(agent))
    line = client.get(f"/api/v1/orders/{quote(shipped.number)}").json()["lines"][0]
    assert (line["returnable_units"], line["not_returnable_because"]) == (0, "not_delivered")
    refused = post(client, "/api/v1/returns", body(shipped))
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_delivered"
    assert "has not been delivered yet" in refused.json()["title"]
    assert not shipped.returns.exists()


def test_a_parcel_marked_in_transit_through_the_api_keeps_its_tracking_number(
    order, agent, warehouse, client_for
):
    number = post(client_for(agent), "/api/v1/returns", body(order)).json()["number"]
    assert (
        post(client_for(agent), f"/api/v1/returns/{number}/in-transit").status_code == 403
    )  # the warehouse's
    sent = post(client_for(warehouse), f"/api/v1/returns/{number}/in-transit", {"tracking": "6A12345678901"})
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "in_transit"
    assert [e["kind"] for e in sent.json()["timeline"]][-1] == "in_transit"
    assert Return.objects.get(number=number).tracking_number == "6A12345678901"
    again = post(client_for(warehouse), f"/api/v1/returns/{number}/in-transit")
    assert again.status_code == 409  # the state table refuses it twice
