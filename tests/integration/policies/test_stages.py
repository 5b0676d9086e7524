"""A decision at request time, a re-decision at inspection; both kept, the difference explained."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from retour.catalog.models import Store
from retour.policies import services
from retour.policies.domain.facts import Facts
from retour.policies.models import PolicyDecision

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _request(store: Store, condition: str) -> PolicyDecision:
    version = services.load_policy(store, services.template_text("marketplace-standard"))
    facts = Facts(
        country="FR",
        currency="EUR",
        category="apparel",
        unit_price=Decimal("45.00"),
        quantity=1,
        ordered_at=date(2026, 2, 20),
        delivered_at=date(2026, 2, 24),
        requested_at=date(2026, 3, 20),
        condition=condition,
        reason="size_fit",
    )
    return services.record(store, version, facts, services.decide(version, facts), when=WHEN)


def test_inspection_that_finds_the_item_used_halves_the_refund_and_says_why(store: Store) -> None:
    request = _request(store, "unopened")
    inspection, difference = services.redecide_at_inspection(request, "used", when=WHEN)

    assert (request.refund_percent, request.refund_amount) == (100, Decimal("40.05"))
    assert (inspection.stage, inspection.previous_id, inspection.condition) == (
        "inspection",
        request.pk,
        "used",
    )
    assert (inspection.refund_percent, inspection.refund_amount) == (50, Decimal("17.55"))
    assert "from 100 % (€40.05) to 50 % (€17.55)" in difference.en
    assert "jugé usagé" in difference.fr
    assert PolicyDecision.objects.count() == 2  # both kept


def test_inspection_that_confirms_the_condition_changes_nothing(store: Store) -> None:
    request = _request(store, "opened")
    inspection, difference = services.redecide_at_inspection(request, "opened", when=WHEN)
    assert inspection.refund_amount == request.refund_amount
    assert difference.en == "The inspection confirmed the decision: nothing changes."


def test_only_a_request_decision_can_be_revised(store: Store) -> None:
    request = _request(store, "opened")
    inspection, _difference = services.redecide_at_inspection(request, "used", when=WHEN)
    with pytest.raises(services.PolicyInvalid):
        services.redecide_at_inspection(inspection, "damaged", when=WHEN)


def test_a_request_refused_then_found_refundable_at_inspection_says_so(store: Store):
    text = services.template_text("marketplace-standard").replace(
        "rules:\n",
        "rules:\n  - id: no-damaged\n    when: {condition: damaged, stage: request}\n"
        "    then: {eligible: false, code: report_damage}\n",
        1,
    )
    version = services.load_policy(store, text)
    facts = Facts(
        country="US",
        currency="USD",
        category="apparel",
        unit_price=Decimal("45.00"),
        quantity=1,
        ordered_at=date(2026, 2, 20),
        delivered_at=date(2026, 2, 24),
        requested_at=date(2026, 3, 10),
        condition="damaged",
        reason="size_fit",
    )
    request = services.record(store, version, facts, services.decide(version, facts), when=WHEN)
    inspection, difference = services.redecide_at_inspection(request, "opened", when=WHEN)

    assert (request.eligible, inspection.eligible) == (False, True)
    assert "can be refunded after all, 100 % (US$40.05)" in difference.en
    assert "peut finalement être remboursé" in difference.fr
