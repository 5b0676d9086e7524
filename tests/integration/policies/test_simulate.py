"""`retour policy simulate` and ``simulation.simulate``: past requests replayed under a draft policy.

The simulator decides each group of requests alike once; the tests check it against the plain way, every
stored request decided on its own, for drafts that look at every kind of fact.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from retour.catalog.models import Store
from retour.orders.models import Customer
from retour.policies import services, simulation
from retour.policies.domain import legal
from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.facts import Facts
from retour.policies.models import PolicyDecision

pytestmark = pytest.mark.django_db

NOW = "2026-03-01"
SINCE = datetime(2025, 12, 1, tzinfo=UTC)
WHEN = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
DEMO = ("demo", "--orders", "80", "--seed", "5", "--now", NOW, "--progress", "off")

# marketplace-standard, stricter: a shorter window, late returns refused sooner, a dearer return label.
STRICTER = (
    ("name: marketplace-standard", "name: stricter"),
    ("  days: 30\n", "  days: 21\n"),
    ("when: {days_past_return_by: {min: 31}}", "when: {days_past_return_by: {min: 8}}"),
    ('EUR: "4.95"', 'EUR: "5.95"'),
    ("store_credit_bonus_percent: 10", "store_credit_bonus_percent: 15"),
)
# A draft that names countries, reasons, sellers, payment methods, days since the order, amounts and
# quantities, with a seasonal extension of its own.
PICKY = """\
format: retour-policy/1
name: picky
return_window:
  days: 20
  extensions:
    - delivered_between: [12-01, 12-31]
      until: 01-15
fees:
  return_shipping:
    amounts: {EUR: "3.00", USD: "3.00", GBP: "3.00"}
    waived_when: {payment_method: paypal}
store_credit_bonus_percent: 5
resolution_overrides:
  - when: {seller: [librairie-du-quai]}
    resolutions: [store_credit]
rules:
  - id: not-there
    when: {country: [CH, CA]}
    then: {eligible: false, code: not_shipped_there}
  - id: our-mistake
    when: {reason: [wrong_item]}
    then: {eligible: true, code: our_mistake, refund_percent: 100, resolutions: [refund, replacement]}
  - id: old-order
    when: {days_since_order: {min: 45}}
    then: {eligible: false, code: too_old}
  - id: big-ticket
    when: {line_total: {min: "150.00"}, quantity: {max: 1}}
    then:
      eligible: true
      code: big_ticket
      refund_percent: 90
      fees: [return_shipping]
      resolutions: [refund, store_credit]
  - id: late
    when: {days_past_return_by: {min: 1}}
    then: {eligible: false, code: window_expired}
  - id: rest
    then:
      eligible: true
      code: standard
      refund_percent: 100
      fees: [return_shipping]
      resolutions: [refund, store_credit, exchange]
    adjust:
      - when: {unit_price: {max: "10.00"}}
        refund_percent: 70
"""
# The same, looking at the dates themselves.
SEASONAL = PICKY.replace("name: picky", "name: seasonal").replace(
    "rules:\n",
    "rules:\n  - id: january\n    when: {requested_on: {between: [01-01, 01-31]}, "
    "delivered_on: {between: [12-10, 12-31]}}\n    then: {eligible: false, code: january_pause}\n",
)


# A draft that looks at the product's tags and the customer's segment.
TAGGED = PICKY.replace("name: picky", "name: tagged").replace(
    "rules:\n",
    "rules:\n  - id: end-of-line\n    when: {tags: [fin-de-serie]}\n"
    "    then: {eligible: false, code: end_of_line}\n"
    "  - id: vip\n    when: {segment: vip}\n"
    "    then: {eligible: true, code: vip, refund_percent: 100, resolutions: [refund]}\n"
    "  - id: new-customer\n    when: {segment: new, days_since_delivery: {max: 40}}\n"
    "    then: {eligible: true, code: welcome, refund_percent: 100, resolutions: [store_credit]}\n",
)


def stricter() -> str:
    text = services.template_text("marketplace-standard")
    for old, new in STRICTER:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo_store() -> Store:
    """The demo store, its active policy marketplace-standard, and 600 past requests from Dec to Feb."""
    run(*DEMO, "--returns", "600")
    return Store.objects.get(code="maison-lumiere")


def one_by_one(store: Store, draft: CompiledPolicy, since: datetime) -> dict[str, Any]:
    """The report worked out the plain way: every request decided on its own."""
    version = services.active_version(store)
    assert version is not None
    active, floor = services.compiled(version), services.floor()
    sides: dict[str, Counter[Any]] = {"recorded": Counter(), "active": Counter(), "draft": Counter()}
    rules: Counter[tuple[str, str]] = Counter()
    changed = 0
    rows = PolicyDecision.objects.filter(store=store, stage="request", decided_at__gte=since)
    for row in rows:
        facts = services.facts_of(row)
        a, d = legal.decide(active, facts, floor), legal.decide(draft, facts, floor)
        credit = "store_credit" in row.resolutions.split(",")
        outcomes = {
            "recorded": (row.eligible, row.refund_amount, row.fees, row.store_credit_amount, credit),
            "active": (
                a.eligible,
                a.refund_amount,
                a.fees_total,
                a.store_credit_amount,
                "store_credit" in a.resolutions,
            ),
            "draft": (
                d.eligible,
                d.refund_amount,
                d.fees_total,
                d.store_credit_amount,
                "store_credit" in d.resolutions,
            ),
        }
        for side, (eligible, refund, fees, store_credit, offered) in outcomes.items():
            totals = sides[side]
            totals["requests"] += 1
            if eligible:
                totals["approved"] += 1
                totals["refunds"] += refund
                totals["fees"] += fees
                if offered:
                    totals["offered"] += 1
                    totals["store_credit"] += store_credit
        if (a.eligible, a.code, a.refund_amount) != (d.eligible, d.code, d.refund_amount):
            changed += 1
            rules[a.trace[0], d.trace[0]] += 1
    return {"sides": sides, "changed": changed, "rules": rules}


def figures(side: simulation.Side) -> Counter[Any]:
    money = side.money.get("EUR", simulation.Totals())
    values = {
        "requests": side.requests,
        "approved": side.approved,
        "offered": side.store_credit_offered,
        "refunds": money.refunds,
        "fees": money.fees,
        "store_credit": money.store_credit,
    }
    return Counter({key: value for key, value in values.items() if value})


@pytest.mark.parametrize(
    "draft_text",
    [stricter, lambda: PICKY, lambda: SEASONAL, lambda: TAGGED],
    ids=["stricter", "picky", "seasonal", "tags-and-segments"],
)
def test_the_simulator_decides_as_every_request_decided_on_its_own(demo_store: Store, draft_text: Any):
    draft = services.parse(draft_text())

    report = simulation.simulate(demo_store, draft, since=SINCE, top=100)
    expected = one_by_one(demo_store, draft, SINCE)

    assert report.requests == 600
    for name in ("recorded", "active", "draft"):
        assert figures(getattr(report, name)) == expected["sides"][name], name
    assert report.changes.total == expected["changed"] > 0
    assert {(change.active_rule, change.draft_rule): change.count for change in report.rules} == expected[
        "rules"
    ]
    for change in report.rules:
        for example in change.examples:  # real requests, decided again: the group's outcome
            assert example.facts.country
            assert example.facts.reason
            assert (example.active.trace[0], example.draft.trace[0]) == (
                change.active_rule,
                change.draft_rule,
            )


def test_the_active_policy_as_a_draft_changes_nothing(demo_store: Store):
    version = services.active_version(demo_store)
    assert version is not None
    report = simulation.simulate(demo_store, services.parse(version.document), since=SINCE)

    assert report.changes.total == 0
    assert report.rules == []
    assert figures(report.draft) == figures(report.active) == figures(report.recorded)


def record(store: Store, when: datetime, *, delivered_days_ago: int, country: str = "FR") -> None:
    version = services.active_version(store) or services.load_policy(
        store, services.template_text("marketplace-standard")
    )
    requested = when.date()
    facts = Facts(
        country=country,
        currency="EUR",
        category="apparel",
        unit_price=Decimal("40.00"),
        quantity=1,
        ordered_at=requested - timedelta(days=delivered_days_ago + 3),
        delivered_at=requested - timedelta(days=delivered_days_ago),
        requested_at=requested,
        condition="unopened",
        reason="changed_mind",
    )
    services.record(store, version, facts, services.decide(version, facts), when=when)


@pytest.fixture
def recorded(store: Store) -> Store:
    """Five requests in February (two late), one in November."""
    for days in (3, 10, 20, 40, 50):
        record(store, WHEN, delivered_days_ago=days, country="US")
    record(store, datetime(2025, 11, 15, 12, 0, tzinfo=UTC), delivered_days_ago=3)
    return store


def test_a_stricter_draft_approves_fewer(recorded: Store, tmp_path: Path):
    path = tmp_path / "draft.yaml"
    path.write_text(stricter(), encoding="utf-8")

    data = json.loads(run("policy", "simulate", "--policy", str(path), "--since", "2026-01-01", "--json"))

    assert data["store"] == "test-store"
    assert (data["requests"], data["active"]["approved"], data["draft"]["approved"]) == (5, 5, 3)
    assert data["draft"]["approved"] < data["active"]["approved"]
    assert data["changes"]["now_refused"] == 2
    # 3 x (40.00 - 4.95) + 2 x (80 % of 40.00 - 4.95); store credit + 10 %, each rounded
    assert data["active"]["money"]["EUR"] == {"refunds": "159.25", "fees": "24.75", "store_credit": "175.20"}
    rules = [(rule["active_rule"], rule["draft_rule"], rule["count"]) for rule in data["rules"]]
    assert rules == [("standard", "standard", 3), ("standard", "too-late", 2)]  # a dearer label; refused
    assert data["changes"]["refund_lower"] == 3
    rule = data["rules"][1]
    example = rule["examples"][0]
    assert set(example) == {"request_id", "similar_requests", "facts", "active", "draft"}
    assert example["active"]["code"] == "late_return"
    assert example["draft"] == {
        "eligible": False,
        "code": "window_expired",
        "rule": "too-late",
        "refund_percent": 0,
        "refund_amount": "0.00",
        "fees": "0.00",
        "store_credit_amount": "0.00",
        "resolutions": [],
        "legal_basis": None,
    }


def test_since_leaves_out_older_requests(recorded: Store):
    assert "5 past return requests since" in run(
        "policy", "simulate", "--template", "marketplace-standard", "--since", "2026-01-01"
    )
    assert "6 past return requests" in run(
        "policy", "simulate", "--template", "marketplace-standard", "--since", "2025-11-01"
    )
    assert "There are no past return requests" in run(
        "policy", "simulate", "--template", "marketplace-standard", "--since", "2026-03-01"
    )


def test_the_text_report_compares_side_by_side(recorded: Store, tmp_path: Path):
    path = tmp_path / "draft.yaml"
    path.write_text(stricter(), encoding="utf-8")

    out = run("policy", "simulate", "--policy", str(path), "--since", "2026-01-01")

    assert "Active: marketplace-standard v1" in out
    assert "Draft: stricter" in out
    assert any(
        line.startswith("Approved") and line.split()[1:] == ["5", "5", "3", "-2"] for line in out.splitlines()
    )
    assert "Refunds (EUR)" in out
    assert "standard → standard: 3 requests" in out
    assert "standard → too-late: 2 requests" in out
    assert "late_return at 80 %" in out


def test_a_bad_draft_is_refused_with_its_lines(recorded: Store, tmp_path: Path):
    path = tmp_path / "draft.yaml"
    path.write_text(stricter().replace("refund_percent: 80", "refund_percent: lots"), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run("policy", "simulate", "--policy", str(path))

    message = str(error.value)
    assert "problem" in message
    assert "line " in message
    assert "rules[" in message
    assert "refund_percent" in message


def test_a_store_without_an_active_policy_is_told_so(store: Store):
    with pytest.raises(CommandError, match="no active policy"):
        run("policy", "simulate", "--template", "marketplace-standard")


def test_a_bad_period_is_refused(recorded: Store):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("policy", "simulate", "--template", "marketplace-standard", "--since", "last week")


def test_the_demo_tops_up_its_past_requests():
    out = run(*DEMO, "--returns", "50")
    assert (
        "Past return requests: 50 added to the 0 already there, decided under marketplace-standard version 1."
        in out
    )
    requests = PolicyDecision.objects.filter(stage="request")
    assert requests.count() == 50
    first = requests.order_by("decided_at").first()
    assert first is not None
    assert first.decided_at.date() >= date(2025, 11, 30)
    assert requests.filter(eligible=True).exists()
    assert requests.filter(eligible=False).exists()
    assert "0 added to the 50 already there" in run(*DEMO, "--returns", "50")
    assert requests.count() == 50


def test_the_demo_gives_some_customers_a_segment_and_its_requests_keep_it(demo_store: Store):
    segments = set(Customer.objects.filter(store=demo_store).values_list("segment", flat=True))
    assert {"vip", "new", ""} <= segments
    stored = PolicyDecision.objects.filter(store=demo_store, stage="request")
    assert stored.filter(segment="vip").exists()
    assert stored.filter(tags__contains="fin-de-serie").exists()
