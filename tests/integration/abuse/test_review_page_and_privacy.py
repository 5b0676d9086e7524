"""The back office's review queue with scores and reasons, verdicts from it, and a shopper's access report
(GDPR art. 15 and 22) as a page to send and through the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from factories import delivered_line
from retour.abuse import services
from retour.abuse.models import Assessment
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, request_return

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def held(make_order: Callable[..., Order]) -> Return:
    """A return scored for review: an empty box observed, the refund asked before it was sent."""
    order = make_order(
        "#P1",
        customer={"email": "paul@example.com", "country": "FR", "language": "fr", "first_name": "Paul"},
        lines=[delivered_line("Casque", 1, "90.00")],
        payments=[{"method": "card", "amount": "90.00"}],
    )
    ret = request_return(order, [LineRequest(order.lines.get().pk, 1, "changed_mind", "unopened")], now=NOW)[
        0
    ]
    services.observe(ret, shipped_weight_grams=800, received_weight_grams=90, refund_before_shipping=True)
    Return.objects.filter(pk=ret.pk).update(state="requested")  # still waiting in the queue
    return ret


def staff_with(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", password="pw-123456", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_the_queue_shows_each_score_with_its_reasons_in_the_staff_language(held: Return):
    client = Client()
    client.force_login(staff_with("agent2", "view_return", "approve_return"))
    page = client.get("/backoffice/returns/abuse-review/", headers={"Accept-Language": "fr"}).content.decode()
    assert held.number in page
    assert "Le colis pesait 90\u00a0g à l’arrivée" in page or "Le colis pesait 90 g à l’arrivée" in page
    assert "Le remboursement a été demandé avant le renvoi du colis." in page
    english = client.get(
        "/backoffice/returns/abuse-review/", headers={"Accept-Language": "en"}
    ).content.decode()
    assert "The refund was asked for before the parcel was sent back." in english


def test_a_verdict_from_the_queue_is_kept_and_a_bad_one_changes_nothing(held: Return):
    client = Client()
    client.force_login(staff_with("agent3", "view_return", "approve_return"))
    client.post("/backoffice/returns/abuse-review/", {"number": held.number, "verdict": "perhaps"})
    assert Assessment.objects.get(ret=held).verdict == ""
    answer = client.post("/backoffice/returns/abuse-review/", {"number": held.number, "verdict": "fraud"})
    assert answer.status_code == 302
    assert Assessment.objects.get(ret=held).verdict == "fraud"


def test_staff_who_only_look_cannot_judge(held: Return):
    client = Client()
    client.force_login(staff_with("viewer", "view_return"))
    client.post("/backoffice/returns/abuse-review/", {"number": held.number, "verdict": "fraud"})
    assert Assessment.objects.get(ret=held).verdict == ""


def test_the_access_answer_lists_what_is_stored_and_the_signals_in_the_shopper_language(held: Return):
    client = Client()
    client.force_login(staff_with("dpo", "view_customer"))
    page = client.get(
        "/backoffice/privacy/access/", {"email": "PAUL@example.com", "language": "fr"}
    ).content.decode()
    assert "#P1" in page
    assert held.number in page
    assert "Le colis pesait 90 g à l’arrivée, pour 800 g à l’envoi." in page
    assert "Décisions automatisées" in page
    unknown = client.get("/backoffice/privacy/access/", {"email": "nobody@example.com"}).content.decode()
    assert "The store knows no shopper by this email address." in unknown


def test_the_access_report_through_the_api(held: Return, client_for: Callable[[User], Client]):
    client = client_for(staff_with("dpo2", "view_customer"))
    answer = client.get("/api/v1/privacy/access", {"email": "paul@example.com", "language": "en"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["customers"][0]["first_name"] == "Paul"
    assert data["orders"][0]["number"] == "#P1"
    signals = data["returns"][0]["abuse_assessment"]["signals"]
    assert {s["code"] for s in signals} == {"empty_box", "refund_before_shipping"}
    assert data["returns"][0]["observed"]["received_weight_grams"] == 90
    assert "no return is refused on them without a person deciding" in data["automated_decisions"]
    assert json.dumps(data)
    missing = client.get("/api/v1/privacy/access", {"email": "nobody@example.com"})
    assert missing.status_code == 404
    refused = client_for(staff_with("clerk", "view_return")).get(
        "/api/v1/privacy/access", {"email": "paul@example.com"}
    )
    assert refused.status_code == 403
