"""A customer's segment and a line's tags: imported, read as facts, stored with each decision, read back
for the re-decision at inspection, and shown in the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from factories import delivered_line
from retour.catalog.models import Store
from retour.orders.models import Customer, Order
from retour.policies import services
from retour.policies.domain.facts import Facts
from retour.policies.order_facts import facts_for_line, with_fact_relations

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# VIP customers return anything, free; end-of-line items ("fin-de-serie") are not taken back.
SEGMENTED = services.template_text("marketplace-standard").replace(
    "rules:\n",
    "rules:\n"
    "  - id: end-of-line\n"
    "    when: {tags: [fin-de-serie], seller_fault: false}\n"
    "    then: {eligible: false, code: end_of_line}\n"
    "  - id: vip\n"
    "    when: {segment: vip, seller_fault: false, delivered: true}\n"
    "    then: {eligible: true, code: vip, refund_percent: 100, resolutions: [refund, store_credit]}\n",
    1,
)


def facts(**fields: object) -> Facts:
    values: dict[str, object] = {
        "country": "FR",
        "currency": "EUR",
        "category": "apparel",
        "unit_price": Decimal("45.00"),
        "quantity": 1,
        "ordered_at": date(2026, 2, 20),
        "delivered_at": date(2026, 2, 24),
        "requested_at": date(2026, 3, 20),
        "condition": "unopened",
        "reason": "size_fit",
    }
    values.update(fields)
    return Facts(**values)  # type: ignore[arg-type]


def test_a_customer_segment_is_imported_from_json_and_read_as_a_fact(make_order: Callable[..., Order]):
    order = make_order(
        customer={"email": "vip@example.com", "country": "FR", "segment": "vip"},
        lines=[delivered_line("Pull en laine", 1, "60.00", tags=["fin-de-serie"])],
        payments=[{"method": "card", "amount": "60.00"}],
    )
    assert Customer.objects.get(email="vip@example.com").segment == "vip"

    line = with_fact_relations(order.lines.all()).get()
    result = facts_for_line(line, requested_at=date.today(), condition="unopened", reason="size_fit")
    assert result.segment == "vip"
    assert result.tags == frozenset({"fin-de-serie"})


def test_the_segment_condition_decides(make_order: Callable[..., Order], policy_store: Store):
    version = services.load_policy(policy_store, SEGMENTED.replace("fin-de-serie", "never-used"))
    vip = make_order("#2001", customer={"email": "v@example.com", "country": "FR", "segment": "vip"})
    plain = make_order("#2002")

    decided = []
    for order in (vip, plain):
        line = with_fact_relations(order.lines.all()).first()
        assert line is not None
        case = facts_for_line(line, requested_at=date.today(), condition="used", reason="changed_mind")
        decided.append(services.decide(version, case))
    assert [(d.code, d.refund_percent, d.fees_total) for d in decided] == [
        ("vip", 100, 0),
        ("legal_withdrawal", 50, Decimal("4.95")),
    ]


def test_tags_and_segment_are_stored_with_a_decision_and_read_back(store: Store):
    version = services.load_policy(store, SEGMENTED)
    case = facts(tags=frozenset({"winter", "fin-de-serie"}), segment="new")
    row = services.record(store, version, case, services.decide(version, case), when=WHEN)
    row.refresh_from_db()

    assert row.tags == '["fin-de-serie","winter"]'
    assert row.segment == "new"
    assert services.facts_of(row) == case


def test_a_line_refused_for_its_tag_stays_refused_at_inspection(store: Store):
    version = services.load_policy(store, SEGMENTED)
    case = facts(tags=frozenset({"fin-de-serie"}))
    request = services.record(store, version, case, services.decide(version, case), when=WHEN)
    assert (request.eligible, request.code) == (False, "end_of_line")

    inspection, difference = services.redecide_at_inspection(request, "used", when=WHEN)

    assert (inspection.eligible, inspection.code, inspection.tags) == (False, "end_of_line", request.tags)
    assert difference.en == "The inspection confirmed the decision: nothing changes."


def test_a_vip_request_keeps_its_segment_at_inspection(store: Store):
    version = services.load_policy(store, SEGMENTED)
    case = facts(segment="vip")
    request = services.record(store, version, case, services.decide(version, case), when=WHEN)

    inspection, difference = services.redecide_at_inspection(request, "damaged", when=WHEN)

    assert (request.code, inspection.code, inspection.refund_percent) == ("vip", "vip", 100)
    assert "nothing changes" in difference.en


def test_the_change_at_inspection_is_told_from_what_the_shopper_was_told(store: Store):
    """The request's stored decision is the "before", whatever deciding it again would say now."""
    version = services.load_policy(store, SEGMENTED)
    case = facts(tags=frozenset({"fin-de-serie"}))
    told = services.decide(version, facts())  # eligible: what the shopper was told, say, before a tag
    request = services.record(store, version, case, told, when=WHEN)

    _inspection, difference = services.redecide_at_inspection(request, "unopened", when=WHEN)

    assert "can no longer be refunded" in difference.en


def test_the_admin_lists_customers_with_their_segment(admin_client: Client, store: Store):
    Customer.objects.create(store=store, email="ana@example.com", segment="vip")
    html = admin_client.get(reverse("admin:orders_customer_changelist")).content.decode()
    assert "column-segment" in html
    assert ">vip<" in html
