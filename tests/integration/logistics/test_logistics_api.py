"""``/api/v1/return-addresses`` and ``/api/v1/carriers/returns/{number}/…``: staff manage the return
addresses and their rules, see a return's labels and tracking, and ask for a label again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from retour.logistics.models import ReturnAddress
from retour.logistics.services import issue_label

pytestmark = pytest.mark.django_db

ADDRESS = {
    "label": "Entrepôt de Lyon",
    "name": "Service retours",
    "street1": "12 rue de l’Atelier",
    "postal_code": "69002",
    "city": "Lyon",
    "country": "fr",
    "countries": "fr,be",
}


@pytest.fixture
def admin_staff(db: None) -> User:
    user = User.objects.create_user("logistician", "l@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="logistics"),
        *Permission.objects.filter(
            content_type__app_label="returns", codename__in=["view_return", "change_return"]
        ),
    )
    return user


def test_staff_add_list_and_deactivate_return_addresses(shopper_order, admin_staff, client_for):
    api = client_for(admin_staff)
    made = api.post("/api/v1/return-addresses", ADDRESS, content_type="application/json")
    assert made.status_code == 201
    body = made.json()
    assert (body["country"], body["countries"], body["store"]) == ("FR", "BE,FR", shopper_order.store.code)
    assert [a["label"] for a in api.get("/api/v1/return-addresses").json()] == ["Entrepôt de Lyon"]
    assert api.delete(f"/api/v1/return-addresses/{body['id']}").status_code == 204
    assert not ReturnAddress.objects.get().active
    assert api.delete("/api/v1/return-addresses/999999").json()["code"] == "return_address_not_found"


def test_a_wrong_address_is_a_422_problem_and_saves_nothing(shopper_order, admin_staff, client_for):
    answer = client_for(admin_staff).post(
        "/api/v1/return-addresses", {**ADDRESS, "country": "France"}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "return_address_invalid"
    assert not ReturnAddress.objects.exists()


def test_staff_without_the_permission_are_refused(shopper_order, warehouse, client_for):
    answer = client_for(warehouse).post("/api/v1/return-addresses", ADDRESS, content_type="application/json")
    assert answer.status_code == 403
    assert not ReturnAddress.objects.exists()


def test_a_returns_labels_and_tracking_and_a_label_asked_for_again(
    approved, fake_easypost, lyon_warehouse, admin_staff, client_for
):
    fake_easypost.fail_next = True
    ret = issue_label(approved())
    api = client_for(admin_staff)
    assert api.get(f"/api/v1/carriers/returns/{ret.number}/shipments").json() == []
    fake_easypost.fail_next = True
    refused = api.post(f"/api/v1/carriers/returns/{ret.number}/label")
    assert (refused.status_code, refused.json()["code"]) == (502, "carrier_failed")
    (label,) = api.post(f"/api/v1/carriers/returns/{ret.number}/label").json()
    assert (label["carrier"], label["postage_paid"], label["cost"], label["currency"]) == (
        "LaPoste",
        True,
        "7.4500",
        "EUR",
    )
    assert label["return_address"] == lyon_warehouse.pk
    assert api.get(f"/api/v1/carriers/returns/{ret.number}/shipments").json() == [label]
