"""Recording a repaired item's extended legal guarantee on its order line (repairs/domain/guarantee.py),
and reading it back for the legal floor of later requests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from retour.orders.models import OrderLine
from retour.policies.domain import law
from retour.policies.domain.vocabulary import EU_EEA
from retour.policies.order_facts import facts_for_line, with_fact_relations
from retour.repairs.domain import guarantee
from retour.repairs.models import GuaranteeExtension, Repair
from retour.repairs.services.timeline import record_event

NOT_EU = frozenset({"NO", "IS", "LI"})  # EEA states the repair directive does not bind yet


def record(repair: Repair) -> GuaranteeExtension | None:
    """Extend the guarantee of ``repair``'s order line, once, when it was repaired under the guarantee."""
    if (
        not repair.under_guarantee
        or GuaranteeExtension.objects.filter(order_line_id=repair.line.order_line_id).exists()
    ):
        return None
    line = with_fact_relations(OrderLine.objects.filter(pk=repair.line.order_line_id)).get()
    today = timezone.localtime(timezone.now(), repair.store.zone).date()
    facts = facts_for_line(line, requested_at=today, condition="used", reason="defective")
    days = law.guarantee_days(repair.country, facts.category)
    if facts.delivered_at is None or days is None:
        return None
    end = facts.delivered_at + timedelta(days=days)
    found = guarantee.extended_end(end, today, repair.country, in_eu=repair.country in EU_EEA - NOT_EU)
    if found is None:
        return None
    until, basis = found
    made = GuaranteeExtension.objects.create(
        order_line=line, repair=repair, original_end=end, until=until, basis=basis
    )
    record_event(
        repair,
        "guarantee_extended",
        actor_label="system",
        data={"original_end": end.isoformat(), "until": until.isoformat(), "basis": basis},
    )
    return made


def extended_until(order_line_id: int) -> date | None:
    """The extended end of ``order_line_id``'s legal guarantee, if a repair extended it."""
    return (
        GuaranteeExtension.objects.filter(order_line_id=order_line_id).values_list("until", flat=True).first()
    )
