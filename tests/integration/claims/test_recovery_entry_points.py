"""What a seller owes is withheld from a payout through the command and the API, once per payout."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from integration.claims.helpers import balanced
from integration.claims.test_lifecycle import file_for, paid_out
from retour.claims.services.deciding import decide
from retour.claims.services.money import seller_balance
from retour.core.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(marketplace_order, claims_agent):
    """Atelier Nord owes 85.00 for a granted, paid claim it funds."""
    claim, _ = decide(
        file_for(marketplace_order()), "granted", note="Never delivered.", key="d", actor=claims_agent
    )
    claim = paid_out(claim, claims_agent)
    assert seller_balance(claim.seller, "EUR") == Money.of("85.00", "EUR")
    return claim.seller


def recover(*args: str) -> str:
    out = io.StringIO()
    call_command("sellers", "recover", *args, stdout=out)
    return out.getvalue()


def test_the_command_withholds_once_per_payout_and_never_more_than_owed(owed):
    said = recover("--seller", "atelier-nord", "--amount", "50.00", "--reference", "payout-2026-12")
    assert "still owed: €35.00" in said
    again = recover("--seller", "atelier-nord", "--amount", "50.00", "--reference", "payout-2026-12")
    assert "still owed: €35.00" in again  # the same payout: recorded once
    with pytest.raises(CommandError, match="at most what the seller owes"):
        recover("--seller", "atelier-nord", "--amount", "35.01", "--reference", "payout-2027-01")
    with pytest.raises(CommandError, match="is not an amount"):
        recover("--seller", "atelier-nord", "--amount", "lots", "--reference", "payout-2027-01")
    with pytest.raises(CommandError):
        recover("--seller", "nobody", "--amount", "1.00", "--reference", "payout-2027-01")
    assert seller_balance(owed, "EUR") == Money.of("35.00", "EUR")
    assert balanced()


def test_the_api_withholds_for_staff_who_decide_claims(
    owed, claims_agent: User, client_for: Callable[[User], Client]
):
    api = client_for(claims_agent)
    made = api.post(
        "/api/v1/sellers/atelier-nord/recoveries",
        {"amount": "85.00", "reference": "payout-1"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json() == {
        "seller": "atelier-nord",
        "amount": "85.00",
        "currency": "EUR",
        "reference": "payout-1",
        "owed": "0.00",
    }
    too_much = api.post(
        "/api/v1/sellers/atelier-nord/recoveries",
        {"amount": "1.00", "reference": "payout-2"},
        content_type="application/json",
    )
    assert too_much.status_code == 422
    assert too_much.json()["code"] == "recovery_refused"
    nobody = User.objects.create_user("viewer", "viewer@example.com", is_staff=True)
    refused = client_for(nobody).post(
        "/api/v1/sellers/atelier-nord/recoveries",
        {"amount": "1.00", "reference": "payout-3"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert seller_balance(owed, "EUR").amount == Decimal("0")
    assert balanced()
