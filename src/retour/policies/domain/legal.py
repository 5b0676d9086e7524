"""The legal floor: for shoppers in the EU/EEA and the UK, the statutory right of withdrawal and the
legal guarantee of conformity apply whatever a store's own policy says.

The floor is itself a policy (the ``statutory-minimum`` template): a decision is replaced by the
statutory one when that is eligible on a legal basis and strictly more generous.
"""

from __future__ import annotations

from decimal import Decimal

from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts


def decide(policy: CompiledPolicy, facts: Facts, floor: CompiledPolicy | None) -> Decision:
    args = policy.args(facts)
    decision = policy.decide(facts, args)
    if floor is None or args[5] == "other":  # args[5]: the shopper's region
        return decision
    if decision.eligible and decision.refund_percent == 100 and not decision.fees_total:
        return decision  # nothing is more generous: no need to ask the law
    floor_args = floor.args(facts) if floor.needs_return_by else args
    # The floor's rule, percentage and fees tell whether the law wins, before its decision is built.
    bound = floor.legal_bound(floor_args)
    if bound is None or (decision.eligible, decision.refund_percent, -decision.fees_total) >= (
        True,
        *_negated(bound),
    ):
        return decision
    statutory = floor.decide(facts, floor_args)
    trace = (*decision.trace, f"legal_floor:{statutory.code}")
    return statutory._replace(policy=decision.policy, trace=trace)


def _negated(bound: tuple[int, Decimal]) -> tuple[int, Decimal]:
    return bound[0], -bound[1]
