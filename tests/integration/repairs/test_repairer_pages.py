"""A repair partner's users see and update only the repairs sent to their partner: every repairer page
with an object answers another repairer's repair exactly as a missing one (404), changes nothing, and the
list never names it; a seller's account sees the repairs sent to that seller through the same pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from retour.catalog.models import Seller
from retour.repairs.domain.states import STAFF
from retour.repairs.models import Repair, Repairer, RepairEvent
from retour.repairs.services import steps
from retour.sellers.models import SellerMember

from .conftest import ask_repair

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_partners_user_reaches_no_other_repairers_repair_on_any_page(
    old_order, make_order, partner, workshop, policy_store
):
    mine = Repair.objects.get(ret=ask_repair(old_order))  # the partner's rule matches every item
    other = Repairer.objects.create(
        store=policy_store, code="ailleurs", name="Ailleurs", kind="partner", address="x"
    )
    theirs = Repair.objects.get(
        ret=ask_repair(make_order("#2002", delivered=datetime.now(UTC) - timedelta(days=120)))
    )
    Repair.objects.filter(pk=theirs.pk).update(repairer=other)
    steps.update(mine, "sent", role=STAFF)
    steps.update(theirs, "sent", role=STAFF)
    alice = User.objects.create_user("alice@fixit.example", "alice@fixit.example", "pw")
    partner.users.add(alice)
    client = signed_in(alice)

    patterns = [p for p in get_resolver("retour.repairs.urls").url_patterns if isinstance(p, URLPattern)]
    with_object = {p.name for p in patterns if p.pattern.converters}
    assert with_object == {"repair", "update"}
    events = RepairEvent.objects.count()
    for name in with_object:
        send = client.get if name == "repair" else client.post
        body = {"step": "received"}
        assert send(reverse(f"repairs:{name}", args=["FNOSUCH00"]), body).status_code == 404
        assert send(reverse(f"repairs:{name}", args=[theirs.number]), body).status_code == 404
    assert RepairEvent.objects.count() == events
    theirs.refresh_from_db()
    assert theirs.state == "sent"

    listing = client.get(reverse("repairs:home")).content.decode()
    assert mine.number in listing
    assert theirs.number not in listing

    client.post(reverse("repairs:update", args=[mine.number]), {"step": "received"})
    client.post(reverse("repairs:update", args=[mine.number]), {"step": "diagnosed", "note": "Zip usé"})
    mine.refresh_from_db()
    assert (mine.state, mine.diagnosis) == ("diagnosed", "Zip usé")
    bad = client.post(reverse("repairs:update", args=[mine.number]), {"step": "shipped_back"}, follow=True)
    assert "Give the tracking number" in bad.content.decode()
    mine.refresh_from_db()
    assert mine.state == "diagnosed"


def test_someone_who_repairs_nothing_is_sent_to_the_sign_in(old_order, partner):
    Repair.objects.get(ret=ask_repair(old_order))
    nobody = User.objects.create_user("bob", "bob@example.com", "pw")
    response = signed_in(nobody).get(reverse("repairs:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("repairs:login"))


def test_a_seller_account_repairs_what_was_sent_to_its_seller(make_order, policy_store):
    order = make_order("#2100", delivered=datetime.now(UTC) - timedelta(days=120))
    seller = Seller.objects.create(
        store=policy_store, code="durand", name="Atelier Durand", kind="marketplace"
    )
    order.lines.update(seller=seller)
    repair = Repair.objects.get(ret=ask_repair(order))
    assert (repair.repairer.kind, repair.repairer.seller) == ("seller", seller)
    account = User.objects.create_user("paul@durand.example", "paul@durand.example", "pw")
    SellerMember.objects.create(seller=seller, user=account, joined_at=timezone.now())

    client = signed_in(account)
    assert repair.number in client.get(reverse("repairs:home")).content.decode()
    assert client.get(reverse("repairs:repair", args=[repair.number])).status_code == 200
