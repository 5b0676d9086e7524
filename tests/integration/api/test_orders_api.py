"""POST /api/v1/orders: staff tokens only, idempotent on the order number, problems as problem+json."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from factories import json_order
from retour.api.models import ApiToken
from retour.catalog.models import Store
from retour.orders.models import Order, Shipment

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"
PROBLEM = "application/problem+json"


def post(client: Client, body: Any, url: str = URL) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def token_for(user: User) -> str:
    return ApiToken.issue(user)[1]


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"], body["type"]) == (status, code, f"urn:retour:error:{code}")
    assert body["title"]
    return body


# Who may send orders


def test_a_request_without_a_token_is_unauthenticated(store: Store):
    assert_problem(post(Client(), json_order()), 401, "unauthenticated")
    assert not Order.objects.exists()


def test_an_unknown_token_is_unauthenticated(store: Store):
    assert_problem(post(bearer("rt_not-a-token"), json_order()), 401, "unauthenticated")


def test_a_token_of_a_user_who_is_not_staff_is_unauthenticated(store: Store):
    user = User.objects.create_user("shopper")
    assert_problem(post(bearer(token_for(user)), json_order()), 401, "unauthenticated")


def test_a_token_of_an_inactive_staff_user_is_unauthenticated(
    store: Store, staff_user: User, api_client: Client
):
    staff_user.is_active = False
    staff_user.save()
    assert_problem(post(api_client, json_order()), 401, "unauthenticated")


def test_a_revoked_token_is_unauthenticated(store: Store, api_client: Client):
    ApiToken.objects.update(revoked_at=timezone.now())
    assert_problem(post(api_client, json_order()), 401, "unauthenticated")
    assert not Order.objects.exists()


def test_staff_without_the_order_permissions_are_refused(store: Store):
    user = User.objects.create_user("agent", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="orders", codename="add_order"))
    assert_problem(post(bearer(token_for(user)), json_order()), 403, "permission_denied")
    assert not Order.objects.exists()


def test_only_a_digest_of_the_token_is_kept_and_its_use_is_recorded(store: Store, api_token: str):
    record = ApiToken.objects.get()
    assert api_token not in (record.token_digest, record.hint)
    assert api_token.startswith(record.hint)
    assert record.last_used_at is None
    post(bearer(api_token), json_order())
    record.refresh_from_db()
    assert record.last_used_at is not None


# Creating and updating an order


def test_a_valid_order_is_created(store: Store, api_client: Client):
    response = post(api_client, json_order())
    assert response.status_code == 201
    assert response.json() == {"number": "R-1001", "status": "created", "lines": 1}
    order = Order.objects.get(store=store)
    assert (order.number, order.source, order.email) == ("R-1001", "json", "ayumu@example.com")


def test_sending_the_same_order_again_changes_nothing(store: Store, api_client: Client):
    post(api_client, json_order())
    order = Order.objects.get()
    response = post(api_client, json_order())
    assert response.status_code == 200
    assert response.json() == {"number": "R-1001", "status": "unchanged", "lines": 0}
    assert Order.objects.get().updated_at == order.updated_at
    assert Order.objects.count() == 1


def test_a_delivered_order_is_updated_in_place(store: Store, api_client: Client):
    shipment = {"carrier": "DHL", "tracking_number": "JD0146", "shipped_at": "2025-05-12T08:00:00+02:00"}
    order = json_order(shipments=[shipment], lines=[{"title": "Board", "quantity": 1, "unit_price": "10.00"}])
    post(api_client, order)
    order_id, shipment_id = Order.objects.get().pk, Shipment.objects.get().pk

    order["shipments"][0]["delivered_at"] = "2025-05-14T16:30:00+02:00"
    response = post(api_client, order)

    assert response.status_code == 200
    assert response.json() == {"number": "R-1001", "status": "updated", "lines": 1}
    shipment_now = Shipment.objects.get()
    assert (shipment_now.pk, shipment_now.order_id) == (shipment_id, order_id)
    assert shipment_now.delivered_at is not None
    assert shipment_now.delivered_at.isoformat() == "2025-05-14T14:30:00+00:00"


def test_an_order_goes_to_the_store_named_in_the_query(store: Store, other_store: Store, api_client: Client):
    assert post(api_client, json_order(), f"{URL}?store={other_store.code}").status_code == 201
    assert Order.objects.get().store == other_store


def test_an_unknown_store_is_not_found(store: Store, api_client: Client):
    body = assert_problem(post(api_client, json_order(), f"{URL}?store=unknown"), 404, "store_not_found")
    assert "unknown" in body["title"]


def test_several_stores_need_the_store_named(store: Store, other_store: Store, api_client: Client):
    assert_problem(post(api_client, json_order()), 404, "store_not_found")
    assert not Order.objects.exists()


# Bad requests


def test_an_unknown_field_is_an_invalid_request(store: Store, api_client: Client):
    body = assert_problem(post(api_client, json_order(coupon="SPRING")), 422, "invalid_request")
    assert body["errors"] == [{"field": "coupon", "message": "Extra inputs are not permitted"}]
    assert not Order.objects.exists()


def test_an_unknown_currency_is_an_invalid_request(store: Store, api_client: Client):
    body = assert_problem(post(api_client, json_order(currency="EUX")), 422, "invalid_request")
    [error] = body["errors"]
    assert error["field"] == "currency"
    assert "ISO 4217" in error["message"]


def test_every_invalid_field_is_listed(store: Store, api_client: Client):
    order = json_order(
        ordered_at="2025-05-11T09:55:16", lines=[{"title": "", "quantity": 0, "unit_price": "1"}]
    )
    body = assert_problem(post(api_client, order), 422, "invalid_request")
    assert {error["field"] for error in body["errors"]} == {
        "ordered_at",
        "lines.0.title",
        "lines.0.quantity",
    }


def test_invalid_fields_are_explained_in_french(store: Store, api_client: Client):
    order = json_order(
        ordered_at="2025-05-11",
        customer={"email": "ayumu.example.com"},
        lines=[{"title": "Board", "quantity": "two", "unit_price": "10,00"}],
    )
    del order["currency"]
    response = api_client.post(
        URL, json.dumps(order), content_type="application/json", headers={"Accept-Language": "fr"}
    )
    body = assert_problem(response, 422, "invalid_request")
    assert body["title"] == "La requête n’est pas valide."
    assert {error["field"]: error["message"] for error in body["errors"]} == {
        "currency": "Champ obligatoire",
        "ordered_at": "Doit indiquer le décalage horaire, par exemple +01:00",
        "customer.email": "ce n’est pas une adresse e-mail valide",
        "lines.0.quantity": "Doit être un nombre entier valide ; ce texte n’en est pas un",
        "lines.0.unit_price": "Doit être un nombre décimal valide",
    }


def test_a_body_that_is_not_json_is_a_bad_request(store: Store, api_client: Client):
    response = api_client.post(URL, "{oops", content_type="application/json")
    assert assert_problem(response, 400, "http_error")["title"] == "The request body is not valid JSON."
    response = api_client.post(
        URL, "{oops", content_type="application/json", headers={"Accept-Language": "fr"}
    )
    assert assert_problem(response, 400, "http_error")["title"] == (
        "Le corps de la requête n’est pas du JSON valide."
    )


def test_totals_that_do_not_add_up_make_the_order_invalid(store: Store, api_client: Client):
    body = assert_problem(post(api_client, json_order(total="11.00")), 422, "order_invalid")
    [error] = body["errors"]
    assert error["field"] == "total"
    assert error["message"].startswith("inconsistent totals: 11.00")
    assert not Order.objects.exists()


def test_an_order_sent_again_in_another_currency_is_refused(store: Store, api_client: Client):
    assert post(api_client, json_order()).status_code == 201
    body = assert_problem(post(api_client, json_order(currency="USD")), 422, "order_invalid")
    [error] = body["errors"]
    assert error["field"] == "currency"
    assert "EUR" in error["message"]
    assert "USD" in error["message"]
    assert Order.objects.get().currency == "EUR"


def test_amounts_finer_than_the_currency_make_the_order_invalid(store: Store, api_client: Client):
    order = json_order(currency="JPY", lines=[{"title": "Board", "quantity": 1, "unit_price": "10.5"}])
    body = assert_problem(post(api_client, order), 422, "order_invalid")
    assert [error["field"] for error in body["errors"]] == ["lines.0.unit_price"]


# What the columns cannot hold: the same answer on SQLite and PostgreSQL, never a database error


def test_a_quantity_beyond_its_column_makes_the_order_invalid(store: Store, api_client: Client):
    order = json_order(lines=[{"title": "Board", "quantity": 3_000_000_000, "unit_price": "0.00"}])
    body = assert_problem(post(api_client, order), 422, "order_invalid")
    assert body["errors"] == [
        {
            "field": "lines.0.quantity",
            "message": "3000000000 is more than 2147483647, the largest this column holds",
        }
    ]
    assert not Order.objects.exists()


def test_an_amount_of_twenty_digits_is_an_invalid_request(store: Store, api_client: Client):
    order = json_order(lines=[{"title": "Board", "quantity": 1, "unit_price": "12345678901234567890.00"}])
    body = assert_problem(post(api_client, order), 422, "invalid_request")
    assert body["errors"] == [
        {
            "field": "lines.0.unit_price",
            "message": "12345678901234567890.00 has more than 15 digits before the decimal point",
        }
    ]


def test_discount_codes_longer_than_their_column_make_the_order_invalid(store: Store, api_client: Client):
    order = json_order(discount_codes=[f"SPRING-SALE-CODE-{n:03d}" for n in range(14)])
    body = assert_problem(post(api_client, order), 422, "order_invalid")
    assert body["errors"] == [
        {"field": "discount_codes", "message": "306 characters, more than the 255 this column holds"}
    ]


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(json_order()).replace('"quantity": 1', '"quantity": ' + "9" * 5000),
        '{"number": "R-1", "lines": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["a 5000-digit integer", "5000 nested arrays"],
)
def test_a_body_no_parser_should_read_is_a_clean_bad_request(store: Store, api_client: Client, body: str):
    response = api_client.post(URL, body, content_type="application/json")
    assert assert_problem(response, 400, "http_error")["title"] == "The request body is not valid JSON."
    assert not Order.objects.exists()


# The documentation


def test_the_api_documentation_is_published(db: None):
    assert Client().get("/api/docs").status_code == 200
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/orders" in schema["paths"]
    assert "OrderIn" in schema["components"]["schemas"]


# create-api-token


def test_create_api_token_prints_a_token_that_works(store: Store, staff_user: User):
    out = io.StringIO()
    call_command("create_api_token", staff_user.username, "--name", "shop sync", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("rt_")
    assert ApiToken.objects.get().name == "shop sync"
    assert post(bearer(token), json_order()).status_code == 201


def test_create_api_token_refuses_an_unknown_user(db: None):
    with pytest.raises(CommandError, match="No user named ghost"):
        call_command("create_api_token", "ghost", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_create_api_token_refuses_a_user_who_is_not_staff(db: None):
    User.objects.create_user("shopper")
    with pytest.raises(CommandError, match="shopper is not an active staff user"):
        call_command("create_api_token", "shopper", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
