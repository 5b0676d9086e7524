"""The legal floor for an item whose legal guarantee was extended by a repair (docs/repairs.md).

A repair under the legal guarantee extends it (Code de la consommation L217-13: six months; Directive (EU)
2024/1799 art. 16, amending art. 10 of Directive (EU) 2019/771: twelve months once when the consumer
chose repair). A fault found after the guarantee's original end and on or before ``guarantee_until`` is
still the seller's: the floor decides it as on the original period's last day, which the guarantee
covered, and the decision keeps the request's own day count and return-by date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from retour.policies.domain import law, legal
from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts


def original_end(facts: Facts, floor: CompiledPolicy) -> date | None:
    """The last day the legal guarantee covers ``facts``' item without extension (None: no legal guarantee
    in the shopper's country, or the item was not delivered)."""
    if facts.delivered_at is None:
        return None
    days = law.guarantee_days(facts.country, facts.category, floor.policy.legal_guarantee)
    return None if days is None else facts.delivered_at + timedelta(days=days)


def decide(
    policy: CompiledPolicy, facts: Facts, floor: CompiledPolicy | None, guarantee_until: date | None
) -> Decision:
    """``legal.decide``, with the legal guarantee running to ``guarantee_until`` when a repair extended it."""
    decision = legal.decide(policy, facts, floor)
    if floor is None or guarantee_until is None or decision.legal_basis == legal.GUARANTEE:
        return decision
    if not facts.seller_fault or facts.requested_at > guarantee_until:
        return decision
    end = original_end(facts, floor)
    if end is None or facts.requested_at <= end:
        return decision  # inside the original period: the floor has already said what the law gives
    covered = legal.decide(policy, replace(facts, requested_at=end), floor)
    if covered.legal_basis != legal.GUARANTEE:
        return decision
    return covered._replace(
        days_since_delivery=facts.days_since_delivery,
        return_by=decision.return_by,
        trace=(*covered.trace, "extended_guarantee"),
    )
