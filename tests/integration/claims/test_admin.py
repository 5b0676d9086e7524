"""Claims in the back office: the queue by deadline, both sides' evidence, decisions and appeals through the
services, the sellers at risk with their trend; read-only records, in French."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integration.claims.conftest import claims_staff
from integration.claims.helpers import balanced
from retour.backoffice.roles import AGENTS, ensure_roles
from retour.claims.services.deciding import Answer, decide, respond
from retour.claims.services.filing import ClaimedLine, Filing, file_claim

pytestmark = pytest.mark.django_db
FRENCH = {"Accept-Language": "fr"}


def test_an_agent_sees_the_claims_queue_and_a_timeline_but_changes_nothing(marketplace_order):
    order = marketplace_order()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    agent = User.objects.create_user("queue-agent", is_staff=True)
    agent.groups.add(ensure_roles()[AGENTS])
    client = Client()
    client.force_login(agent)
    listed = client.get(reverse("admin:claims_claim_changelist"), headers=FRENCH)
    assert listed.status_code == 200
    assert claim.number in listed.content.decode()
    assert "en attente du vendeur" in listed.content.decode()
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]), headers=FRENCH)
    assert page.status_code == 200
    assert "filed" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:claims_claim_add")).status_code == 403


def decide_in_admin(client: Client, claim, outcome: str, note: str, key: str = "k1", **extra):
    url = reverse("admin:claims_claim_decide", args=[claim.pk])
    return client.post(url, {"outcome": outcome, "note": note, "key": key}, follow=True, **extra)


def test_staff_see_both_sides_and_grant_with_a_reason_the_buyer_reads_once(marketplace_order, claims_agent):
    order = marketplace_order()
    claim, _ = file_claim(
        order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)], message="Never came.")
    )
    respond(claim, Answer("evidence", tracking_number="1Z999", message="Shipped on time."))
    client = Client()
    client.force_login(claims_agent)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Never came." in page
    assert "1Z999" in page
    assert "Shipped on time." in page
    assert reverse("admin:claims_claim_decide", args=[claim.pk]) in page
    empty = decide_in_admin(client, claim, "granted", "")
    assert "This field is required." in empty.content.decode()
    claim.refresh_from_db()
    assert claim.state == "seller_responded"
    done = decide_in_admin(client, claim, "granted", "The tracking stops at the depot.")
    assert done.status_code == 200
    again = decide_in_admin(client, claim, "granted", "The tracking stops at the depot.")
    assert "This decision was already recorded." in again.content.decode()
    claim.refresh_from_db()
    assert (claim.state, claim.decision_note, claim.decided_by) == (
        "granted",
        "The tracking stops at the depot.",
        claims_agent,
    )
    assert claim.events.filter(kind="granted").count() == 1
    assert balanced()


def test_an_appeal_is_recorded_and_decided_in_the_back_office(marketplace_order, claims_agent):
    order = marketplace_order()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    client = Client()
    client.force_login(claims_agent)
    decide_in_admin(client, claim, "denied", "Delivered with a signature.", key="first")
    url = reverse("admin:claims_claim_appeal", args=[claim.pk])
    client.post(url, {"party": "buyer", "reason": "The signature is not mine."})
    claim.refresh_from_db()
    assert claim.state == "appealed"
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "The signature is not mine." in page
    assert "Decide the appeal" in page
    decide_in_admin(client, claim, "granted", "The signature does not match.", key="appeal")
    claim.refresh_from_db()
    assert (claim.state, claim.appeal_outcome) in {("granted", "reversed"), ("paid", "reversed")}
    assert balanced()


def test_deciding_needs_the_permission_and_changes_nothing_without_it(marketplace_order):
    order = marketplace_order()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    viewer = claims_staff("viewer", "view_claim")
    client = Client()
    client.force_login(viewer)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert reverse("admin:claims_claim_decide", args=[claim.pk]) not in page
    url = reverse("admin:claims_claim_decide", args=[claim.pk])
    assert client.post(url, {"outcome": "granted", "note": "x", "key": "k"}).status_code == 403
    claim.refresh_from_db()
    assert claim.state == "awaiting_seller"


def test_the_queue_lists_claims_by_the_sellers_deadline(marketplace_order, claims_agent):
    first = marketplace_order("#7001")
    ordered = timezone.now() - timedelta(days=20)
    second = marketplace_order(
        "#7002",
        ordered_at=ordered.isoformat(),
        shipments=[{"estimated_delivery_latest": str((ordered + timedelta(days=4)).date())}],
    )
    late, _ = file_claim(first, Filing("not_received", [ClaimedLine(first.lines.get().pk, 1)]))
    early, _ = file_claim(
        second,
        Filing("not_received", [ClaimedLine(second.lines.get().pk, 1)]),
        now=timezone.now() - timedelta(hours=80),
    )
    client = Client()
    client.force_login(claims_agent)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert page.index(early.number) < page.index(late.number)
    overdue = client.get(reverse("admin:claims_claim_changelist"), {"queue": "overdue"}).content.decode()
    assert early.number in overdue
    assert late.number not in overdue
    assert "time is up" in overdue


def test_sellers_at_risk_with_their_trend(marketplace_order, claims_agent):
    orders = [marketplace_order(f"#8{n:03d}") for n in range(4)]
    claim, _ = file_claim(orders[0], Filing("not_received", [ClaimedLine(orders[0].lines.get().pk, 1)]))
    decide(claim, "granted", note="Lost.", key="g", actor=claims_agent)
    client = Client()
    client.force_login(claims_agent)
    page = client.get(reverse("backoffice:sellers-at-risk"), headers=FRENCH)
    assert page.status_code == 200
    body = page.content.decode()
    assert claim.seller.name in body
    assert "25.00 %" in body  # 1 order with a granted claim of 4
    assert "s’aggrave" in body  # it was 0 % a week ago
    assert Client().get(reverse("backoffice:sellers-at-risk")).status_code == 302  # staff only
