"""Compile a ``Policy`` into one Python function, then decide with it.

Conditions become plain Python expressions over the facts, generated from the validated policy (only
names this module writes and constants it binds, never text from the document), so that evaluating a
policy costs about what the same rules written by hand would: see bench/policy.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from retour.core.money import minor_units
from retour.policies.domain.decision import GENERIC_ELIGIBLE, GENERIC_REFUSED, Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Condition, Policy, ReturnWindow, Rule, Text
from retour.policies.domain.vocabulary import EU_EEA, SELLER_FAULT_REASONS, region_of

ARGS = "f, dsd, dso, dpr, lt, rg, sf"
_FACT = {
    "category": "f.category",
    "condition": "f.condition",
    "reason": "f.reason",
    "country": "f.country",
    "currency": "f.currency",
    "seller": "f.seller",
    "payment_method": "f.payment_method",
    "segment": "f.segment",
    "region": "rg",
    "stage": "f.stage",
    "delivered": "(f.delivered_at is not None)",
    "seller_fault": "sf",
    "is_gift": "f.is_gift",
    "member": "f.member",
    "final_sale": "f.final_sale",
    "personalised": "f.personalised",
    "days_since_delivery": "dsd",
    "days_since_order": "dso",
    "days_past_return_by": "dpr",
    "quantity": "f.quantity",
    "unit_price": "f.unit_price",
    "line_total": "lt",
    "requested_on": "f.requested_at",
    "delivered_on": "f.delivered_at",
    "ordered_on": "f.ordered_at",
}
_MAYBE_NONE = {"days_since_delivery", "days_past_return_by", "delivered_on"}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MINUS_ONE = Decimal(-1)
KEEP = ("keep",)
_REGION = {country: region_of(country) for country in (*EU_EEA, "GB")}
_STEPS: dict[str, Decimal] = {}


class _Source:
    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.lines: list[str] = []

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def expr(self, cond: Condition) -> str:
        kind = cond[0]
        if kind == "all":
            return "(" + " and ".join(self.expr(c) for c in cond[1]) + ")" if cond[1] else "True"
        if kind == "any":
            return "(" + " or ".join(self.expr(c) for c in cond[1]) + ")"
        if kind == "not":
            return f"(not {self.expr(cond[1])})"
        if kind == "in":
            values = cond[2]
            if len(values) == 1:
                return f"({_FACT[cond[1]]} == {self.constant(next(iter(values)))})"
            return f"({_FACT[cond[1]]} in {self.constant(frozenset(values))})"
        if kind == "is":
            return _FACT[cond[1]] if cond[2] else f"(not {_FACT[cond[1]]})"
        if kind == "range":
            fact, low, high = _FACT[cond[1]], cond[2], cond[3]
            parts = [f"{fact} is not None"] if cond[1] in _MAYBE_NONE else []
            if low is not None:
                parts.append(f"{fact} >= {self.constant(low)}")
            if high is not None:
                parts.append(f"{fact} <= {self.constant(high)}")
            return "(" + " and ".join(parts) + ")"
        if kind == "between":
            fact, start, end = _FACT[cond[1]], cond[2], cond[3]
            day = f"({fact}.month, {fact}.day)"
            test = (
                f"{self.constant(start)} <= {day} <= {self.constant(end)}"
                if start <= end
                else f"({day} >= {self.constant(start)} or {day} <= {self.constant(end)})"
            )
            return f"({fact} is not None and {test})" if cond[1] in _MAYBE_NONE else f"({test})"
        if kind == "tags":
            return f"(not f.tags.isdisjoint({self.constant(cond[1])}))"
        raise ValueError(f"unknown condition {kind!r}")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a rule decides, prepared once at compile time."""

    rule: Rule
    explain: Text
    fees: tuple[tuple[str, dict[str, Decimal], Callable[..., bool]], ...]
    traces: dict[tuple[int, int], tuple[str, ...]]  # by (lowest adjustment, coded adjustment), filled lazily


@dataclass(frozen=True)
class CompiledPolicy:
    policy: Policy
    select: Callable[
        ..., tuple[int, int, int, int]
    ]  # -> (rule, percent, lowest adjustment, coded adjustment)
    waived: dict[str, Callable[..., bool]]
    override: Callable[..., int]
    source: str
    plans: tuple[_Plan, ...] = ()
    needs_return_by: bool = True  # a condition or an explanation uses the return-by date

    def args(self, facts: Facts) -> tuple[Any, ...]:
        """The facts and what follows from them, as the generated functions take them (+ return-by)."""
        delivered, requested = facts.delivered_at, facts.requested_at
        return_by: date | None = None
        dpr: int | None = None
        if delivered is None:
            dsd = None
        else:
            dsd = (requested - delivered).days
            if self.needs_return_by:
                return_by = _return_by(self.policy.return_window, delivered)
                dpr = (requested - return_by).days
        lt = facts.unit_price * facts.quantity
        return (
            facts,
            dsd,
            (requested - facts.ordered_at).days,
            dpr,
            lt,
            _REGION.get(facts.country, "other"),
            facts.reason in SELLER_FAULT_REASONS,
            return_by,
        )

    def legal_bound(self, args: tuple[Any, ...]) -> tuple[int, Decimal] | None:
        """(refund percentage, fees) of the rule that applies when it is eligible on a legal basis, else
        None: enough to compare with another decision without building this one."""
        index, percent, _adjusted, _coded = self.select(*args[:7])
        if index < 0:
            return None
        plan = self.plans[index]
        outcome = plan.rule.then
        if not (outcome.eligible and outcome.legal_basis):
            return None
        facts, lt = args[0], args[4]
        currency = facts.currency
        step = _STEPS.get(currency) or _step(currency)
        left = (lt if percent == 100 else lt * percent / HUNDRED).quantize(step, ROUND_HALF_UP)
        fees = ZERO
        for _name, amounts, waived in plan.fees:
            if not waived(*args[:7]):
                amount = min(amounts.get(currency, ZERO), left)
                left -= amount
                fees += amount
        return percent, fees

    def decide(self, facts: Facts, args: tuple[Any, ...] | None = None) -> Decision:
        """The decision for ``facts``; ``args`` may pass what ``self.args(facts)`` already computed."""
        if args is None:
            args = self.args(facts)
        return_by = args[7]
        args = args[:7]
        dsd, lt = args[1], args[4]
        index, percent, adjusted, coded = self.select(*args)
        policy = self.policy
        currency = facts.currency
        if index < 0:
            return _refused(
                policy, currency, "no_rule", ("no rule",), policy.fallback or GENERIC_REFUSED, return_by, dsd
            )
        plan = self.plans[index]
        rule = plan.rule
        outcome = rule.then
        trace = plan.traces.get((adjusted, coded))
        if trace is None:
            trace = plan.traces[(adjusted, coded)] = (
                rule.id,
                *(f"{rule.id}/adjust[{j}]" for j in sorted({adjusted, coded}) if j >= 0),
            )
        explain = plan.explain
        if adjusted >= 0 and rule.adjust[adjusted].explain is not None:
            explain = rule.adjust[adjusted].explain  # type: ignore[assignment]
        if not outcome.eligible:
            return _refused(policy, currency, outcome.code, trace, explain, return_by, dsd)
        step = _STEPS.get(currency) or _step(currency)
        item_refund = (lt if percent == 100 else lt * percent / HUNDRED).quantize(step, ROUND_HALF_UP)
        fees: tuple[tuple[str, Decimal], ...] = ()
        left = item_refund
        if plan.fees:
            charged = []
            for name, amounts, waived in plan.fees:
                amount = ZERO if waived(*args) else min(amounts.get(currency, ZERO), left)
                left -= amount
                charged.append((name, amount))
            fees = tuple(charged)
        bonus = policy.store_credit_bonus_percent
        credit = (left * (HUNDRED + bonus) / HUNDRED).quantize(step, ROUND_HALF_UP) if bonus else left
        resolutions = outcome.resolutions
        if policy.resolution_overrides:
            chosen = self.override(*args)
            if chosen >= 0:
                resolutions = policy.resolution_overrides[chosen].resolutions
                trace = (*trace, f"resolution_overrides[{chosen}]")
        keep_max = outcome.keep_item_max
        keep = keep_max is not None and lt <= keep_max.get(currency, keep_max.get("default", MINUS_ONE))
        code = rule.adjust[coded].code if coded >= 0 else None
        return Decision(
            True,
            code or outcome.code,
            percent,
            currency,
            item_refund,
            fees,
            left,
            credit,
            keep,
            outcome.legal_basis,
            resolutions,
            outcome.approval,
            outcome.photo_required,
            KEEP if keep else outcome.return_methods,
            policy.name,
            trace,
            explain,
            return_by,
            dsd,
        )


def compile_policy(policy: Policy) -> CompiledPolicy:
    src = _Source()
    src.lines.append(f"def select({ARGS}):")
    for index, rule in enumerate(policy.rules):
        src.lines.append(f"    if {src.expr(rule.when)}:")
        src.lines.append(f"        p = {rule.then.refund_percent}; a = -1; c = -1")
        for j, adjustment in enumerate(rule.adjust):
            # Every adjustment that applies is looked at: the lowest percentage wins, and the first code
            # (e.g. late_return) names the decision even when another adjustment set the percentage.
            if adjustment.code:
                src.lines.append(f"        if {src.expr(adjustment.when)}:")
                src.lines.append(f"            if c < 0: c = {j}")
                percent = adjustment.refund_percent
                src.lines.append(f"            if {percent} < p: p = {percent}; a = {j}")
            else:
                src.lines.append(
                    f"        if {adjustment.refund_percent} < p and {src.expr(adjustment.when)}:"
                )
                src.lines.append(f"            p = {adjustment.refund_percent}; a = {j}")
        src.lines.append(f"        return {index}, p, a, c")
    src.lines.append("    return -1, 0, -1, -1")
    for k, fee in enumerate(policy.fees.values()):
        src.lines.append(f"def waived_{k}({ARGS}):")
        src.lines.append(f"    return {src.expr(fee.waived_when) if fee.waived_when else 'False'}")
    src.lines.append(f"def override({ARGS}):")
    for k, rule_override in enumerate(policy.resolution_overrides):
        src.lines.append(f"    if {src.expr(rule_override.when)}: return {k}")
    src.lines.append("    return -1")
    source = "\n".join(src.lines) + "\n"
    namespace: dict[str, Any] = dict(src.constants)
    exec(compile(source, f"<policy {policy.name}>", "exec"), namespace)  # noqa: S102 - generated from a validated policy, see module doc
    waived = {name: namespace[f"waived_{k}"] for k, name in enumerate(policy.fees)}
    plans = tuple(
        _Plan(
            rule=rule,
            explain=rule.then.explain or (GENERIC_ELIGIBLE if rule.then.eligible else GENERIC_REFUSED),
            fees=tuple((name, policy.fees[name].amounts, waived[name]) for name in rule.then.fees),
            traces={},
        )
        for rule in policy.rules
    )
    texts = [rule.then.explain for rule in policy.rules] + [
        a.explain for rule in policy.rules for a in rule.adjust
    ]
    uses_date = any(text and ("{return_by}" in text.en or "{return_by}" in text.fr) for text in texts)
    return CompiledPolicy(
        needs_return_by="dpr" in source or uses_date,
        policy=policy,
        select=namespace["select"],
        waived=waived,
        override=namespace["override"],
        source=source,
        plans=plans,
    )


def _refused(
    policy: Policy,
    currency: str,
    code: str,
    trace: tuple[str, ...],
    explain: Any,
    return_by: date | None = None,
    dsd: int | None = None,
) -> Decision:
    return Decision(
        False,
        code,
        0,
        currency,
        ZERO,
        (),
        ZERO,
        ZERO,
        False,
        None,
        (),
        "auto",
        False,
        (),
        policy.name,
        trace,
        explain,
        return_by,
        dsd,
    )


def _return_by(window: ReturnWindow, delivered: date) -> date:
    return_by = delivered + timedelta(days=window.days)
    day = (delivered.month, delivered.day)
    for ext in window.extensions:
        start, end = ext.delivered_from, ext.delivered_to
        inside = start <= day <= end if start <= end else (day >= start or day <= end)
        if inside:
            year = delivered.year + (1 if ext.until < start else 0)
            return_by = max(return_by, date(year, *ext.until))
    return return_by


def _step(currency: str) -> Decimal:
    step = _STEPS[currency] = Decimal(1).scaleb(-minor_units(currency))
    return step
