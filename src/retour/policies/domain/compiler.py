"""Compile a ``Policy`` into one Python function that decides, then decide with it.

The whole decision is generated: the facts it needs are derived once at the top, each rule is an ``if``
over plain Python expressions, and each rule's branch builds its ``Decision`` with the rule's outcome,
fees, adjustments, resolutions and trace bound as constants. Only names this module writes and constants
it binds are generated, never text from the document, so that evaluating a policy costs about what the
same rules written by hand would (bench/policy.py).

``with_floor`` generates the same function with the legal floor inside: the branches where the floor may
give an EU/EEA or UK shopper more (``analysis.floor_needed``) hand their decision to the floor; the others
are the policy's own decision, as the law asks nothing more there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from retour.core.money import minor_units
from retour.policies.domain import law
from retour.policies.domain.decision import GENERIC_ELIGIBLE, GENERIC_REFUSED, Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Condition, Policy, ReturnWindow, Rule, Text
from retour.policies.domain.vocabulary import EU_EEA, SELLER_FAULT_REASONS, region_of

# Names of what the generated function derives from the facts ``f`` (each only when used).
_FACT = {
    "category": "f.category",
    "condition": "f.condition",
    "reason": "f.reason",
    "country": "f.country",
    "currency": "cur",
    "seller": "f.seller",
    "payment_method": "f.payment_method",
    "segment": "f.segment",
    "customer_segment": "f.customer_segment",
    "returns_last_365d": "f.returns_last_365d",
    "orders_365d": "f.orders_365d",
    "return_rate_365d": "f.return_rate_365d",
    "net_spend_365d": "f.net_spend_365d",
    "region": "rg",
    "stage": "f.stage",
    "delivered": "(d is not None)",
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
    "requested_on": "rq",
    "delivered_on": "d",
    "ordered_on": "f.ordered_at",
}
_MAYBE_NONE = {"days_since_delivery", "days_past_return_by", "delivered_on"}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MINUS_ONE = Decimal(-1)
KEEP = ("keep",)
_REGION = {country: region_of(country) for country in (*EU_EEA, "GB")}
_STEPS: dict[str, Decimal] = {}
# Step (a rule index and the decision it made) -> the decision under the floor.
Step = Callable[[Decision, Facts, int], Decision]


def _step(currency: str) -> Decimal:
    step = _STEPS[currency] = Decimal(1).scaleb(-minor_units(currency))
    return step


def return_by_date(window: ReturnWindow, delivered: date) -> date:
    """Delivery + the window's days, or a seasonal extension's day when later.

    An extension applies to an item delivered within its period (days of the year, which may wrap over
    the new year); its ``until`` is the first such day on or after the delivery.
    """
    return_by = delivered + timedelta(days=window.days)
    day = (delivered.month, delivered.day)
    for ext in window.extensions:
        start, end = ext.delivered_from, ext.delivered_to
        inside = start <= day <= end if start <= end else (day >= start or day <= end)
        if inside:
            year = delivered.year if ext.until >= day else delivered.year + 1
            return_by = max(return_by, date(year, *ext.until))
    return return_by


_return_by = return_by_date  # the name the simulator imports


class _ReturnBy(dict[date, date]):
    """Return-by dates by delivery date, under one window, made as they are asked for."""

    LIMIT = 20_000

    def __init__(self, window: ReturnWindow) -> None:
        super().__init__()
        self.window = window

    def fill(self, delivered: date) -> date:
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[delivered] = return_by_date(self.window, delivered)
        return found


class _Source:
    def __init__(self, periods: law.Periods = ()) -> None:
        self.constants: dict[str, Any] = {}
        self.lines: list[str] = []
        self.used: set[str] = set()  # derived names the conditions read
        self.periods = periods
        self.law: str | None = None

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def text(self, text: Text) -> str:
        """An explanation: a constant, or, when it names the shopper's legal guarantee (``{guarantee}``),
        the same text with the words of the shopper's country and category filled in."""
        if not law.mentions_law(text):
            return self.constant(text)
        if self.law is None:
            self.law = self.constant(law.LawTexts(self.periods))
        return f"{self.law}({self.constant(text)}, f.country, f.category)"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def fact(self, name: str) -> str:
        text = _FACT[name]
        for derived in ("dsd", "dso", "dpr", "lt", "rg", "sf", "cur", "rq", "d"):
            if text == derived or text == f"({derived} is not None)":
                self.used.add(derived)
        return text

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
                return f"({self.fact(cond[1])} == {self.constant(next(iter(values)))})"
            return f"({self.fact(cond[1])} in {self.constant(frozenset(values))})"
        if kind == "is":
            fact = self.fact(cond[1])
            return fact if cond[2] else f"(not {fact})"
        if kind == "range":
            fact, low, high = self.fact(cond[1]), cond[2], cond[3]
            parts = [f"{fact} is not None"] if cond[1] in _MAYBE_NONE else []
            if low is not None:
                parts.append(f"{fact} >= {self.constant(low)}")
            if high is not None:
                parts.append(f"{fact} <= {self.constant(high)}")
            return "(" + " and ".join(parts) + ")"
        if kind == "between":
            fact, start, end = self.fact(cond[1]), cond[2], cond[3]
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


@dataclass(frozen=True, eq=False)
class CompiledPolicy:
    """A policy and the functions generated from it; ``decide(facts)`` is its decision, floor aside."""

    policy: Policy
    decide: Callable[[Facts], Decision]
    override: Callable[[Facts], int]  # the resolution override that applies (-1: none)
    waived: dict[str, Callable[[Facts], bool]]  # by fee: is it waived for these facts
    source: str
    needs_return_by: bool = True  # a condition or an explanation uses the return-by date
    # The last floor asked for and the decision function with it inside (see legal.decide).
    floored: list[Any] = field(default_factory=lambda: [None, None])

    def with_floor(
        self, floor: CompiledPolicy, step: Step, needed: Mapping[tuple[int, int], bool] | None
    ) -> Callable[[Facts], Decision]:
        """The decision function with ``step`` called where ``needed`` says the floor may give more
        (everywhere when ``needed`` is None), for shoppers in the EU/EEA and the UK."""
        decide, _source = _generate(self.policy, step=step, needed=needed)
        self.floored[:] = [floor, decide]
        return decide

    def return_by(self, delivered: date | None) -> date | None:
        return None if delivered is None else return_by_date(self.policy.return_window, delivered)


def compile_policy(policy: Policy) -> CompiledPolicy:
    decide, source = _generate(policy)
    override, _ = _condition_function(
        policy,
        [(override.when, str(k)) for k, override in enumerate(policy.resolution_overrides)],
        "-1",
    )
    waived = {
        name: _condition_function(policy, [(fee.waived_when, "True")] if fee.waived_when else [], "False")[0]
        for name, fee in policy.fees.items()
    }
    return CompiledPolicy(
        policy=policy,
        decide=decide,
        override=override,
        waived=waived,
        source=source,
        needs_return_by="dpr = (rq - rb).days" in source,
    )


def _prelude(src: _Source, policy: Policy, *, all_days: bool) -> list[str]:
    """Lines that derive from ``f`` what the conditions (and, with ``all_days``, the decision) read."""
    used = src.used
    window = policy.return_window
    lines = ["    cur = f.currency", "    rq = f.requested_at", "    d = f.delivered_at"]
    if "dpr" in used or (all_days and _explains_return_by(policy)):
        if window.extensions:
            # Remembered by delivery day: a store sees a few hundred a year.
            dates = src.constant(_ReturnBy(window))
            return_by = f"{dates}.get(d) or {dates}.fill(d)"
        else:
            return_by = f"d + {src.constant(timedelta(days=window.days))}"
        lines += [
            "    if d is None:",
            "        dsd = rb = dpr = None",
            "    else:",
            "        dsd = (rq - d).days",
            f"        rb = {return_by}",
            "        dpr = (rq - rb).days",
        ]
    elif all_days or "dsd" in used:
        lines.append("    dsd = None if d is None else (rq - d).days")
        if all_days:
            lines.append("    rb = None")
    if "dso" in used:
        lines.append("    dso = (rq - f.ordered_at).days")
    if all_days or "lt" in used:
        lines.append("    lt = f.unit_price * f.quantity")
    if "rg" in used:
        lines.append("    rg = _REGION.get(f.country, 'other')")
    if "sf" in used:
        lines.append("    sf = f.reason in _SF")
    return lines


def _explains_return_by(policy: Policy) -> bool:
    texts = [rule.then.explain for rule in policy.rules] + [rule.then.explain_keep for rule in policy.rules]
    texts += [a.explain for rule in policy.rules for a in rule.adjust]
    return any(text and ("{return_by}" in text.en or "{return_by}" in text.fr) for text in texts)


def _namespace(src: _Source) -> dict[str, Any]:
    return {
        **src.constants,
        "_REGION": _REGION,
        "_SF": SELLER_FAULT_REASONS,
        "_return_by": return_by_date,
        "_new": tuple.__new__,
        "_D": Decision,
        "_STEPS": _STEPS,
        "_step": _step,
        "HALF_UP": ROUND_HALF_UP,
        "HUNDRED": HUNDRED,
        "ZERO": ZERO,
        "KEEP": KEEP,
    }


def _condition_function(
    policy: Policy, branches: list[tuple[Condition, str]], otherwise: str
) -> tuple[Callable[[Facts], Any], str]:
    """``def fn(f)``: the value of the first branch whose condition holds, else ``otherwise``."""
    src = _Source()
    body = [f"    if {src.expr(cond)}: return {value}" for cond, value in branches]
    lines = ["def fn(f):", *_prelude(src, policy, all_days=False), *body, f"    return {otherwise}"]
    source = "\n".join(lines) + "\n"
    namespace = _namespace(src)
    exec(compile(source, f"<policy {policy.name}>", "exec"), namespace)  # noqa: S102 - generated from a validated policy, see module doc
    return namespace["fn"], source


def _generate(
    policy: Policy, *, step: Step | None = None, needed: Mapping[tuple[int, int], bool] | None = None
) -> tuple[Callable[[Facts], Decision], str]:
    src = _Source(policy.legal_guarantee)
    body: list[str] = []
    name = src.constant(policy.name)
    floor = src.constant(step) if step is not None else None
    if floor is not None:
        src.used.add("rg")
    for index, rule in enumerate(policy.rules):
        before = len(src.lines)
        src.add(1, f"if {src.expr(rule.when)}:")
        flagged = _flags(needed, index, len(rule.adjust)) if floor else None
        if rule.then.eligible:
            _eligible(src, policy, rule, name)
        else:
            explain = src.text(rule.then.explain or GENERIC_REFUSED)
            trace = src.constant((rule.id,))
            code = src.constant(rule.then.code)
            src.add(
                2,
                f"dn = _new(_D, (False, {code}, 0, cur, ZERO, (), ZERO, ZERO, False, None, (), 'auto', "
                f"False, (), {name}, {trace}, {explain}, rb, dsd))",
            )
        _finish(src, floor, flagged, index)
        body += src.lines[before:]
        del src.lines[before:]
    explain = src.text(policy.fallback or GENERIC_REFUSED)
    src.add(
        1,
        f"dn = _new(_D, (False, 'no_rule', 0, cur, ZERO, (), ZERO, ZERO, False, None, (), 'auto', False, "
        f"(), {name}, {src.constant(('no rule',))}, {explain}, rb, dsd))",
    )
    if floor and any(_flags(needed, -1, 0)):
        src.add(1, f"if rg != 'other': return {floor}(dn, f, -1)")
    src.add(1, "return dn")
    body += src.lines
    lines = ["def decide(f):", *_prelude(src, policy, all_days=True), *body]
    source = "\n".join(lines) + "\n"
    namespace = _namespace(src)
    exec(compile(source, f"<policy {policy.name}>", "exec"), namespace)  # noqa: S102 - generated from a validated policy, see module doc
    return namespace["decide"], source


def _flags(needed: Mapping[tuple[int, int], bool] | None, index: int, adjustments: int) -> tuple[bool, ...]:
    """Whether the floor may step in, by the adjustment that set the percentage (-1: none first)."""
    if needed is None:
        return (True,) * (adjustments + 1)
    return tuple(needed.get((index, a), False) for a in range(-1, adjustments))


def _finish(src: _Source, floor: str | None, flagged: tuple[bool, ...] | None, index: int) -> None:
    if floor is None or flagged is None or not any(flagged):
        src.add(2, "return dn")
        return
    if all(flagged):
        src.add(2, f"return {floor}(dn, f, {index}) if rg != 'other' else dn")
        return
    src.add(2, f"return {floor}(dn, f, {index}) if rg != 'other' and {src.constant(flagged)}[a + 1] else dn")


def _eligible(src: _Source, policy: Policy, rule: Rule, name: str) -> None:
    """The branch of an eligible rule: percentage, amounts, fees, resolutions, trace, explanation."""
    outcome = rule.then
    explain = src.text(outcome.explain or GENERIC_ELIGIBLE)
    if rule.adjust:
        src.add(2, f"p = {outcome.refund_percent}; a = -1; c = -1; code = {src.constant(outcome.code)}")
        percent_name, code_name = "p", "code"
    else:  # all known at compile time
        percent_name, code_name = str(outcome.refund_percent), src.constant(outcome.code)
    src.add(2, f"ex = {explain}")
    for j, adjustment in enumerate(rule.adjust):
        # Every adjustment that applies is looked at: the lowest percentage wins, and the first code
        # (e.g. late_return) names the decision even when another adjustment set the percentage.
        chosen = src.text(adjustment.explain) if adjustment.explain is not None else explain
        percent = adjustment.refund_percent
        if adjustment.code:
            src.add(2, f"if {src.expr(adjustment.when)}:")
            src.add(3, f"if c < 0: c = {j}; code = {src.constant(adjustment.code)}")
            src.add(3, f"if {percent} < p: p = {percent}; a = {j}; ex = {chosen}")
        else:
            src.add(2, f"if {percent} < p and {src.expr(adjustment.when)}:")
            src.add(3, f"p = {percent}; a = {j}; ex = {chosen}")
    src.add(2, "step = _STEPS.get(cur) or _step(cur)")
    if rule.adjust:
        src.add(2, "ir = (lt if p == 100 else lt * p / HUNDRED).quantize(step, HALF_UP)")
    elif outcome.refund_percent == 100:
        src.add(2, "ir = lt.quantize(step, HALF_UP)")
    else:
        src.add(2, f"ir = (lt * {outcome.refund_percent} / HUNDRED).quantize(step, HALF_UP)")
    src.add(2, "left = ir")
    charged = []
    for k, fee_name in enumerate(outcome.fees):
        fee = policy.fees[fee_name]
        amounts = src.constant(fee.amounts)
        if fee.waived_when is not None:
            src.add(2, f"if {src.expr(fee.waived_when)}: f{k} = ZERO")
            src.add(2, "else:")
            indent = 3
        else:
            indent = 2
        src.add(indent, f"f{k} = {amounts}.get(cur, ZERO)")
        src.add(indent, f"if f{k} > left: f{k} = left")
        src.add(indent, f"left = left - f{k}")
        charged.append(f"({src.constant(fee_name)}, f{k})")
    fees = "(" + "".join(f"{part}, " for part in charged) + ")" if charged else "()"
    bonus = policy.store_credit_bonus_percent
    if bonus:
        factor = src.constant((HUNDRED + bonus) / HUNDRED)
        src.add(2, f"credit = (left * {factor}).quantize(step, HALF_UP)")
    else:
        src.add(2, "credit = left")
    overrides = policy.resolution_overrides
    src.add(2, f"res = {src.constant(outcome.resolutions)}; k = -1")
    for k, override in enumerate(overrides):
        keyword = "if" if k == 0 else "elif"
        src.add(
            2, f"{keyword} {src.expr(override.when)}: res = {src.constant(override.resolutions)}; k = {k}"
        )
    keep_max = outcome.keep_item_max
    if keep_max is not None:
        default = src.constant(keep_max.get("default", MINUS_ONE))
        src.add(2, f"keep = lt <= {src.constant(keep_max)}.get(cur, {default})")
        methods = f"KEEP if keep else {src.constant(outcome.return_methods)}"
        if outcome.explain_keep is not None:
            src.add(2, f"if keep and ex is {explain}: ex = {src.text(outcome.explain_keep)}")
    else:
        src.add(2, "keep = False")
        methods = src.constant(outcome.return_methods)
    src.add(2, f"trace = {_traces(src, rule, len(overrides))}")
    src.add(
        2,
        f"dn = _new(_D, (True, {code_name}, {percent_name}, cur, ir, {fees}, left, credit, keep, "
        f"{src.constant(outcome.legal_basis)}, res, {src.constant(outcome.approval)}, "
        f"{outcome.photo_required}, {methods}, {name}, trace, ex, rb, dsd))",
    )


def _traces(src: _Source, rule: Rule, overrides: int) -> str:
    """The rules that fired, by (adjustment that set the percentage, adjustment that named the code,
    override): every combination made once, at compile time."""
    count = len(rule.adjust)

    def trace(a: int, c: int, k: int) -> tuple[str, ...]:
        steps = [rule.id, *(f"{rule.id}/adjust[{j}]" for j in sorted({a, c}) if j >= 0)]
        return (*steps, *([f"resolution_overrides[{k}]"] if k >= 0 else []))

    if not count and not overrides:
        return src.constant(trace(-1, -1, -1))
    if not count:
        return f"{src.constant(tuple(trace(-1, -1, k) for k in range(-1, overrides)))}[k + 1]"
    table = tuple(
        trace(a, c, k) for a in range(-1, count) for c in range(-1, count) for k in range(-1, overrides)
    )
    width = overrides + 1
    return f"{src.constant(table)}[((a + 1) * {count + 1} + c + 1) * {width} + k + 1]"
