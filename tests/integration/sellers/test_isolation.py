"""Isolation, the core of a seller portal: a seller's account reaches its own objects only.

For every seller page that names an object and every API operation that names one, each object of
another seller (and of the marketplace's own orders) is tried with a seller's session or token: the
answer must be the very answer to an object that does not exist (404, same problem code), or the same
refusal for every object (403: the operation is not a seller's at all). The pairs tried are counted and
printed; a seller page or API operation added later without a row here fails the test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from integration.sellers.conftest import Marketplace, seller_user
from retour.api.models import ApiToken
from retour.api.v1 import api
from retour.claims.models import Claim, ClaimPhoto
from retour.repairs.models import Repair, Repairer

pytestmark = pytest.mark.django_db
PARAM = re.compile(r"\{(\w+)\}")
MISSING = {
    "number": "ZZZZ9999",
    "order_id": 999_999,
    "line_id": 999_999,
    "photo_id": 999_999,
    "token_id": 999_999,
}

# A valid body for each operation (by its last path segment): a body the schema refused would answer 422
# before the object is looked up, and prove nothing.
BODIES: dict[str, dict[str, Any]] = {
    "withdrawal": {"name": "Ann Other", "email": "ann@example.com"},
    "approve": {},
    "reject": {"reason": "Not ours."},
    "in-transit": {},
    "receive": {},
    "inspect": {"lines": []},
    "cancel": {},
    "exchange": {"line": 1},
    "resolve": {"outcome": "repaired"},
    "refund": {},
    "charge": {},
    "collected": {},
    "use": {"amount": "1.00", "currency": "EUR", "reference": "isolation"},
    "respond": {"kind": "evidence", "tracking_number": "1Z999"},
    "decide": {"outcome": "granted", "note": "Isolation."},
    "appeal": {"party": "seller", "reason": "Isolation."},
    "invitations": {"email": "someone@example.com"},
    "recoveries": {"amount": "1.00", "reference": "isolation"},
    "replay": {},
    "notes": {"text": "Isolation."},
    "resume": {},
    "status": {"state": "received"},  # /api/v1/repairs/{number}/status
    "quote": {"amount": "10.00"},
    "accept": {},
    "decline": {},
    "pay": {},  # /api/v1/repairs/{number}/pay
    "verdict": {"verdict": "fraud"},
    "observations": {"received_weight_grams": 10},
    "{endpoint_id}": {},  # DELETE /api/v1/webhooks/endpoints/{endpoint_id}
    "label": {},  # POST /api/v1/carriers/returns/{number}/label
    "{connection_id}": {},  # DELETE /api/v1/shop/connections/{connection_id}
    "retry": {},  # POST /api/v1/shop/syncs/{sync_id}/retry
    "import": {},  # POST /api/v1/shop/connections/{connection_id}/import
    "{address_id}": {},  # DELETE /api/v1/return-addresses/{address_id}
}
QUERIES = {"/api/v1/exports/{dataset}": "?from=2026-01-01&to=2026-02-01"}  # what the operation requires
# Public help articles, and surveys reached by their link's token: nobody's.
NOT_SELLER_OBJECTS = ("/api/v1/help/", "/api/v1/feedback/surveys/")


def _foreign(market: Marketplace) -> dict[str, list[Any]]:
    """What Atelier Nord must never reach, by path parameter: Maison Sud's, the store's own, and the
    return that carries both sellers' items (the marketplace's to handle)."""
    sud, own = market.sud, market.own
    assert sud.claim is not None
    return {
        "order_number": [
            sud.claim_order.number,
            sud.return_order.number,
            own.claim_order.number,
            own.return_order.number,
        ],
        "order_id": [sud.claim_order.pk, sud.return_order.pk, own.claim_order.pk, own.return_order.pk],
        "return": [sud.ret.number, own.ret.number, market.mixed_return.number],
        "claim": [sud.claim.number],
        "customer_id": [sud.return_order.customer_id, own.return_order.customer_id],
        "code": ["maison-sud", market.store.code],
    }


def _api_values(path: str, market: Marketplace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(each foreign filling of the path's parameters, the missing one)."""
    foreign = _foreign(market)
    names = PARAM.findall(path)
    if path.startswith("/api/v1/orders/"):
        return [{"number": n} for n in foreign["order_number"]], {"number": "#NOPE"}
    if path.startswith("/api/v1/returns/"):
        fillings = []
        for number in foreign["return"]:
            ret = next(r for r in (market.sud.ret, market.own.ret, market.mixed_return) if r.number == number)
            fillings.append({"number": number, "line_id": ret.lines.first().pk, "charge_id": 1})
        return fillings, {"number": MISSING["number"], "line_id": MISSING["line_id"], "charge_id": 1}
    if path.startswith("/api/v1/claims/"):
        return [{"number": n} for n in foreign["claim"]], {"number": MISSING["number"]}
    if path.startswith("/api/v1/feedback/returns/"):  # shoppers' surveys: the marketplace's staff's
        return [{"number": n} for n in foreign["return"]], {"number": MISSING["number"]}
    if path.startswith("/api/v1/abuse/returns/"):  # shoppers' abuse signals: the marketplace's staff's
        return [{"number": n} for n in foreign["return"]], {"number": MISSING["number"]}
    if path.startswith("/api/v1/customers/"):
        return [{"customer_id": n} for n in foreign["customer_id"]], {"customer_id": MISSING["order_id"]}
    if path.startswith("/api/v1/gift-cards/"):
        return [{"code": "GIFT-OF-SUD"}], {"code": "NOPE"}
    if path.startswith("/api/v1/exports/"):  # the marketplace's books: every dataset as a missing one
        return [{"dataset": "claims"}, {"dataset": "returns"}], {"dataset": "refunds"}
    if path.startswith("/api/v1/analytics/"):  # the marketplace's figures: staff's, whatever the page
        return [{"name": "sellers"}, {"name": "returns"}], {"name": "nope"}
    if path.startswith("/api/v1/sellers/"):
        return [{"code": c} for c in foreign["code"]], {"code": "nope"}
    if path.startswith("/api/v1/repairs/"):  # repairs sent to another seller, or to the store's workshop
        return [{"number": r.number} for r in _repairs(market)[1:]], {"number": MISSING["number"]}
    if path.startswith("/api/v1/carriers/returns/"):  # labels of returns that are not the seller's own
        return [{"number": n} for n in foreign["return"]], {"number": MISSING["number"]}
    if path.startswith("/api/v1/return-addresses/"):  # the store's warehouses: staff's, refused to any seller
        return [{"address_id": 1}], {"address_id": 999999}
    if path.startswith("/api/v1/shop/"):  # the store's shop connection and its syncs: refused to any seller
        return [{"connection_id": 1, "sync_id": 1}], {"connection_id": 999999, "sync_id": 999999}
    if path.startswith("/api/v1/webhooks/"):  # the store's integrations: staff's, refused to any seller
        return [{"endpoint_id": 1, "delivery_id": 1}], {"endpoint_id": 999999, "delivery_id": 999999}
    raise AssertionError(
        f"{path} names an object ({names}): add its row to _api_values in tests/integration/sellers/"
        "test_isolation.py (what a seller must not reach, and a missing one)"
    )


def _repairs(market: Marketplace) -> list[Repair]:
    """A repair routed to each of Atelier Nord (its own), Maison Sud and the store's workshop, made once."""
    made = []
    for side, kind in ((market.nord, "seller"), (market.sud, "seller"), (market.own, "workshop")):
        line = side.ret.lines.get()
        found = Repair.objects.filter(line=line).first()
        if found is None:
            seller = side.seller if kind == "seller" else None
            repairer, _new = Repairer.objects.get_or_create(
                store=market.store,
                code=seller.code if seller else "atelier",
                defaults={"name": "Atelier", "kind": kind, "seller": seller, "address": "1 rue de l'Atelier"},
            )
            now = timezone.now()
            found = Repair.objects.create(
                store=market.store,
                ret=side.ret,
                line=line,
                repairer=repairer,
                state="sent",
                currency="EUR",
                requested_at=now,
                due_on=now.date(),
                state_since=now,
            )
        made.append(found)
    return made


def _call(client: Client, method: str, path: str, values: dict[str, Any]) -> tuple[int, str]:
    url = PARAM.sub(lambda m: str(values[m.group(1)]), path) + QUERIES.get(path, "")
    headers = {"Idempotency-Key": "isolation-key"}
    if method == "get":
        response = client.get(url, headers=headers)
    elif path.endswith("/photos"):
        photo = ContentFile(b"GIF89a", name="p.gif")
        response = client.post(url, {"file": photo}, headers=headers)
    else:
        body = BODIES[path.rstrip("/").rsplit("/", 1)[-1]]
        response = client.generic(
            method.upper(), url, json.dumps(body), content_type="application/json", headers=headers
        )
    code = (
        response.json().get("code", "") if response.headers.get("Content-Type", "").endswith("json") else ""
    )
    return response.status_code, code


def test_a_seller_token_reaches_no_other_sellers_object_through_any_api_operation(
    marketplace: Marketplace, nord_api: Client, record_property: Callable[[str, object], None]
) -> None:
    schema = api.get_openapi_schema()
    pairs = refused = found_not = 0
    leaks = []
    for path, operations in schema["paths"].items():
        if "{" not in path or path.startswith(NOT_SELLER_OBJECTS):
            continue
        for method in operations:
            foreign, missing = _api_values(path, marketplace)
            expected = _call(nord_api, method, path, missing)
            assert expected[0] in (403, 404), f"{method.upper()} {path} missing object: {expected}"
            for values in foreign:
                pairs += 1
                got = _call(nord_api, method, path, values)
                if got != expected:
                    leaks.append(f"{method.upper()} {path} {values}: {got}, a missing one {expected}")
                elif got[0] == 404:
                    found_not += 1
                else:
                    refused += 1
    print(
        f"API isolation: {pairs} pairs tried, {found_not} not found as missing, {refused} refused as missing"
    )
    record_property("api_pairs_tried", pairs)
    assert leaks == []
    assert found_not >= 25  # the operations a seller may call were really tried, not only refused
    # And the seller's own objects are reached by the same token.
    own = marketplace.nord
    assert own.claim is not None
    assert nord_api.get(f"/api/v1/claims/{own.claim.number}").status_code == 200
    assert nord_api.get(f"/api/v1/returns/{own.ret.number}").status_code == 200
    assert nord_api.get(f"/api/v1/orders/{quote(own.return_order.number)}").status_code == 200
    listed = nord_api.get("/api/v1/claims").json()
    assert [item["number"] for item in listed["items"]] == [own.claim.number]
    returns = nord_api.get("/api/v1/returns").json()
    assert [item["number"] for item in returns["items"]] == [own.ret.number]
    lines = nord_api.get(f"/api/v1/orders/{quote(marketplace.mixed.number)}").json()["lines"]
    assert [line["seller"] for line in lines] == ["atelier-nord"]  # the mixed order: its own line only
    # A seller-repairer lists and moves the repairs routed to it, and records no shopper's answer.
    mine = _repairs(marketplace)[0]
    assert [r["number"] for r in nord_api.get("/api/v1/repairs").json()] == [mine.number]
    moved = nord_api.post(
        f"/api/v1/repairs/{mine.number}/status", {"state": "received"}, content_type="application/json"
    )
    assert (moved.status_code, moved.json()["state"]) == (200, "received")
    assert nord_api.post(f"/api/v1/repairs/{mine.number}/accept").status_code == 403


def _page_rows(market: Marketplace) -> dict[str, tuple[str, list[dict[str, Any]], dict[str, Any]]]:
    """URL name → (method, each foreign filling, the missing one)."""
    foreign = _foreign(market)
    sud, nord = market.sud, market.nord
    assert sud.claim is not None
    assert nord.claim is not None
    theirs = ClaimPhoto.objects.create(
        claim=sud.claim,
        party=Claim.Party.BUYER,
        file=ContentFile(b"GIF89a", name="x.gif"),
        content_type="image/gif",
        size=6,
    )
    claims = [{"number": n} for n in foreign["claim"]]
    returns = [{"number": n} for n in foreign["return"]]
    sud_user = seller_user(sud.seller, "sud")
    their_token, _clear = ApiToken.issue(sud_user, "theirs")
    missing_claim = {"number": MISSING["number"]}
    return {
        "claim": ("get", claims, missing_claim),
        "respond": ("post", claims, missing_claim),
        "appeal": ("post", claims, missing_claim),
        "evidence_photo": (
            "get",
            [
                {"number": sud.claim.number, "photo_id": theirs.pk},
                {"number": nord.claim.number, "photo_id": theirs.pk},
            ],
            {"number": nord.claim.number, "photo_id": MISSING["photo_id"]},
        ),
        "return": ("get", returns, {"number": MISSING["number"]}),
        "authorise": ("post", returns, {"number": MISSING["number"]}),
        "refuse": ("post", returns, {"number": MISSING["number"]}),
        "order": ("get", [{"order_id": n} for n in foreign["order_id"]], {"order_id": MISSING["order_id"]}),
        "revoke_token": ("post", [{"token_id": their_token.pk}], {"token_id": MISSING["token_id"]}),
    }


PAGE_BODIES = {"respond": {"kind": "refund"}, "appeal": {"reason": "Isolation."}, "refuse": {"reason": "No."}}
NOT_OBJECT_PAGES = {"accept"}  # the invitation link: a token, nobody's object


def test_a_seller_session_reaches_no_other_sellers_object_on_any_seller_page(
    marketplace: Marketplace, nord_client: Client, record_property: Callable[[str, object], None]
) -> None:
    from django.urls import reverse

    rows = _page_rows(marketplace)
    patterns = [
        p
        for p in get_resolver("retour.sellers.urls").url_patterns
        if isinstance(p, URLPattern) and p.pattern.converters
    ]
    named = {p.name for p in patterns} - NOT_OBJECT_PAGES
    assert named == set(rows), f"seller pages without an isolation row: {named - set(rows)}"
    pairs = 0
    leaks = []
    for name, (method, foreign, missing) in rows.items():
        send = nord_client.get if method == "get" else nord_client.post
        body = PAGE_BODIES.get(name, {})
        expected = send(reverse(f"sellers:{name}", kwargs=missing), body).status_code
        assert expected == 404, (name, expected)
        for values in foreign:
            pairs += 1
            got = send(reverse(f"sellers:{name}", kwargs=values), body).status_code
            if got != expected:
                leaks.append(f"{method.upper()} {name} {values}: {got}")
    print(f"Page isolation: {pairs} pairs tried, {pairs - len(leaks)} not found as missing")
    record_property("page_pairs_tried", pairs)
    assert leaks == []
    assert pairs >= 15
    for listing in ("sellers:home", "sellers:claims", "sellers:returns", "sellers:orders"):
        text = nord_client.get(reverse(listing)).content.decode()
        for number in _foreign(marketplace)["return"] + _foreign(marketplace)["claim"]:
            assert number not in text, (listing, number)


def test_a_seller_token_authorises_its_returns_but_cancels_exchanges_and_closes_none(
    marketplace: Marketplace, nord_api: Client
) -> None:
    """The token's reach is the pages' reach: approve or reject its own returns, nothing the marketplace
    does to a return (cancel, exchange, resolve) even on its own."""
    own = marketplace.nord.ret
    headers = {"Idempotency-Key": "seller-reach"}
    for action in ("cancel", "exchange", "resolve"):
        body = json.dumps(BODIES[action])
        response = nord_api.post(
            f"/api/v1/returns/{own.number}/{action}", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 403, (action, response.content)
        assert response.json()["code"] == "permission_denied"
    own.refresh_from_db()
    assert own.state == "requested"
    approved = nord_api.post(f"/api/v1/returns/{own.number}/approve", "{}", content_type="application/json")
    assert approved.status_code == 200, approved.content
