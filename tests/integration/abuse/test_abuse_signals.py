"""Abuse signals on real returns: scored when asked for, a high score keeps the return for a person (never
refused), reasons in the API in both languages, observations score again, staff's verdicts are kept and
re-weigh the signals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from factories import delivered_line
from retour.abuse import services
from retour.abuse.models import Assessment, SignalWeights, VerdictRecord
from retour.orders.models import Order
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, request_return

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC).replace(microsecond=0)


def _ask(make_order: Callable[..., Order], number: str, email: str, asked: datetime) -> Return:
    order = make_order(
        number,
        delivered=asked - timedelta(days=3),
        customer={"email": email, "country": "FR", "language": "fr"},
        lines=[delivered_line("Robe", 1, "80.00")],
        payments=[{"method": "card", "amount": "80.00"}],
    )
    request = LineRequest(order.lines.get().pk, 1, "changed_mind", "unopened")
    return request_return(order, [request], now=asked)[0]


@pytest.fixture
def one_shopper_three_accounts(make_order: Callable[..., Order]) -> list[Return]:
    """Three accounts whose emails are one Gmail mailbox, each with a return asked for."""
    emails = ["jo.doe@gmail.com", "jodoe+shop@gmail.com", "J.O.Doe@googlemail.com"]
    return [
        _ask(make_order, f"#A{index}", email, NOW - timedelta(days=40 - 10 * index))
        for index, email in enumerate(emails)
    ]


def test_an_honest_return_is_scored_zero_and_approved_by_the_policy(make_order: Callable[..., Order]):
    ret = _ask(make_order, "#H1", "honest@example.com", NOW)
    row = Assessment.objects.get(ret=ret)
    assert (row.score, row.review, row.signals) == (0, False, [])
    assert ret.state == states.APPROVED


def test_the_same_mailbox_behind_several_accounts_is_a_signal(one_shopper_three_accounts: list[Return]):
    last = Assessment.objects.get(ret=one_shopper_three_accounts[-1])
    assert [s["code"] for s in last.signals] == ["linked_accounts"]
    assert last.signals[0]["points"] == 30  # two other accounts: the full weight
    assert "2 other account(s) (shared: email)" in last.signals[0]["reason_en"]
    assert "2 autre(s) compte(s) (en commun\u00a0: e-mail)" in last.signals[0]["reason_fr"]
    assert not last.review  # one signal is not enough


def test_a_high_score_keeps_the_return_for_a_person_and_never_refuses_it(
    make_order: Callable[..., Order], one_shopper_three_accounts: list[Return]
):
    # Five returns of everything bought, by a fourth account of the same mailbox: serial and linked.
    returns = [
        _ask(make_order, f"#S{index}", "jodoe@gmail.com", NOW - timedelta(days=30 - 5 * index))
        for index in range(6)
    ]
    last = returns[-1]
    row = Assessment.objects.get(ret=last)
    assert {s["code"] for s in row.signals} == {"linked_accounts", "serial_returning"}
    assert row.review
    assert row.score == 55
    last.refresh_from_db()
    assert last.state == states.REQUESTED  # the policy alone would have approved it
    assert services.review_queue()[0].ret == last


def test_an_empty_box_observed_scores_the_return_again(
    one_shopper_three_accounts: list[Return], client_for: Callable[[User], Client], warehouse: User
):
    ret = one_shopper_three_accounts[0]
    client = client_for(warehouse)
    answer = client.post(
        f"/api/v1/abuse/returns/{ret.number}/observations",
        {"shipped_weight_grams": 900, "received_weight_grams": 120},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["review"]
    assert data["score"] >= 60
    assert any(s["code"] == "empty_box" and "120 g" in s["reason"] for s in data["signals"])
    bad = client.post(
        f"/api/v1/abuse/returns/{ret.number}/observations",
        {"received_weight_grams": -5},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert Assessment.objects.get(ret=ret).score == data["score"]


def test_staff_read_the_reasons_in_their_language_and_mark_a_verdict_that_reweighs(
    one_shopper_three_accounts: list[Return], client_for: Callable[[User], Client], agent: User
):
    ret = one_shopper_three_accounts[-1]
    client = client_for(agent)
    french = client.get(f"/api/v1/abuse/returns/{ret.number}", headers={"Accept-Language": "fr"}).json()
    assert french["signals"][0]["reason"].startswith("La même personne semble derrière 2 autre(s) compte(s)")
    english = client.get(f"/api/v1/abuse/returns/{ret.number}", headers={"Accept-Language": "en"}).json()
    assert english["signals"][0]["reason"].startswith("The same shopper seems to be behind 2 other")

    refused = client.post(
        f"/api/v1/abuse/returns/{ret.number}/verdict", {"verdict": "maybe"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert not VerdictRecord.objects.exists()

    for _ in range(2):  # given twice: the latest word on a return counts once
        answer = client.post(
            f"/api/v1/abuse/returns/{ret.number}/verdict",
            {"verdict": "legitimate", "note": "A family"},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
    assert answer.json()["verdict"] == "legitimate"
    assert VerdictRecord.objects.filter(assessment__ret=ret).count() == 2
    weights = SignalWeights.objects.get(store=ret.store)
    assert weights.verdicts == 1
    assert weights.weights["linked_accounts"] < 30  # wrong once: it counts for less
    assert weights.weights["empty_box"] == 60  # never judged: its default
    ret.refresh_from_db()
    assert ret.state == states.APPROVED  # a verdict does not move the return


def test_the_warehouse_sees_the_queue_but_does_not_judge(
    one_shopper_three_accounts: list[Return], client_for: Callable[[User], Client], warehouse: User
):
    client = client_for(warehouse)
    assert client.get("/api/v1/abuse/queue").status_code == 200
    refused = client.post(
        f"/api/v1/abuse/returns/{one_shopper_three_accounts[0].number}/verdict",
        {"verdict": "fraud"},
        content_type="application/json",
    )
    assert refused.status_code == 403  # the warehouse does not judge


def test_the_return_and_the_review_queue_in_the_api_carry_the_score_and_reasons(
    make_order: Callable[..., Order],
    one_shopper_three_accounts: list[Return],
    client_for: Callable[[User], Client],
    agent: User,
):
    returns = [
        _ask(make_order, f"#Q{index}", "jodoe@gmail.com", NOW - timedelta(days=30 - 5 * index))
        for index in range(6)
    ]
    client = client_for(agent)
    shown = client.get(f"/api/v1/returns/{returns[-1].number}", headers={"Accept-Language": "fr"}).json()
    assert shown["abuse"]["score"] == 55
    assert shown["abuse"]["review"] is True
    assert any(
        s["reason"].startswith("5 retours sur les 365 derniers jours") for s in shown["abuse"]["signals"]
    )
    queue = client.get("/api/v1/returns", {"state": "requested"}).json()["items"]
    assert [(item["number"], item["abuse_score"]) for item in queue] == [(returns[-1].number, 55)]


def test_why_a_return_is_held_is_written_on_its_timeline_in_both_languages(
    make_order: Callable[..., Order],
    one_shopper_three_accounts: list[Return],
    client_for: Callable[[User], Client],
    agent: User,
    admin_client: Client,
):
    returns = [
        _ask(make_order, f"#T{index}", "jodoe@gmail.com", NOW - timedelta(days=30 - 5 * index))
        for index in range(6)
    ]
    held = returns[-1]
    (event,) = held.events.filter(kind="held_for_review")
    assert event.data["score"] == 55
    assert {s["code"] for s in event.data["signals"]} == {"linked_accounts", "serial_returning"}
    assert event.data["reason_en"].startswith("The abuse signals scored this return 55 out of 100")
    assert "5 returns in the last 365 days" in event.data["reason_en"]
    assert event.data["reason_fr"].startswith("Les signaux d’abus donnent à ce retour 55")
    assert "5 retours sur les 365 derniers jours" in event.data["reason_fr"]
    assert event.reason == event.data["reason_fr"]  # the return's language
    # Returns the policy approved without a score worth a look have no such event.
    assert not returns[0].events.filter(kind="held_for_review").exists()

    timeline = client_for(agent).get(f"/api/v1/returns/{held.number}").json()["timeline"]
    assert [e["kind"] for e in timeline] == ["requested", "held_for_review"]
    assert timeline[1]["reason"] == event.data["reason_fr"]

    page = reverse("admin:returns_return_change", args=[held.pk])
    english = admin_client.get(page, headers={"Accept-Language": "en"}).content.decode()
    assert "Held for review" in english
    assert "scored this return 55 out of 100" in english
    french = admin_client.get(page, headers={"Accept-Language": "fr"}).content.decode()
    assert "Retenu pour examen" in french
    assert "5 retours sur les 365 derniers jours" in french
