"""The back office's what-if page: staff replay past requests under a draft policy, in their language."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from retour.catalog.models import Store
from retour.policies import services
from retour.policies.domain.facts import Facts

pytestmark = pytest.mark.django_db

URL = "/backoffice/policies/simulate/"


@pytest.fixture
def store_with_requests(store: Store) -> Store:
    """marketplace-standard active; four requests of the last weeks, one of them 40 days after delivery."""
    version = services.load_policy(store, services.template_text("marketplace-standard"))
    now = timezone.now()
    for index, days in enumerate((3, 10, 20, 40)):
        when = now - timedelta(days=5 + index)
        requested = when.date()
        facts = Facts(
            country="US",
            currency="EUR",
            category="apparel",
            unit_price=Decimal("40.00"),
            quantity=1,
            ordered_at=requested - timedelta(days=days + 3),
            delivered_at=requested - timedelta(days=days),
            requested_at=requested,
            condition="unopened",
            reason="changed_mind",
        )
        services.record(store, version, facts, services.decide(version, facts), when=when)
    return store


def staff(*, permitted: bool = True) -> Client:
    user = User.objects.create_user("agent", "agent@example.com", "x", is_staff=True)
    if permitted:
        user.user_permissions.add(Permission.objects.get(codename="view_policydecision"))
    client = Client()
    client.force_login(user)
    return client


def stricter(document: str) -> str:
    return document.replace("  days: 30\n", "  days: 21\n").replace(
        "days_past_return_by: {min: 31}", "days_past_return_by: {min: 8}"
    )


def test_staff_see_the_form_with_the_active_policy(store_with_requests: Store):
    response = staff().get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert "<textarea" in html
    assert "name: marketplace-standard" in html
    assert 'value="90" selected' in html
    assert "Results" not in html


def test_staff_get_a_report_of_the_draft(store_with_requests: Store):
    version = services.active_version(store_with_requests)
    assert version is not None

    response = staff().post(
        URL, {"store": store_with_requests.pk, "document": stricter(version.document), "period": "30"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Results" in html
    assert "4 past return requests since" in html
    assert "As recorded" in html
    assert "Active policy: marketplace-standard v1." in html
    assert '<th scope="row">Approved</th>' in html
    assert "Refunds (EUR)" in html
    assert "€" in html
    assert "standard → too-late" in html
    assert "late_return at 80 %" in html


def test_the_report_speaks_the_readers_language(store_with_requests: Store):
    version = services.active_version(store_with_requests)
    assert version is not None
    client = staff()
    client.cookies["django_language"] = "fr"

    response = client.post(
        URL, {"store": store_with_requests.pk, "document": version.document, "period": "90"}
    )

    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "132,20" in html
    assert "€" in html


def test_a_bad_document_shows_its_problems_with_lines(store_with_requests: Store):
    document = (
        "format: retour-policy/1\nname: broken\nrules:\n  - id: x\n    then: {eligible: maybe, code: x}\n"
    )

    response = staff().post(URL, {"store": store_with_requests.pk, "document": document, "period": "90"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="document-errors"' in html
    assert "Line 5" in html
    assert "rules[0].then.eligible" in html
    assert "Results" not in html


def test_a_store_without_an_active_policy_is_told_so(store: Store):
    response = staff().post(
        URL, {"store": store.pk, "document": services.template_text("marketplace-standard"), "period": "90"}
    )

    assert response.status_code == 200
    assert "no active policy" in response.content.decode()


def test_someone_not_staff_is_sent_to_sign_in(store_with_requests: Store):
    user = User.objects.create_user("shopper", "shopper@example.com", "x")
    client = Client()
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Client().get(URL).status_code == 302


def test_staff_without_the_permission_are_refused(store_with_requests: Store):
    assert staff(permitted=False).get(URL).status_code == 403


def test_the_form_needs_its_csrf_token(store_with_requests: Store):
    user = User.objects.create_superuser("admin", "admin@example.com", "x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(URL, {"store": store_with_requests.pk, "document": "x", "period": "90"})

    assert response.status_code == 403
