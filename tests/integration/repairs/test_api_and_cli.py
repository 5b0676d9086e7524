"""``/api/v1/repairs`` and ``retour repairs``: list, show, move a step, quote a repair out of guarantee and
record the shopper's answer; a bad request is refused with problem+json and changes nothing; a token
bound to another store does not find the repair."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from retour.api.models import ApiToken
from retour.repairs.models import Repair, RepairEvent, RepairSettings
from retour.returns.models import ReturnLine

from .conftest import ask_repair

pytestmark = pytest.mark.django_db


@pytest.fixture
def repairs_client(db: None) -> Client:
    user = User.objects.create_user("ops", "ops@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="repairs",
            codename__in=["view_repair", "change_repair", "view_repairsettings", "change_repairsettings"],
        )
    )
    _token, raw = ApiToken.issue(user, "repairs")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_api_takes_a_paid_repair_through_its_quote(old_order, workshop, repairs_client):
    repair = Repair.objects.get(ret=ask_repair(old_order))
    Repair.objects.filter(pk=repair.pk).update(under_guarantee=False)  # out of guarantee: paid
    base = f"/api/v1/repairs/{repair.number}"

    listed = repairs_client.get("/api/v1/repairs").json()
    assert [r["number"] for r in listed] == [repair.number]
    for state, extra in (("sent", {"tracking": "6A1"}), ("received", {}), ("diagnosed", {"note": "Écran"})):
        answer = repairs_client.post(
            f"{base}/status", {"state": state, **extra}, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content
    bad = repairs_client.post(f"{base}/quote", {"amount": "abc"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    # the store's diagnosis fee, set through the API: a bad value is refused and changes nothing
    refused = repairs_client.put(
        "/api/v1/repairs/settings", {"diagnosis_fee": "-3"}, content_type="application/json"
    )
    assert refused.status_code == 422, refused.content
    assert repairs_client.get("/api/v1/repairs/settings").json() == {"diagnosis_fee": "0"}
    changed = repairs_client.put(
        "/api/v1/repairs/settings", {"diagnosis_fee": "30"}, content_type="application/json"
    )
    assert changed.json() == {"diagnosis_fee": "30"}, changed.content
    above = repairs_client.post(
        f"{base}/quote", {"amount": "89.90", "diagnosis_fee": "40"}, content_type="application/json"
    )
    assert above.status_code == 400
    assert "30.00 EUR" in above.json()["title"]
    assert Repair.objects.get(pk=repair.pk).state == "diagnosed"
    quoted = repairs_client.post(
        f"{base}/quote", {"amount": "89.90", "diagnosis_fee": "25"}, content_type="application/json"
    ).json()
    assert (quoted["state"], quoted["quote"], quoted["diagnosis_fee"]) == ("quoted", "89.90", "25.00")
    declined = repairs_client.post(f"{base}/decline").json()
    assert declined["state"] == "quote_declined"
    assert RepairEvent.objects.get(repair=repair, kind="quote_declined").data["fee"] == "25.0000"
    again = repairs_client.post(f"{base}/accept")
    assert again.status_code == 409
    shown = repairs_client.get(base).json()
    assert [s["kind"] for s in shown["steps"]][-2:] == ["quoted", "quote_declined"]
    assert shown["next_state"] == "shipped_back"


def test_a_token_of_another_store_finds_no_repair(old_order, workshop, other_store):
    repair = Repair.objects.get(ret=ask_repair(old_order))
    user = User.objects.create_user("far", "far@example.com", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="repairs"))
    _token, raw = ApiToken.issue(user, "far", store=other_store)
    far = Client(headers={"Authorization": f"Bearer {raw}"})

    assert far.get(f"/api/v1/repairs/{repair.number}").status_code == 404
    assert (
        far.post(
            f"/api/v1/repairs/{repair.number}/status", {"state": "sent"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert far.get("/api/v1/repairs").json() == []
    repair.refresh_from_db()
    assert repair.state == "approved"


def test_the_cli_lists_shows_and_moves_a_repair(old_order, workshop):
    repair = Repair.objects.get(ret=ask_repair(old_order))
    out = StringIO()
    call_command("repairs", "list", stdout=out)
    assert repair.number in out.getvalue()
    call_command("repairs", "update", repair.number, "sent", "--tracking", "6A9", stdout=StringIO())
    shown = StringIO()
    call_command("repairs", "show", repair.number, "--json", stdout=shown)
    data = json.loads(shown.getvalue())
    assert (data["state"], data["tracking_to_repairer"]) == ("sent", "6A9")
    with pytest.raises(CommandError):
        call_command("repairs", "update", repair.number, "delivered", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("repairs", "show", "FNOSUCH00", stdout=StringIO())
    assert ReturnLine.objects.get(pk=repair.line_id).resolution == "repair"


def test_the_cli_shows_and_sets_the_stores_diagnosis_fee_all_or_nothing(old_order):
    shown = StringIO()
    call_command("repairs", "settings", stdout=shown)
    assert shown.getvalue() == "diagnosis_fee\t0\n"
    with pytest.raises(CommandError, match="diagnosis_fee"):
        call_command("repairs", "settings", "--set", "diagnosis_fee=abc", stdout=StringIO())
    with pytest.raises(CommandError, match="not a repair setting"):
        call_command("repairs", "settings", "--set", "fee=3", stdout=StringIO())
    assert not RepairSettings.objects.exists()
    changed = StringIO()
    call_command("repairs", "settings", "--set", "diagnosis_fee=19,5", stdout=changed)
    assert changed.getvalue() == "diagnosis_fee\t19.5\n"
    assert RepairSettings.objects.get(store=old_order.store).diagnosis_fee == Decimal("19.5")
