"""A claim in the back office: amounts in its currency and the reader's locale, times in the store's zone
with the zone named; a staff member limited to another store does not find it (list, page, decision)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from retour.backoffice.models import StaffStore
from retour.backoffice.roles import AGENTS, ensure_roles
from retour.claims.services.filing import ClaimedLine, Filing, file_claim

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def agent_of(*stores) -> Client:
    user = User.objects.create_user("claims-agent", is_staff=True)
    user.groups.add(ensure_roles()[AGENTS])
    for store in stores:
        StaffStore.objects.create(user=user, store=store)
    client = Client()
    client.force_login(user)
    return client


def test_a_claims_amounts_and_deadline_read_as_staff_expect(marketplace_order, store):
    order = marketplace_order()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    client = agent_of(store)
    page = client.get(
        reverse("admin:claims_claim_change", args=[claim.pk]), headers={"Accept-Language": "fr"}
    )
    text = page.content.decode()
    assert f"80,00{NBSP}€" in text
    assert "80.0000" not in text
    assert "(Europe/Paris)" in text
    listing = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert claim.number in listing
    assert "(Europe/Paris)" in listing


def test_a_member_of_another_store_does_not_find_the_claim(marketplace_order, other_store):
    order = marketplace_order()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    client = agent_of(other_store)
    assert claim.number not in client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert client.get(reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 404
    decided = client.post(
        reverse("admin:claims_claim_decide", args=[claim.pk]), {"outcome": "granted", "note": "x", "key": "k"}
    )
    assert decided.status_code == 404
    claim.refresh_from_db()
    assert claim.decision == ""
