"""A staff member limited to some stores (backoffice StaffStore) is limited the same way through API tokens.

Two stores; a member works for the first only. With a token issued without a store, every operation of
/api/v1 is tried: each that names an object is called with the other store's object and must answer what
it answers for an object that does not exist (404, same problem code) or refuse both alike (403); each is
called with ``?store=`` the other store and must answer as for a store that does not exist. Nothing of
the other store changes. The member still reaches their own store, and one limited to both stores names
the one a call is about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.db.models import Max
from django.test import Client

from integration.backoffice.test_store_scope import return_in
from retour.api.models import ApiToken
from retour.api.v1 import api
from retour.backoffice.models import StaffStore
from retour.catalog.models import Store
from retour.logistics.models import ReturnAddress
from retour.refunds.models import Charge, GiftCard, GiftCardMovement, Refund, RefundRequest
from retour.returns.models import Exchange, Return, ReturnEvent, ReturnNote
from retour.webhooks import services as webhooks
from retour.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db
PARAM = re.compile(r"\{(\w+)\}")
# Not a store's objects, or not called with a staff token: public help, and what shops and carriers send.
NOT_STAFF = (
    "/api/v1/help/",
    "/api/v1/feedback/surveys/",
    "/api/v1/shop/webhooks/shopify",
    "/api/v1/shop/webhooks/woocommerce",
)
NOT_STAFF_EXACT = ("/api/v1/carriers/easypost/events",)
BODIES: dict[str, Any] = {
    "reject": {"reason": "Not ours."},
    "inspect": {"lines": []},
    "exchange": {"line": 1},
    "resolve": {"outcome": "repaired"},
    "use": {"amount": "1.00", "currency": "EUR", "reference": "isolation"},
    "withdrawal": {"name": "Ann Other", "email": "ann@example.com"},
    "recoveries": {"amount": "1.00", "reference": "isolation"},
    "invitations": {"email": "someone@example.com"},
    "respond": {"kind": "evidence", "tracking_number": "1Z999"},
    "decide": {"outcome": "granted", "note": "Isolation."},
    "appeal": {"party": "seller", "reason": "Isolation."},
    "verdict": {"verdict": "legitimate"},
    "status": {"state": "diagnosed"},
    "quote": {"amount": "10.00"},
    "notes": {"text": "Isolation."},
    "rules": [{"name": "iso", "when": {"orders_total": {"min": 1}}}],
    # What creates in a store: valid, so that the store is what is looked at.
    "orders": {
        "number": "#ISO1",
        "ordered_at": "2026-01-01T10:00:00Z",
        "currency": "EUR",
        "lines": [{"title": "Pull", "quantity": 1, "unit_price": "60.00"}],
    },
    "import": [
        {
            "number": "P-ISO1",
            "order": "#ISO1",
            "requested_at": "2026-01-02T10:00:00Z",
            "status": "refunded",
            "lines": [
                {"sku": "PULL", "quantity": 1, "reason": "size_fit", "resolution": "refund", "amount": "60"}
            ],
        }
    ],
    "returns": {"order": "#A1", "lines": [{"order_line": 1, "reason": "size_fit", "condition": "unopened"}]},
    "claims": {"order": "#A1", "claim_type": "not_received", "lines": [{"order_line": 1}]},
    "endpoints": {
        "url": "https://erp.example.com/h",
        "events": ["return.requested"],
        "owner_email": "a@example.com",
    },
    "connections": {"platform": "shopify", "shop_domain": "iso.myshopify.com", "webhook_secret": "s3cret"},
    "return-addresses": {
        "label": "Iso",
        "name": "Iso",
        "street1": "1 rue Iso",
        "postal_code": "75001",
        "city": "Paris",
        "country": "FR",
    },
}
PERIOD = "from=2026-01-01&to=2026-02-01"
QUERIES = {
    "/api/v1/exports/{dataset}": PERIOD,
    "/api/v1/privacy/access": "email=someone%40example.com",
    "/api/v1/segments/customers": "email=someone%40example.com",
}
# A 422 for both proves nothing: the body or query was refused before the store was looked at.
HINT = " (a 422: give the operation a valid body in BODIES or query in QUERIES of this file)"
# What a path names that is no store's object (``token``: a shopper's signed survey link).
NOT_OBJECTS = {"dataset", "name", "slug", "token"}


def _api(user: User, store: Store | None = None) -> Client:
    _record, clear = ApiToken.issue(user, "isolation", store=store)
    return Client(headers={"Authorization": f"Bearer {clear}", "Idempotency-Key": "isolation-key"})


def _member(username: str, *stores: Store) -> User:
    """A staff member with every permission (not a superuser: superusers reach every store)."""
    user = User.objects.create_user(username, f"{username}@example.com", is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    for store in stores:
        StaffStore.objects.create(user=user, store=store)
    return User.objects.get(pk=user.pk)  # permissions read afresh


def _theirs(other: Store) -> dict[str, Any]:
    """The other store's objects, by path parameter."""
    ret = return_in(other, "#B1")
    endpoint = webhooks.register(
        other, "https://erp.example.com/hook", ["return.requested"], "it@example.com"
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id="e1", event_type="return.requested", payload={}
    )
    address = ReturnAddress.objects.create(
        store=other, name="Entrepôt B", street1="1 rue B", postal_code="75001", city="Paris", country="FR"
    )
    GiftCard.objects.create(store=other, code="GIFT-B", currency="EUR")
    return {
        "number": ret.number,
        "order_number": ret.order.number,
        "line_id": ret.lines.get().pk,
        "charge_id": 1,
        "customer_id": ret.order.customer_id,
        "code": "GIFT-B",
        "seller_code": other.code,
        "endpoint_id": endpoint.pk,
        "delivery_id": delivery.pk,
        "address_id": address.pk,
        "connection_id": 1,
        "sync_id": 1,
        "slug": "nope",
        "name": "returns",
        "dataset": "returns",
    }


MISSING = {
    "number": "ZZZZ9999",
    "order_number": "#NOPE",
    "line_id": 999_999,
    "charge_id": 999_999,
    "customer_id": 999_999,
    "code": "NOPE",
    "seller_code": "nope",
    "endpoint_id": 999_999,
    "delivery_id": 999_999,
    "address_id": 999_999,
    "connection_id": 999_999,
    "sync_id": 999_999,
    "slug": "nope",
    "name": "returns",
    "dataset": "returns",
}


def _fill(path: str, values: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "number" and path.startswith("/api/v1/orders/"):
            name = "order_number"
        if name == "code" and path.startswith("/api/v1/sellers/"):
            name = "seller_code"
        return str(values.get(name, "nope"))  # a parameter added later: tried as a missing one

    return PARAM.sub(one, path).replace("#", "%23")


def _call(client: Client, method: str, path: str, url: str, query: str = "") -> tuple[int, str]:
    joined = "&".join(q for q in (QUERIES.get(path, ""), query) if q)
    url = f"{url}?{joined}" if joined else url
    if method == "get":
        response = client.get(url)
    elif path.endswith("/photos"):
        response = client.post(url, {"file": ContentFile(b"GIF89a", name="p.gif")})
    else:
        body = BODIES.get(path.rstrip("/").rsplit("/", 1)[-1], {})
        response = client.generic(method.upper(), url, json.dumps(body), content_type="application/json")
    kind = response.headers.get("Content-Type", "")
    return response.status_code, response.json().get("code", "") if kind.endswith("json") else ""


def _operations() -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        if not path.startswith(NOT_STAFF) and path not in NOT_STAFF_EXACT
        for method in operations
    ]


def _fingerprint(other: Store) -> dict[str, Any]:
    """What a call could have changed of the other store."""
    return {
        "returns": list(Return.objects.filter(store=other).values_list("number", "state", "updated_at")),
        "events": ReturnEvent.objects.filter(ret__store=other).count(),
        "notes": ReturnNote.objects.filter(ret__store=other).count(),
        "requests": RefundRequest.objects.filter(ret__store=other).count(),
        "refunds": Refund.objects.filter(request__ret__store=other).count(),
        "charges": Charge.objects.filter(store=other).count(),
        "exchanges": Exchange.objects.filter(ret__store=other).count(),
        "gift_card_movements": GiftCardMovement.objects.filter(card__store=other).count(),
        "endpoints": list(Endpoint.objects.filter(store=other).values_list("pk", "status")),
        "deliveries": list(
            Delivery.objects.filter(endpoint__store=other).values_list("pk", "status", "attempts")
        ),
        "addresses": ReturnAddress.objects.filter(store=other).count(),
        "latest_return": Return.objects.aggregate(m=Max("pk"))["m"],
    }


def test_a_limited_members_token_reaches_no_other_stores_object_through_any_operation(
    store: Store, other_store: Store, record_property: Callable[[str, object], None]
) -> None:
    ours = return_in(store, "#A1")
    theirs = _theirs(other_store)
    client = _api(_member("limited", store))
    before = _fingerprint(other_store)
    leaks, pairs = [], 0
    for method, path in _operations():
        if set(PARAM.findall(path)) - NOT_OBJECTS:
            pairs += 1
            expected = _call(client, method, path, _fill(path, MISSING))
            got = _call(client, method, path, _fill(path, theirs))
            if got != expected or got[0] not in (403, 404):
                leaks.append(f"{method.upper()} {path}: {got}, a missing object {expected}{HINT}")
        url = _fill(path, MISSING)
        pairs += 1
        expected = _call(client, method, path, url, "store=no-such-store")
        got = _call(client, method, path, url, f"store={other_store.code}")
        if got != expected or got[0] not in (403, 404):
            leaks.append(f"{method.upper()} {path} ?store=: {got}, a missing store {expected}{HINT}")
    print(f"Staff store isolation: {pairs} calls compared")
    record_property("staff_store_pairs", pairs)
    assert leaks == [], "\n".join(leaks)
    assert _fingerprint(other_store) == before
    assert pairs >= 80
    # The member's own store is reached, without naming it, by the same token.
    assert client.get(f"/api/v1/returns/{ours.number}").status_code == 200
    listed = client.get("/api/v1/returns").json()["items"]
    assert [item["number"] for item in listed] == [ours.number]
    assert client.get(f"/api/v1/returns/{theirs['number']}").status_code == 404


def test_a_member_of_two_stores_names_one_and_a_token_for_a_store_they_left_reaches_nothing(
    store: Store, other_store: Store
) -> None:
    ours, theirs = return_in(store, "#A1"), return_in(other_store, "#B1")
    third = Store.objects.create(code="third", name="Third", currency="EUR", country="FR")
    both = _api(_member("both", store, other_store))
    unnamed = both.get("/api/v1/returns")
    assert (unnamed.status_code, unnamed.json()["code"]) == (400, "store_required")
    assert "other-store, test-store" in unnamed.json()["title"]
    named = both.get("/api/v1/returns?store=other-store").json()["items"]
    assert [item["number"] for item in named] == [theirs.number]
    assert both.get(f"/api/v1/returns/{ours.number}?store=test-store").status_code == 200
    assert both.get(f"/api/v1/returns?store={third.code}").status_code == 404

    left = _member("left", store)
    stale = _api(left, store=other_store)  # issued for a store the member no longer works for
    assert stale.get(f"/api/v1/returns/{theirs.number}").status_code == 404
    assert stale.get(f"/api/v1/returns/{ours.number}").status_code == 404
    approve = stale.post(f"/api/v1/returns/{theirs.number}/approve", "{}", content_type="application/json")
    assert approve.status_code == 404
    assert Return.objects.get(pk=theirs.pk).state == theirs.state
