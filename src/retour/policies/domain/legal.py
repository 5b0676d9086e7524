"""The legal floor: for shoppers in the EU/EEA and the UK, the statutory right of withdrawal and the
legal guarantee of conformity apply whatever a store's own policy says.

The floor is itself a policy (the ``statutory-minimum`` template). Where it is eligible on a legal basis
and the store's decision is not eligible, or refunds a lower percentage, the floor *raises* the decision:
eligible, the law's percentage, code and legal basis, and otherwise what the store's own policy gives:
its return shipping fee (spec rule 5: the fee still applies under the right of withdrawal, from the
store's fee table), its resolutions and its store-credit bonus. Under the legal guarantee the remedy is
free of charge (Directive (EU) 2019/771 art. 14; UK Consumer Rights Act 2015 s. 23), so there the floor
also steps in to take a fee off, and charges none.

The floor is compiled into the policy's own decision function (``CompiledPolicy.with_floor``): only the
rules under which the floor may give more (``analysis.floor_needed``) ask it, so that for a policy that
already gives what the law does, such as ``marketplace-standard``, a decision costs what it costs alone.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from retour.policies.domain import analysis
from retour.policies.domain.compiler import _STEPS, HUNDRED, ZERO, CompiledPolicy, _step
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Text
from retour.policies.domain.vocabulary import WITHDRAWAL_BASES

GUARANTEE = "legal_guarantee"
WITHDRAWAL_FULL = Text(
    "You are within your 14-day right of withdrawal: the item is refunded in full, {refund} after the "
    "return shipping.",
    "Vous êtes dans votre délai de rétractation de 14 jours : l’article est remboursé en totalité, soit "
    "{refund} après les frais de retour.",
)
WITHDRAWAL_FULL_FREE = Text(
    "You are within your 14-day right of withdrawal: the item is refunded in full, {refund}.",
    "Vous êtes dans votre délai de rétractation de 14 jours : l’article est remboursé en totalité, soit "
    "{refund}.",
)
WITHDRAWAL_HANDLED = Text(
    "You are within your right of withdrawal, but the item was handled beyond what is needed to try it: "
    "{percent} % of its price is refunded, {refund} after the return shipping.",
    "Vous êtes dans votre délai de rétractation, mais l’article a été manipulé au-delà de ce qu’il faut "
    "pour l’essayer : {percent} % de son prix est remboursé, soit {refund} après les frais de retour.",
)
WITHDRAWAL_HANDLED_FREE = Text(
    "You are within your right of withdrawal, but the item was handled beyond what is needed to try it: "
    "{percent} % of its price is refunded, {refund}.",
    "Vous êtes dans votre délai de rétractation, mais l’article a été manipulé au-delà de ce qu’il faut "
    "pour l’essayer : {percent} % de son prix est remboursé, soit {refund}.",
)


UK_CANCELLATION_FULL = Text(
    "You are within the 14-day cancellation period of the UK's Consumer Contracts Regulations: the item is "
    "refunded in full, {refund} after the return shipping.",
    "Vous êtes dans le délai d’annulation de 14 jours prévu par les Consumer Contracts Regulations (droit "
    "britannique) : l’article est remboursé en totalité, soit {refund} après les frais de retour.",
)
UK_CANCELLATION_FULL_FREE = Text(
    "You are within the 14-day cancellation period of the UK's Consumer Contracts Regulations: the item is "
    "refunded in full, {refund}.",
    "Vous êtes dans le délai d’annulation de 14 jours prévu par les Consumer Contracts Regulations (droit "
    "britannique) : l’article est remboursé en totalité, soit {refund}.",
)
UK_CANCELLATION_HANDLED = Text(
    "You are within the 14-day cancellation period, but the item was handled beyond what is needed to try "
    "it: {percent} % of its price is refunded, {refund} after the return shipping.",
    "Vous êtes dans le délai d’annulation de 14 jours, mais l’article a été manipulé au-delà de ce qu’il "
    "faut pour l’essayer : {percent} % de son prix est remboursé, soit {refund} après les frais de retour.",
)
UK_CANCELLATION_HANDLED_FREE = Text(
    "You are within the 14-day cancellation period, but the item was handled beyond what is needed to try "
    "it: {percent} % of its price is refunded, {refund}.",
    "Vous êtes dans le délai d’annulation de 14 jours, mais l’article a été manipulé au-delà de ce qu’il "
    "faut pour l’essayer : {percent} % de son prix est remboursé, soit {refund}.",
)
# The words of each right of withdrawal: (full, full and free, handled, handled and free).
_WITHDRAWAL_TEXTS = {
    "eu_withdrawal": (WITHDRAWAL_FULL, WITHDRAWAL_FULL_FREE, WITHDRAWAL_HANDLED, WITHDRAWAL_HANDLED_FREE),
    "uk_cancellation": (
        UK_CANCELLATION_FULL,
        UK_CANCELLATION_FULL_FREE,
        UK_CANCELLATION_HANDLED,
        UK_CANCELLATION_HANDLED_FREE,
    ),
}


def decide(policy: CompiledPolicy, facts: Facts, floor: CompiledPolicy | None) -> Decision:
    """The decision under ``policy``, never below ``floor`` for EU/EEA and UK shoppers."""
    if floor is None:
        return policy.decide(facts)
    cached = policy.floored
    if cached[0] is floor:
        return cached[1](facts)  # type: ignore[no-any-return]
    return floored(policy, floor)(facts)


def floored(policy: CompiledPolicy, floor: CompiledPolicy) -> Callable[[Facts], Decision]:
    """The policy's decision function with ``floor`` inside (made once per floor, then kept)."""
    needed = analysis.floor_needed(policy.policy, floor.policy)
    return policy.with_floor(floor, partial(step_in, policy, floor), needed)


def step_in(
    policy: CompiledPolicy, floor: CompiledPolicy, decision: Decision, facts: Facts, rule: int
) -> Decision:
    """``decision`` (made by the policy's rule ``rule``, -1 for none), raised to the floor's when the law
    gives the shopper more."""
    law = floor.decide(facts)
    if not (law.eligible and law.legal_basis):
        return decision
    guarantee = law.legal_basis == GUARANTEE
    if (
        decision.eligible
        and law.refund_percent <= decision.refund_percent
        and not (guarantee and decision.fees_total)
    ):
        if law.legal_basis in WITHDRAWAL_BASES and decision.legal_basis != law.legal_basis:
            # A policy more generous than the law does not take the right of withdrawal away: the line
            # keeps the store's terms and carries the legal basis (its button, deadline and surcharge).
            return decision._replace(legal_basis=law.legal_basis)
        return decision
    percent = max(law.refund_percent, decision.refund_percent if decision.eligible else 0)
    currency = facts.currency
    step = _STEPS.get(currency) or _step(currency)
    line_total = facts.unit_price * facts.quantity
    item_refund = (line_total * percent / HUNDRED).quantize(step, ROUND_HALF_UP)
    fees = () if guarantee else _fees(policy, floor, decision, law, facts, rule, item_refund)
    refund = item_refund - sum((amount for _name, amount in fees), ZERO)
    bonus = policy.policy.store_credit_bonus_percent
    credit = (refund * (HUNDRED + bonus) / HUNDRED).quantize(step, ROUND_HALF_UP) if bonus else refund
    if decision.eligible:
        resolutions, approval, photo, methods = (
            decision.resolutions,
            decision.approval,
            decision.photo_required,
            decision.return_methods,
        )
        keep = decision.keep_item
    else:
        chosen = policy.override(facts)
        overrides = policy.policy.resolution_overrides
        resolutions = overrides[chosen].resolutions if chosen >= 0 else law.resolutions
        approval, photo, methods, keep = law.approval, law.photo_required, law.return_methods, False
    return Decision(
        True,
        law.code,
        percent,
        currency,
        item_refund,
        fees,
        refund,
        credit,
        keep,
        law.legal_basis,
        resolutions,
        approval,
        photo,
        methods,
        decision.policy,
        (*decision.trace, f"legal_floor:{law.code}"),
        law.explain if guarantee else _withdrawal_text(percent, fees, law.legal_basis),
        decision.return_by,
        decision.days_since_delivery,
    )


def _fees(
    policy: CompiledPolicy,
    floor: CompiledPolicy,
    decision: Decision,
    law: Decision,
    facts: Facts,
    rule: int,
    item_refund: Decimal,
) -> tuple[tuple[str, Decimal], ...]:
    """The store's own fees on the raised refund: those its rule charges, or, when it refused, those the
    law's decision names, from the store's table of that name when it has one (the floor's otherwise)."""
    names = (
        policy.policy.rules[rule].then.fees
        if decision.eligible and rule >= 0
        else tuple(n for n, _a in law.fees)
    )
    left = item_refund
    charged = []
    for name in names:
        owner = policy if name in policy.policy.fees else floor
        table = owner.policy.fees.get(name)
        if table is None or owner.waived[name](facts):
            amount = ZERO
        else:
            amount = min(table.amounts.get(facts.currency, ZERO), left)
        left -= amount
        charged.append((name, amount))
    return tuple(charged)


def _withdrawal_text(percent: int, fees: tuple[tuple[str, Decimal], ...], basis: str | None) -> Text:
    """The right of withdrawal in the shopper's terms: the EU's, or the UK's right to cancel."""
    full, full_free, handled, handled_free = _WITHDRAWAL_TEXTS.get(
        basis or "", _WITHDRAWAL_TEXTS["eu_withdrawal"]
    )
    charged = any(amount for _name, amount in fees)
    if percent >= 100:
        return full if charged else full_free
    return handled if charged else handled_free
