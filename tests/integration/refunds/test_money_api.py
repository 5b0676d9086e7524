"""The money API: exchange charges (once per key, manual ones collected), the deadlines and the late-refund
surcharge a return shows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from integration.refunds.helpers import returned
from integration.refunds.test_charging import credit, variant
from integration.refunds.test_deadlines import paid_late
from retour.returns.services.resolutions import exchange

pytestmark = pytest.mark.django_db


def test_the_api_charges_once_per_key_and_staff_mark_manual_charges_collected(
    order, policy_store, client_for, django_user_model
):

    finance = django_user_model.objects.create_user("finance", is_staff=True)
    finance.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_return", "refund_return"], content_type__app_label="returns"
        )
    )
    credit(order, "100.00")
    ret = returned(order, {0: 2}, reason="size_fit", resolution="exchange")
    made = exchange(ret, ret.lines.get(), variant(policy_store, "PULL-L", "75.00"), actor=None)
    client = client_for(finance)
    path = f"/api/v1/returns/{ret.number}/exchanges/{made.line_id}/charge"
    headers = {"Idempotency-Key": "api-1"}
    # The manual charge made with the exchange is still pending: nothing more to ask for.
    refused = client.post(path, {"method": "store_credit"}, content_type="application/json", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "charge_refused")
    pending = client.get(f"/api/v1/returns/{ret.number}/charges").json()[0]
    done = client.post(f"/api/v1/returns/{ret.number}/charges/{pending['id']}/collected")
    assert (done.status_code, done.json()["status"]) == (200, "succeeded")
    assert client.get(f"/api/v1/returns/{ret.number}").json()["exchanges"][0]["owed"] == "0.00"
    missing = client.post(path, {}, content_type="application/json")
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")


def test_a_returns_deadlines_show_the_refund_due_date_and_the_surcharge_owed(
    order, settings, agent, client_for
):
    settings.FR_LEGAL_INTEREST_RATE = "6.00"
    ret = paid_late(order)
    request = ret.refund_requests.get()
    data = client_for(agent).get(f"/api/v1/returns/{ret.number}").json()["deadlines"]
    assert (data["late_refund_surcharge_owed"], data["legal_basis"]) == ("5.51", "eu_withdrawal")
    assert data["refund_due_by"] == str(request.legal_due_on)
    assert Decimal(data["late_refund_surcharge_owed"]) == request.late_surcharge
