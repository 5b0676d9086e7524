"""A customer's history as policy facts: read at request time, replayed by the simulator as of each
request's day (what came later never leaks into an earlier request), and the computed profile."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client

from factories import delivered_line
from retour.catalog.models import Store
from retour.orders.models import Customer, Order
from retour.policies import services as policies
from retour.policies import simulation
from retour.policies.models import PolicyDecision
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, request_return
from retour.segments import services
from retour.segments.models import CustomerProfile

pytestmark = pytest.mark.django_db(transaction=False)
NOW = datetime.now(UTC).replace(microsecond=0)
EMAIL = "often@example.com"
# Anyone who asked for a return in the last year gets half back for a change of mind.
FREQUENT = policies.template_text("marketplace-standard").replace(
    "rules:\n",
    "rules:\n"
    "  - id: frequent\n"
    "    when: {returns_last_365d: {min: 1}, reason: changed_mind}\n"
    "    then: {eligible: true, code: frequent, refund_percent: 50, resolutions: [refund]}\n",
    1,
)


def _order_and_return(make_order: Callable[..., Order], number: str, asked: datetime) -> Return:
    order = make_order(
        number,
        delivered=asked - timedelta(days=4),
        customer={"email": EMAIL, "country": "FR", "language": "fr"},
        lines=[delivered_line("Pull", 2, "50.00")],
        payments=[{"method": "card", "amount": "100.00"}],
    )
    line = order.lines.get()
    request = LineRequest(line.pk, 1, "changed_mind", "unopened")
    return request_return(order, [request], now=asked)[0]


@pytest.fixture
def three_returns(make_order: Callable[..., Order]) -> list[Return]:
    """One customer's three returns, 100, 60 and 20 days ago, each from its own order of 2 units."""
    return [_order_and_return(make_order, f"#H{days}", NOW - timedelta(days=days)) for days in (100, 60, 20)]


def _request_decisions(returns: list[Return]) -> list[PolicyDecision]:
    return [ret.lines.get().decision for ret in returns]


def test_a_request_reads_the_customer_history_before_its_day(three_returns: list[Return]):
    facts = [policies.facts_of(decision) for decision in _request_decisions(three_returns)]
    assert [f.returns_last_365d for f in facts] == [0, 1, 2]
    assert [f.orders_365d for f in facts] == [1, 2, 3]  # each return's own order came 7 days before it
    assert facts[2].return_rate_365d == Decimal("33.3")  # 2 units asked back of 6
    assert facts[2].net_spend_365d == Decimal("200.00")


def test_the_policy_uses_the_history_when_the_shopper_asks(three_returns: list[Return], policy_store: Store):
    policies.load_policy(policy_store, FREQUENT)
    decisions = _request_decisions(three_returns)
    assert decisions[0].code != "frequent"  # decided under the standard policy then
    order = Order.objects.filter(customer__email=EMAIL).order_by("ordered_at").last()
    assert order is not None
    later = request_return(
        order, [LineRequest(order.lines.get().pk, 1, "changed_mind", "unopened")], now=NOW
    )[0]
    assert later.lines.get().decision.code == "frequent"


def test_the_simulator_replays_each_request_as_of_its_day_and_never_with_later_returns(
    three_returns: list[Return], policy_store: Store
):
    draft = policies.parse(FREQUENT)
    since = NOW - timedelta(days=365)
    report = simulation.simulate(policy_store, draft, since=since, top=10)
    assert report.requests == 3
    # The first request had no return before it: decided as it was; the two after it change.
    assert report.changes.total == 2
    # (the legal floor then gives these French shoppers their full right of withdrawal back)
    seen = sorted(example.facts.returns_last_365d for change in report.rules for example in change.examples)
    assert seen == [1, 2]


def test_a_return_asked_today_does_not_change_how_an_earlier_request_replays(
    three_returns: list[Return], make_order: Callable[..., Order]
):
    first = _request_decisions(three_returns)[0]
    before = policies.facts_of(first)
    _order_and_return(make_order, "#LATER", NOW)
    after = policies.facts_of(first)
    assert before == after
    assert after.returns_last_365d == 0


def test_the_profile_is_recomputed_with_the_segment_the_rules_give(three_returns: list[Return]):
    customer = Customer.objects.get(email=EMAIL)
    profile = services.recompute(customer)
    assert (profile.orders_365d, profile.returns_365d, profile.return_rate_units) == (3, 3, Decimal("50.0"))
    assert profile.rfm.startswith("R5")
    services.save_rules(
        customer.store,
        [
            {
                "name": "returner",
                "label_en": "returner",
                "label_fr": "retourneur",
                "when": {"returns_last_365d": {"min": 3}},
            }
        ],
    )
    assert services.recompute(customer).segment == "returner"
    assert CustomerProfile.objects.get(customer=customer).segment == "returner"
    assert services.segment_label(customer.store_id, "returner", "fr") == "retourneur"


def test_bad_rules_are_refused_and_change_nothing(three_returns: list[Return]):
    customer = Customer.objects.get(email=EMAIL)
    with pytest.raises(services.RulesRefused, match=r"rules\[0\]"):
        services.save_rules(customer.store, [{"name": "x", "when": {"height": {"min": 1}}}])
    assert services.rules_for(customer.store_id)[0].name == "serial_returner"


def test_the_command_shows_a_customer_and_replaces_the_rules(three_returns: list[Return], tmp_path: Path):
    out = StringIO()
    call_command("segments", "show", EMAIL, "--json", stdout=out)
    shown = json.loads(out.getvalue())
    assert (shown["orders_total"], shown["returns_last_365d"], shown["return_rate_365d"]) == (3, 3, "50.0")
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "x", "when": {"orders_365d": {"min": "lots"}}}]', encoding="utf-8")
    with pytest.raises(CommandError, match="orders_365d"):
        call_command("segments", "rules", "--set", str(bad))
    good = tmp_path / "good.json"
    good.write_text('[{"name": "any", "when": {"orders_total": {"min": 1}}}]', encoding="utf-8")
    out = StringIO()
    call_command("segments", "rules", "--set", str(good), "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["name"] == "any"
    out = StringIO()
    call_command("segments", "recompute", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"customers": 1}
    assert CustomerProfile.objects.get().segment == "any"


def test_the_api_reads_and_replaces_the_rules_and_shows_a_customer(
    three_returns: list[Return], client_for: Callable[[User], Client]
):
    user = User.objects.create_user("crm", "crm@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_customer", "change_segmentrules"])
    )
    client = client_for(user)
    assert client.get("/api/v1/segments/rules").json()[0]["name"] == "serial_returner"
    bad = client.put(
        "/api/v1/segments/rules",
        [{"name": "x", "when": {"height": {"min": 1}}}],
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "height" in bad.json()["title"]
    rules = [
        {
            "name": "returner",
            "label_en": "returner",
            "label_fr": "retourneur",
            "when": {"returns_last_365d": {"min": 3}},
        }
    ]
    assert client.put("/api/v1/segments/rules", rules, content_type="application/json").status_code == 200
    shown = client.get("/api/v1/segments/customers", {"email": EMAIL.upper(), "language": "fr"}).json()
    assert (shown["segment"], shown["segment_label"], shown["returns_last_365d"]) == (
        "returner",
        "retourneur",
        3,
    )
    assert client.get("/api/v1/segments/customers", {"email": "nobody@example.com"}).status_code == 404
