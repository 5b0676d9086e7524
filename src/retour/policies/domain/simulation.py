"""What if, the pure part: sum replayed requests (each decided under the active and the draft policy) into
a report, and say which facts and thresholds the policies can see. No database, no words: the requests
are read by ``policies.simulation_queries`` and the report is worded by ``policies.simulation_wording``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from retour.core.money import Money
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Condition, Policy

EXAMPLES = 3
TOP_RULES = 10
ZERO = Decimal(0)

# -- the report --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recorded:
    """The outcome stored with a past request: what the shopper was told then."""

    eligible: bool
    refund_amount: Decimal
    fees: Decimal
    store_credit_amount: Decimal
    store_credit_offered: bool


@dataclass(frozen=True, slots=True)
class Replay:
    """``count`` past requests decided alike: one of them (its id and facts) and the decisions."""

    count: int
    request_id: int
    facts: Facts
    recorded: Recorded | None
    active: Decision
    draft: Decision


@dataclass
class Totals:
    """Money in one currency; amounts of different currencies are never added together."""

    refunds: Decimal = ZERO
    fees: Decimal = ZERO
    store_credit: Decimal = ZERO


@dataclass
class Side:
    """The outcomes of all the requests under one policy (or as recorded)."""

    requests: int = 0
    approved: int = 0
    store_credit_offered: int = 0  # approved requests whose resolutions include store credit
    money: dict[str, Totals] = field(default_factory=dict)

    @property
    def refused(self) -> int:
        return self.requests - self.approved

    @property
    def store_credit_share(self) -> float:
        """Of the approved requests, the share offered store credit (0 to 1)."""
        return self.store_credit_offered / self.approved if self.approved else 0.0

    def add(
        self,
        count: int,
        eligible: bool,
        currency: str,
        refund: Decimal,
        fees: Decimal,
        credit: Decimal | None,
    ) -> None:
        """``credit`` is the store credit amount when store credit is offered, else None."""
        self.requests += count
        if not eligible:
            return
        self.approved += count
        money = self.money.get(currency)
        if money is None:
            money = self.money[currency] = Totals()
        money.refunds += refund * count
        money.fees += fees * count
        if credit is not None:
            self.store_credit_offered += count
            money.store_credit += credit * count


@dataclass(frozen=True)
class Example:
    request_id: int
    count: int  # past requests decided alike
    facts: Facts
    active: Decision
    draft: Decision


@dataclass(frozen=True)
class RuleChange:
    """Outcomes that changed where the active policy applied ``active_rule`` and the draft ``draft_rule``."""

    active_rule: str
    draft_rule: str
    count: int
    examples: tuple[Example, ...]


@dataclass
class Changes:
    total: int = 0  # eligibility, code or refund amount differ
    now_approved: int = 0  # refused under the active policy, approved under the draft
    now_refused: int = 0
    refund_higher: int = 0  # approved under both, a higher refund under the draft
    refund_lower: int = 0


@dataclass
class SimulationReport:
    requests: int
    decided: int  # distinct sets of facts decided (the rest were counted, not decided again)
    recorded: Side
    active: Side
    draft: Side
    changes: Changes
    rules: list[RuleChange]  # the most outcomes changed first
    other_rule_changes: int = 0  # outcomes changed by rule pairs beyond those listed
    active_policy: str = ""
    draft_policy: str = ""
    since: datetime | None = None

    @property
    def currencies(self) -> list[str]:
        return sorted(set(self.recorded.money) | set(self.active.money) | set(self.draft.money))

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON values: amounts as strings, per currency."""
        return {
            "active_policy": self.active_policy,
            "draft_policy": self.draft_policy,
            "since": self.since.isoformat() if self.since else None,
            "requests": self.requests,
            "decided": self.decided,
            "recorded": _side_dict(self.recorded),
            "active": _side_dict(self.active),
            "draft": _side_dict(self.draft),
            "changes": {
                "total": self.changes.total,
                "now_approved": self.changes.now_approved,
                "now_refused": self.changes.now_refused,
                "refund_higher": self.changes.refund_higher,
                "refund_lower": self.changes.refund_lower,
            },
            "rules": [
                {
                    "active_rule": change.active_rule,
                    "draft_rule": change.draft_rule,
                    "count": change.count,
                    "examples": [_example_dict(example) for example in change.examples],
                }
                for change in self.rules
            ],
            "other_rule_changes": self.other_rule_changes,
        }


def _side_dict(side: Side) -> dict[str, Any]:
    return {
        "requests": side.requests,
        "approved": side.approved,
        "refused": side.refused,
        "store_credit_offered": side.store_credit_offered,
        "store_credit_share": round(side.store_credit_share, 4),
        "money": {
            currency: {
                "refunds": _amount(money.refunds, currency),
                "fees": _amount(money.fees, currency),
                "store_credit": _amount(money.store_credit, currency),
            }
            for currency, money in sorted(side.money.items())
        },
    }


def _amount(value: Decimal, currency: str) -> str:
    """In the currency's minor unit, whatever the scale the database returned (40.05, 40.0500)."""
    return str(Money(value, currency).rounded().amount)


def _decision_dict(decision: Decision) -> dict[str, Any]:
    return {
        "eligible": decision.eligible,
        "code": decision.code,
        "rule": decision.trace[0] if decision.trace else "",
        "refund_percent": decision.refund_percent,
        "refund_amount": _amount(decision.refund_amount, decision.currency),
        "fees": _amount(decision.fees_total, decision.currency),
        "store_credit_amount": _amount(decision.store_credit_amount, decision.currency),
        "resolutions": list(decision.resolutions),
        "legal_basis": decision.legal_basis,
    }


def _example_dict(example: Example) -> dict[str, Any]:
    f = example.facts
    return {
        "request_id": example.request_id,
        "similar_requests": example.count,
        "facts": {
            "country": f.country,
            "currency": f.currency,
            "category": f.category,
            "unit_price": _amount(f.unit_price, f.currency),
            "quantity": f.quantity,
            "ordered_on": f.ordered_at.isoformat(),
            "delivered_on": f.delivered_at.isoformat() if f.delivered_at else None,
            "requested_on": f.requested_at.isoformat(),
            "days_since_delivery": f.days_since_delivery,
            "condition": f.condition,
            "reason": f.reason,
            "is_gift": f.is_gift,
            "member": f.member,
            "final_sale": f.final_sale,
            "personalised": f.personalised,
            "seller": f.seller,
            "payment_method": f.payment_method,
            "tags": sorted(f.tags),
            "segment": f.segment,
        },
        "active": _decision_dict(example.active),
        "draft": _decision_dict(example.draft),
    }


# -- aggregation (pure) --------------------------------------------------------------------------------


def offers_store_credit(decision: Decision) -> bool:
    return decision.eligible and "store_credit" in decision.resolutions


def outcome_changed(active: Decision, draft: Decision) -> bool:
    return (
        active.eligible != draft.eligible
        or active.code != draft.code
        or active.refund_amount != draft.refund_amount
    )


def aggregate(
    replays: Iterable[Replay], *, examples: int = EXAMPLES, top: int = TOP_RULES
) -> SimulationReport:
    """Sum the replayed groups into a report; the rule changes come most outcomes first, each with up to
    ``examples`` examples, the groups of the most requests first."""
    recorded, active, draft, changes = Side(), Side(), Side(), Changes()
    by_rules: dict[tuple[str, str], int] = {}
    changed_groups: dict[tuple[str, str], list[Replay]] = {}
    decided = 0
    for replay in replays:
        decided += 1
        n, a, d = replay.count, replay.active, replay.draft
        if replay.recorded is not None:
            r = replay.recorded
            recorded.add(
                n,
                r.eligible,
                replay.facts.currency,
                r.refund_amount,
                r.fees,
                r.store_credit_amount if r.store_credit_offered else None,
            )
        for side, decision in ((active, a), (draft, d)):
            side.add(
                n,
                decision.eligible,
                decision.currency,
                decision.refund_amount,
                decision.fees_total,
                decision.store_credit_amount if offers_store_credit(decision) else None,
            )
        if not outcome_changed(a, d):
            continue
        changes.total += n
        if a.eligible != d.eligible:
            if d.eligible:
                changes.now_approved += n
            else:
                changes.now_refused += n
        elif d.refund_amount > a.refund_amount:
            changes.refund_higher += n
        elif d.refund_amount < a.refund_amount:
            changes.refund_lower += n
        pair = (_rule(a), _rule(d))
        by_rules[pair] = by_rules.get(pair, 0) + n
        changed_groups.setdefault(pair, []).append(replay)
    ranked = sorted(by_rules.items(), key=lambda item: (-item[1], item[0]))
    rules = [
        RuleChange(
            active_rule,
            draft_rule,
            count,
            tuple(
                Example(r.request_id, r.count, r.facts, r.active, r.draft)
                for r in heapq.nsmallest(
                    examples, changed_groups[active_rule, draft_rule], key=lambda r: (-r.count, r.request_id)
                )
            ),
        )
        for (active_rule, draft_rule), count in ranked[:top]
    ]
    return SimulationReport(
        requests=active.requests,
        decided=decided,
        recorded=recorded,
        active=active,
        draft=draft,
        changes=changes,
        rules=rules,
        other_rule_changes=sum(count for _pair, count in ranked[top:]),
    )


def _rule(decision: Decision) -> str:
    return decision.trace[0] if decision.trace else ""


# -- what the policies can see -----------------------------------------------------------------------

_DAY_FACTS = ("days_since_delivery", "days_since_order", "days_past_return_by")
_DATE_FACTS = {"requested_on": "requested_at", "delivered_on": "delivered_at", "ordered_on": "ordered_at"}


@dataclass(frozen=True)
class Sight:
    """What decisions under some policies depend on, read off their conditions."""

    facts: frozenset[str]
    cuts: dict[str, tuple[int, ...]]  # day facts other than days_past_return_by: where a decision may flip
    return_by_cuts: tuple[tuple[int, ...], ...]  # days_past_return_by, per policy (each its own window)


def sight(policies: Sequence[Policy]) -> Sight:
    names: set[str] = set()
    cuts: dict[str, set[int]] = {}
    per_policy = []
    for policy in policies:
        mine: dict[str, set[int]] = {}
        for condition in conditions(policy):
            _walk(condition, names, mine)
        for fact, values in mine.items():
            if fact != "days_past_return_by":
                cuts.setdefault(fact, set()).update(values)
        per_policy.append(tuple(sorted(mine.get("days_past_return_by", ()))))
    return Sight(
        frozenset(names), {fact: tuple(sorted(values)) for fact, values in cuts.items()}, tuple(per_policy)
    )


def conditions(policy: Policy) -> Iterator[Condition]:
    """Every condition of a policy: rules, adjustments, fee waivers, resolution overrides."""
    for rule in policy.rules:
        yield rule.when
        for adjustment in rule.adjust:
            yield adjustment.when
    for fee in policy.fees.values():
        if fee.waived_when is not None:
            yield fee.waived_when
    for override in policy.resolution_overrides:
        yield override.when


def _walk(condition: Condition, names: set[str], cuts: dict[str, set[int]]) -> None:
    kind = condition[0]
    if kind in ("all", "any"):
        for part in condition[1]:
            _walk(part, names, cuts)
    elif kind == "not":
        _walk(condition[1], names, cuts)
    elif kind == "tags":
        names.add("tags")
    else:
        fact = condition[1]
        names.add(fact)
        if kind == "range" and fact in _DAY_FACTS:
            # Whole days: "at least low" flips at low, "at most high" flips at high + 1.
            low, high = condition[2], condition[3]
            flips = cuts.setdefault(fact, set())
            if low is not None:
                flips.add(int(low))
            if high is not None:
                flips.add(int(high) + 1)
