"""What `make run` shows of the marketplace: seller logins printed with the others, guarantee claims in
every state reached through the services, and one seller at risk."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from retour.abuse.demo import PREFIX as PLANTED
from retour.catalog.models import Seller
from retour.claims.models import Claim
from retour.claims.queries import claim_rate

pytestmark = pytest.mark.django_db
DEMO = ("demo", "--orders", "300", "--seed", "1", "--lifecycle")


def test_the_demo_marketplace_has_seller_logins_claims_in_every_state_and_one_seller_at_risk() -> None:
    out = io.StringIO()
    call_command(*DEMO, stdout=out, stderr=io.StringIO())
    printed = out.getvalue()
    assert "Guarantee claims in every state: 8 made" in printed
    assert "Seller portal accounts (password retour-demo): atelier-durand, " in printed
    assert "Seller at risk: Atelier Durand" in printed
    assert {claim.state for claim in Claim.objects.all()} == set(Claim.State.values)
    for claim in Claim.objects.all():
        assert claim.events.first().kind == "filed"  # filed as a buyer files, then moved by the services
    sellers = Seller.objects.filter(kind=Seller.Kind.MARKETPLACE).order_by("code")
    at_risk = [seller.code for seller in sellers if claim_rate(seller).at_risk]
    assert at_risk == ["atelier-durand"]
    client = Client()
    assert client.login(username="nordic-gear", password="retour-demo")
    page = client.get("/seller/claims/").content.decode()
    theirs = Claim.objects.filter(seller__code="nordic-gear")
    assert theirs.exists()
    assert all(claim.number in page for claim in theirs)
    assert Claim.objects.exclude(seller__code="nordic-gear").first().number not in page

    again = io.StringIO()
    call_command(*DEMO, stdout=again, stderr=io.StringIO())
    assert "Guarantee claims in every state: 0 made" in again.getvalue()
    # The demo's abuse planted four "never arrived" claims of its own (abuse.demo), once.
    assert Claim.objects.exclude(order__number__startswith=PLANTED).count() == 8
    assert Claim.objects.filter(order__number__startswith=PLANTED).count() == 4
