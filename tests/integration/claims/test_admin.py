"""Claims in the back office: the Agents role sees the queue and a claim's timeline, read-only, in French."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from retour.backoffice.roles import AGENTS, ensure_roles
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
