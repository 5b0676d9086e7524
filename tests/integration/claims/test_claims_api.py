"""``/api/v1/claims``: file, list, show, respond, decide, appeal; roles, store scoping, problem+json."""

from __future__ import annotations

from datetime import timedelta

import pytest

from integration.claims.conftest import claims_staff
from integration.claims.helpers import balanced
from retour.api.models import ApiToken
from retour.claims.models import Claim
from retour.refunds.models import RefundRequest

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def filing(order, **overrides):
    body = {
        "order": order.number,
        "claim_type": "not_received",
        "lines": [{"order_line": order.lines.get().pk, "quantity": 1}],
        "message": "It never came.",
    }
    body.update(overrides)
    return body


def post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


def test_a_claim_filed_answered_decided_and_appealed_through_the_api(
    marketplace_order, claims_agent, client_for
):
    order = marketplace_order()
    client = client_for(claims_agent)
    filed = post(client, "/api/v1/claims", filing(order), **{"Idempotency-Key": "file-1"})
    assert filed.status_code == 201, filed.content
    claim = filed.json()
    number = claim["number"]
    assert (claim["state"], claim["claimable"], claim["seller"]) == (
        "awaiting_seller",
        "85.00",
        "atelier-nord",
    )
    assert claim["explanation"]
    again = post(client, "/api/v1/claims", filing(order), **{"Idempotency-Key": "file-1"})
    assert (again.status_code, again.json()["number"]) == (200, number)

    listed = client.get("/api/v1/claims", {"state": "awaiting_seller", "seller": "atelier-nord"})
    assert [item["number"] for item in listed.json()["items"]] == [number]
    assert client.get("/api/v1/claims", {"overdue": "true"}).json()["count"] == 0

    answered = post(
        client, f"/api/v1/claims/{number}/respond", {"kind": "evidence", "tracking_number": "1Z9"}
    )
    assert (answered.status_code, answered.json()["state"]) == (200, "seller_responded"), answered.content
    assert answered.json()["answer"]["tracking_number"] == "1Z9"

    path = f"/api/v1/claims/{number}/decide"
    granted = post(
        client, path, {"outcome": "granted", "note": "Lost in transit."}, **{"Idempotency-Key": "d-1"}
    )
    assert granted.status_code == 200, granted.content
    data = granted.json()
    assert (data["state"], data["payout"], data["funded_by"], data["payout_status"]) == (
        "granted",
        "85.00",
        "seller",
        "pending",
    )
    assert data["decision"]["reason"] == "not_delivered"
    assert data["decision"]["reason_text"]
    twice = post(
        client, path, {"outcome": "granted", "note": "Lost in transit."}, **{"Idempotency-Key": "d-1"}
    )
    assert twice.json() == data
    assert RefundRequest.objects.count() == 1
    other_key = post(client, path, {"outcome": "denied", "note": "No."}, **{"Idempotency-Key": "d-2"})
    assert (other_key.status_code, other_key.json()["code"]) == (409, "transition_refused")

    appealed = post(
        client, f"/api/v1/claims/{number}/appeal", {"party": "seller", "reason": "It was signed for."}
    )
    assert appealed.json()["state"] == "appealed"
    reversed_ = post(client, path, {"outcome": "denied", "note": "Delivered."}, **{"Idempotency-Key": "a-1"})
    assert (reversed_.json()["state"], reversed_.json()["appeal"]["outcome"]) == ("denied", "reversed")
    kinds = [event["kind"] for event in reversed_.json()["timeline"]]
    assert kinds == ["filed", "seller_responded", "granted", "appealed", "appeal_reversed"]
    assert balanced()


def test_each_action_needs_its_permission(marketplace_order, client_for):
    order = marketplace_order()
    viewer = client_for(claims_staff("viewer", "view_claim"))
    refused = post(viewer, "/api/v1/claims", filing(order))
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert refused["Content-Type"] == PROBLEM
    filer = client_for(claims_staff("filer", "view_claim", "add_claim"))
    number = post(filer, "/api/v1/claims", filing(order)).json()["number"]
    for action, body in (
        ("respond", {"kind": "evidence", "message": "Sent."}),
        ("decide", {"outcome": "granted", "note": "Lost."}),
        ("appeal", {"party": "buyer", "reason": "Why?"}),
    ):
        answer = post(filer, f"/api/v1/claims/{number}/{action}", body, **{"Idempotency-Key": "k"})
        assert (answer.status_code, answer.json()["code"]) == (403, "permission_denied"), action
    nobody = client_for(claims_staff("nobody"))
    assert nobody.get(f"/api/v1/claims/{number}").status_code == 403
    assert nobody.get("/api/v1/claims").status_code == 403
    assert Claim.objects.get().events.count() == 1  # nothing refused changed anything


def test_a_token_bound_to_another_store_gets_the_same_404_as_a_missing_claim(
    marketplace_order, claims_agent, other_store, client_for
):
    from django.test import Client

    order = marketplace_order()
    number = post(client_for(claims_agent), "/api/v1/claims?store=test-store", filing(order)).json()["number"]
    _record, token = ApiToken.issue(claims_agent, "other store", store=other_store)
    elsewhere = Client(headers={"Authorization": f"Bearer {token}"})
    tried = 0
    for method, path, body in (
        ("get", f"/api/v1/claims/{number}", None),
        ("post", f"/api/v1/claims/{number}/respond", {"kind": "evidence", "message": "Sent."}),
        ("post", f"/api/v1/claims/{number}/decide", {"outcome": "granted", "note": "Lost."}),
        ("post", f"/api/v1/claims/{number}/appeal", {"party": "buyer", "reason": "Why?"}),
    ):
        missing_path = path.replace(number, "CMISSING2")
        if method == "get":
            theirs, missing = elsewhere.get(path), elsewhere.get(missing_path)
        else:
            theirs = post(elsewhere, path, body, **{"Idempotency-Key": "k"})
            missing = post(elsewhere, missing_path, body, **{"Idempotency-Key": "k"})
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["code"] == missing.json()["code"] == "claim_not_found"
        assert theirs.json()["title"].replace(number, "CMISSING2") == missing.json()["title"]
        tried += 1
    assert tried == 4
    assert elsewhere.get("/api/v1/claims").json()["count"] == 0
    assert elsewhere.get("/api/v1/claims", {"store": "test-store"}).status_code == 404
    assert Claim.objects.get().state == "awaiting_seller"


def test_bad_requests_are_problem_json_and_change_nothing(marketplace_order, claims_agent, client_for):
    order = marketplace_order()
    client = client_for(claims_agent)
    invalid = post(client, "/api/v1/claims", filing(order, claim_type="lost", lines=[]))
    assert (invalid.status_code, invalid["Content-Type"], invalid.json()["code"]) == (
        422,
        PROBLEM,
        "invalid_request",
    )
    assert {error["field"] for error in invalid.json()["errors"]} >= {"claim_type", "lines"}
    naive = post(
        client, "/api/v1/claims", filing(order, facts={"return_requested_at": "2026-01-01T10:00:00"})
    )
    assert (naive.status_code, naive.json()["code"]) == (422, "invalid_request")
    unknown_line = post(
        client, "/api/v1/claims", filing(order, lines=[{"order_line": 999999, "quantity": 1}])
    )
    assert (unknown_line.status_code, unknown_line.json()["code"]) == (422, "claim_invalid")
    too_many = post(
        client, "/api/v1/claims", filing(order, lines=[{"order_line": order.lines.get().pk, "quantity": 2}])
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "claim_invalid")
    before_order = (order.ordered_at - timedelta(days=1)).isoformat()
    early = post(client, "/api/v1/claims", filing(order, facts={"delivered_at": before_order}))
    assert (early.status_code, early.json()["code"]) == (422, "claim_invalid")
    refused = post(client, "/api/v1/claims", filing(order, facts={"chargeback_filed": True}))
    assert (refused.status_code, refused.json()["code"], refused.json()["reason"]) == (
        422,
        "claim_not_eligible",
        "chargeback_filed",
    )
    no_order = post(client, "/api/v1/claims", {**filing(order), "order": "#nope"})
    assert (no_order.status_code, no_order.json()["code"]) == (404, "order_not_found")
    assert not Claim.objects.exists()

    number = post(client, "/api/v1/claims", filing(order)).json()["number"]
    no_key = post(client, f"/api/v1/claims/{number}/decide", {"outcome": "granted", "note": "Lost."})
    assert (no_key.status_code, no_key.json()["code"]) == (400, "idempotency_key_required")
    no_note = post(
        client,
        f"/api/v1/claims/{number}/decide",
        {"outcome": "granted", "note": ""},
        **{"Idempotency-Key": "k"},
    )
    assert no_note.status_code == 422
    empty = post(client, f"/api/v1/claims/{number}/respond", {"kind": "evidence"})
    assert (empty.status_code, empty.json()["code"]) == (422, "claim_invalid")
    not_decided = post(client, f"/api/v1/claims/{number}/appeal", {"party": "buyer", "reason": "Why?"})
    assert (not_decided.status_code, not_decided.json()["code"]) == (409, "transition_refused")
    bad_page = client.get("/api/v1/claims", {"limit": 0})
    assert (bad_page.status_code, bad_page["Content-Type"]) == (422, PROBLEM)
    assert Claim.objects.get().events.count() == 1


def test_errors_and_explanations_in_french(marketplace_order, claims_agent, client_for):
    order = marketplace_order()
    client = client_for(claims_agent)
    french = {"Accept-Language": "fr"}
    filed = post(client, "/api/v1/claims", filing(order), **french)
    assert "vendeur" in filed.json()["explanation"] or "colis" in filed.json()["explanation"]
    number = filed.json()["number"]
    refused = client.post(
        f"/api/v1/claims/{number}/decide",
        {"outcome": "granted", "note": "Perdu."},
        content_type="application/json",
        headers=french,
    )
    assert refused.json()["title"].startswith("Un en-tête Idempotency-Key")
