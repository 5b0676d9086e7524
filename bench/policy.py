"""Policy benchmark: decisions per second for ``marketplace-standard``, Retour against two baselines.

    .venv/bin/python bench/policy.py [--cases N] [--seed S] [--repeat R] [--profile]

The targets (issue: speed): Retour's decision within 3x the time of the same rules written by hand as
plain Python, and at least 5x faster than the same rules written for ``rule-engine`` (PyPI), a rule
engine users pick for this. The script

1. generates N return lines (default 100,000) with ``random.Random(seed)``: a realistic mix of countries,
   currencies, categories, reasons, conditions, prices, quantities and dates (see ``generate``);
2. builds three implementations of ``marketplace-standard`` (specs/policy-templates.md, rules 1-7):
   (a) ``hand_written``: the rules as plain if/else, written from the spec, the floor no engine beats;
   (b) ``RuleEngineMarketplace``: every condition a ``rule_engine.Rule`` over a dict of the facts, the
   rules in a ``rule_engine.Chain`` (first match), the same lowest-deduction logic and amounts in Python;
   (c) Retour: the template compiled (``compile_policy(document.load(...)).decide``), and the path the
   product takes, ``legal.decide(compiled, facts, floor)`` with the ``statutory-minimum`` floor compiled
   in, on which the targets are judged;
3. checks, before timing, that (a) and (b) agree with Retour on every case (eligible, code, refund
   percent, refund amount; then every other field of the result) and prints the disagreements;
4. times each implementation over the cases with ``time.perf_counter``, interleaved (a, c, c+floor, b,
   then again) so that machine load falls on all alike, and keeps the best of R repeats (default 5).
   rule-engine is some fifty times slower than hand-written: it is timed on the first N/10 cases and
   compared per decision (the mix is random, so the first tenth is a sample of the whole);
5. prints the machine, the table (decisions/s, microseconds per decision, ratio to hand-written),
   the targets with PASS/FAIL and the command line that reproduces the run. ``--profile`` adds a
   cProfile of Retour's ``compiled.decide`` and ``legal.decide`` on the same cases.

Every implementation takes a ``Facts`` and computes what it derives from it (days since delivery, days
past the return-by date, region, seller fault, line total) inside the timed call, with the same
arithmetic. It exits 0 when a target is missed (a report), 1 when the implementations disagree (the
timings then compare different things). The domain modules are pure Python: no Django set-up is needed.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import hashlib
import io
import itertools
import math
import os
import platform
import pstats
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

import rule_engine  # type: ignore[import-untyped]

from retour.policies.domain import document, legal
from retour.policies.domain.compiler import CompiledPolicy, compile_policy
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "src" / "retour" / "policies" / "templates"
DEFAULT_CASES = 100_000
DEFAULT_SEED = 1
DEFAULT_REPEAT = 5
RULE_ENGINE_SHARE = 10  # rule-engine is timed on the first N / RULE_ENGINE_SHARE cases
TARGET_VS_HAND = 3.0  # Retour time <= 3 x hand-written time
TARGET_VS_RULE_ENGINE = 5.0  # rule-engine time >= 5 x Retour time
EXAMPLES = 5  # disagreements shown
PROFILE_TOP = 12  # functions shown by --profile

# ---------------------------------------------------------------------------------------------------------
# The mix: weights in per cent (or relative), prices in EUR before conversion.

COUNTRIES = {
    "FR": 14,
    "DE": 14,
    "ES": 9,
    "IT": 8,
    "NL": 6,
    "BE": 4,  # EU 55 %
    "GB": 15,
    "US": 18,
    "CA": 5,
    "JP": 4,
    "CH": 3,  # elsewhere 30 %
}
# CH and CA pay in USD: the fee table only has USD, EUR, GBP and JPY.
CURRENCY_OF = {"GB": "GBP", "US": "USD", "CA": "USD", "CH": "USD", "JP": "JPY"}  # otherwise EUR
EUR_TO = {"EUR": 1.0, "GBP": 0.85, "USD": 1.08, "JPY": 160.0}
# category: (weight, lowest price, highest price), prices in EUR, drawn log-uniformly
CATEGORIES = {
    "apparel": (30, 8.0, 150.0),
    "shoes": (12, 25.0, 220.0),
    "electronics": (14, 10.0, 1200.0),
    "home": (11, 5.0, 400.0),
    "books": (8, 4.0, 45.0),
    "media": (5, 5.0, 70.0),
    "beauty": (6, 3.0, 90.0),
    "software": (2, 10.0, 250.0),
    "grocery": (3, 2.0, 40.0),
    "gift_cards": (2, 10.0, 200.0),
    "digital": (7, 1.0, 60.0),
}
GIFT_CARD_VALUES = (10.0, 20.0, 25.0, 50.0, 100.0, 200.0)
REASONS = {
    "size_fit": 27,
    "changed_mind": 21,
    "no_longer_needed": 11,
    "better_price": 8,
    "arrived_late": 8,  # 75 % not the seller's fault
    "defective": 10,
    "damaged_in_transit": 6,
    "wrong_item": 5,
    "not_as_described": 4,  # 25 % seller fault
}
CONDITIONS = {"unopened": 45, "opened": 35, "used": 10, "damaged": 6, "missing_parts": 4}
QUANTITIES = {1: 85, 2: 11, 3: 4}
FIRST_ORDER = date(2023, 1, 1)
ORDER_DAYS = 3 * 365  # orders placed over three years
UNDELIVERED = 0.03
HOLIDAY_PEAK = 0.06  # extra deliveries between 15 November and 31 December, on top of the year's share
GIFT, MEMBER, FINAL_SALE, PERSONALISED = 0.05, 0.20, 0.03, 0.02
K = TypeVar("K")


def _table(weights: Mapping[K, float]) -> tuple[list[K], list[float]]:
    return list(weights), list(itertools.accumulate(weights.values()))


def generate(count: int, seed: int) -> list[Facts]:
    """``count`` return lines, the same for the same seed on any machine and any day."""
    rng = random.Random(seed)
    countries, country_cum = _table(COUNTRIES)
    categories, category_cum = _table({k: v[0] for k, v in CATEGORIES.items()})
    reasons, reason_cum = _table(REASONS)
    conditions, condition_cum = _table(CONDITIONS)
    quantities, quantity_cum = _table(QUANTITIES)
    cases = []
    for _ in range(count):
        country = rng.choices(countries, cum_weights=country_cum)[0]
        currency = CURRENCY_OF.get(country, "EUR")
        category = rng.choices(categories, cum_weights=category_cum)[0]
        _weight, low, high = CATEGORIES[category]
        if category == "gift_cards":
            eur = rng.choice(GIFT_CARD_VALUES)
        else:
            eur = math.exp(rng.uniform(math.log(low), math.log(high)))
        price = eur * EUR_TO[currency]
        if currency == "JPY":
            unit_price = Decimal(max(1, round(price)))
        else:
            unit_price = Decimal(max(1, round(price * 100))).scaleb(-2)
        ordered = FIRST_ORDER + timedelta(days=rng.randrange(ORDER_DAYS))
        if rng.random() < HOLIDAY_PEAK:  # bought for the holidays
            ordered = date(ordered.year, 11, 12) + timedelta(days=rng.randrange(45))
        delivered: date | None = ordered + timedelta(days=rng.randint(1, 6))
        roll = rng.random()
        if roll < 0.80:
            days = int(rng.triangular(0, 41, 4))
        elif roll < 0.93:
            days = rng.randint(41, 120)
        else:
            days = rng.randint(121, 800)
        if rng.random() < UNDELIVERED:
            delivered, requested = None, ordered + timedelta(days=rng.randint(5, 40))
        else:
            assert delivered is not None
            requested = delivered + timedelta(days=days)
        cases.append(
            Facts(
                country=country,
                currency=currency,
                category=category,
                unit_price=unit_price,
                quantity=rng.choices(quantities, cum_weights=quantity_cum)[0],
                ordered_at=ordered,
                delivered_at=delivered,
                requested_at=requested,
                condition=rng.choices(conditions, cum_weights=condition_cum)[0],
                reason=rng.choices(reasons, cum_weights=reason_cum)[0],
                is_gift=rng.random() < GIFT,
                member=rng.random() < MEMBER,
                final_sale=rng.random() < FINAL_SALE,
                personalised=rng.random() < PERSONALISED,
            )
        )
    return cases


# ---------------------------------------------------------------------------------------------------------
# What all three derive from the facts, the same way (Retour does it inside ``CompiledPolicy.decide``).

# The 27 EU states plus IS, LI, NO (the spec's "EU/EEA").
EU_EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()  # noqa: SIM905
)
SELLER_FAULT = frozenset({"defective", "damaged_in_transit", "wrong_item", "not_as_described"})
THIRTY_DAYS = timedelta(days=30)


def region(country: str) -> str:
    if country in EU_EEA:
        return "eu"
    return "gb" if country == "GB" else "other"


def guarantee_days(country: str, category: str) -> int:
    """The legal guarantee period of the spec's table ("Legal guarantee period by country"); -1: none."""
    if country in ("GB", "IE"):
        return 2191
    if country == "SE":
        return 1095
    if country in ("NO", "IS") and category in ("electronics", "home"):
        return 1826
    return 730 if country in EU_EEA else -1


def return_by(delivered: date) -> date:
    """Delivery + 30 days; delivered 1 November to 31 December: at least 31 January of the next year."""
    by = delivered + THIRTY_DAYS
    if delivered.month >= 11:
        by = max(by, date(delivered.year + 1, 1, 31))
    return by


# ---------------------------------------------------------------------------------------------------------
# (a) The rules by hand. A result: (eligible, code, refund_percent, item_refund, return_shipping_fee,
# refund_amount, store_credit_amount, keep_item, legal_basis, resolutions).

Result = tuple[bool, str, int, Decimal, Decimal, Decimal, Decimal, bool, str | None, tuple[str, ...]]
ZERO = Decimal(0)
HUNDRED = Decimal(100)
STORE_CREDIT = Decimal("1.10")
STEP = {"USD": Decimal("0.01"), "EUR": Decimal("0.01"), "GBP": Decimal("0.01"), "JPY": Decimal(1)}
SHIPPING_FEE = {"USD": Decimal("4.95"), "EUR": Decimal("4.95"), "GBP": Decimal("3.95"), "JPY": Decimal(500)}
KEEP_ITEM_MAX = {
    "USD": Decimal("15.00"),
    "EUR": Decimal("15.00"),
    "GBP": Decimal("15.00"),
    "JPY": Decimal(1500),
}
NON_RETURNABLE = frozenset({"gift_cards", "digital", "grocery"})
SEALED_ONLY = frozenset({"beauty", "media", "software"})  # no withdrawal once unsealed
HANDLED = frozenset({"used", "damaged", "missing_parts"})
GIFT_RESOLUTIONS: tuple[str, ...] = ("store_credit", "exchange")
GUARANTEE_RESOLUTIONS: tuple[str, ...] = ("repair", "replacement", "refund")
SELLER_FAULT_RESOLUTIONS: tuple[str, ...] = ("refund", "replacement", "store_credit", "exchange")
STANDARD_RESOLUTIONS: tuple[str, ...] = ("refund", "store_credit", "exchange")


def refused(code: str) -> Result:
    return (False, code, 0, ZERO, ZERO, ZERO, ZERO, False, None, ())


def hand_written(f: Facts) -> Result:
    """``marketplace-standard`` as plain if/else, from specs/policy-templates.md."""
    delivered = f.delivered_at
    if delivered is None:  # rule 1
        return refused("not_delivered")
    days = (f.requested_at - delivered).days
    where = region(f.country)
    line_total = f.unit_price * f.quantity
    category, condition = f.category, f.condition
    legal_basis = None
    keep_item = False
    if f.reason in SELLER_FAULT:  # rule 3
        if days <= 90:
            code, resolutions = "seller_fault", SELLER_FAULT_RESOLUTIONS
        elif days <= guarantee_days(f.country, category):
            code, legal_basis, resolutions = "legal_guarantee", "legal_guarantee", GUARANTEE_RESOLUTIONS
        else:
            return refused("window_expired")
        percent, fee = 100, ZERO
        keep_item = line_total <= KEEP_ITEM_MAX[f.currency]
    else:
        if (
            where != "other"
            and days <= 14
            and not f.personalised
            and category not in NON_RETURNABLE
            and not (category in SEALED_ONLY and condition != "unopened")
        ):  # rule 5: the statutory right of withdrawal
            code = "legal_withdrawal"
            legal_basis = "eu_withdrawal" if where == "eu" else "uk_cancellation"
            percent = 50 if condition in HANDLED else 100
        else:  # rule 4
            if category in NON_RETURNABLE or f.personalised:
                return refused("non_returnable")
            if f.final_sale:
                return refused("final_sale")
            if category == "software" and condition != "unopened":
                return refused("opened_software")
            if category == "beauty" and condition != "unopened":
                return refused("hygiene_unsealed")
            late = (f.requested_at - return_by(delivered)).days  # rule 2
            if late > 30:
                return refused("window_expired")
            code, percent = "standard", 100
            if late > 0:
                code, percent = "late_return", 80
            if (
                (category == "books" and condition == "used")
                or (category == "media" and condition != "unopened")
                or condition in HANDLED
            ):
                percent = min(percent, 50)
        fee = ZERO if f.member else SHIPPING_FEE[f.currency]
        resolutions = STANDARD_RESOLUTIONS
    step = STEP[f.currency]  # rule 6
    item_refund = (line_total * percent / HUNDRED).quantize(step, ROUND_HALF_UP)
    fee = min(fee, item_refund)
    refund = item_refund - fee
    credit = (refund * STORE_CREDIT).quantize(step, ROUND_HALF_UP)
    if f.is_gift:  # rule 7
        resolutions = GIFT_RESOLUTIONS
    return (True, code, percent, item_refund, fee, refund, credit, keep_item, legal_basis, resolutions)


# ---------------------------------------------------------------------------------------------------------
# (b) The rules with rule-engine: every condition is a rule_engine.Rule, the rules a first-match Chain.


@dataclass(frozen=True, slots=True)
class Outcome:
    eligible: bool
    code: str
    percent: int = 0
    legal_basis: str | None = None
    shipping_fee: bool = False
    keep_item: bool = False
    resolutions: tuple[str, ...] = ()
    adjust: tuple[tuple[str, int, str | None], ...] = ()  # (condition, percent, code)


WITHDRAWAL = (
    "region == '{region}' and days_since_delivery <= 14 and not (personalised"
    " or category in ['grocery', 'digital', 'gift_cards']"
    " or (category in ['beauty', 'media', 'software'] and condition != 'unopened'))"
)
HANDLING = (("condition in ['used', 'damaged', 'missing_parts']", 50, None),)
RULE_ENGINE_RULES: tuple[tuple[str, Outcome], ...] = (
    ("not delivered", Outcome(False, "not_delivered")),
    (
        "seller_fault and days_since_delivery <= 90",
        Outcome(True, "seller_fault", 100, keep_item=True, resolutions=SELLER_FAULT_RESOLUTIONS),
    ),
    (
        "seller_fault and days_since_delivery <= guarantee_days",
        Outcome(
            True, "legal_guarantee", 100, "legal_guarantee", keep_item=True, resolutions=GUARANTEE_RESOLUTIONS
        ),
    ),
    ("seller_fault", Outcome(False, "window_expired")),
    (
        WITHDRAWAL.format(region="eu"),
        Outcome(True, "legal_withdrawal", 100, "eu_withdrawal", True, False, STANDARD_RESOLUTIONS, HANDLING),
    ),
    (
        WITHDRAWAL.format(region="gb"),
        Outcome(
            True, "legal_withdrawal", 100, "uk_cancellation", True, False, STANDARD_RESOLUTIONS, HANDLING
        ),
    ),
    ("category in ['gift_cards', 'digital', 'grocery'] or personalised", Outcome(False, "non_returnable")),
    ("final_sale", Outcome(False, "final_sale")),
    ("category == 'software' and condition != 'unopened'", Outcome(False, "opened_software")),
    ("category == 'beauty' and condition != 'unopened'", Outcome(False, "hygiene_unsealed")),
    ("days_past_return_by > 30", Outcome(False, "window_expired")),
    (
        "true",
        Outcome(
            True,
            "standard",
            100,
            shipping_fee=True,
            resolutions=STANDARD_RESOLUTIONS,
            adjust=(
                ("days_past_return_by > 0", 80, "late_return"),
                ("category == 'books' and condition == 'used'", 50, None),
                ("category == 'media' and condition != 'unopened'", 50, None),
                ("condition in ['used', 'damaged', 'missing_parts']", 50, None),
            ),
        ),
    ),
)
FEE_WAIVED = "member"
GIFT_ORDER = "is_gift"
KEEP_ITEM = "line_total <= (currency == 'JPY' ? 1500 : 15.00)"


class RuleEngineMarketplace:
    """``marketplace-standard`` with rule-engine: conditions in its language, amounts in Python."""

    def __init__(self) -> None:
        context = rule_engine.Context()
        # Each rule's value: its outcome and its adjustments, compiled.
        self.chain = rule_engine.Chain(
            [
                (
                    rule_engine.Rule(text, context),
                    (
                        outcome,
                        tuple((rule_engine.Rule(when, context), p, c) for when, p, c in outcome.adjust),
                    ),
                )
                for text, outcome in RULE_ENGINE_RULES
            ],
            context=context,
        )
        self.fee_waived = rule_engine.Rule(FEE_WAIVED, context)
        self.gift_order = rule_engine.Rule(GIFT_ORDER, context)
        self.keep_item = rule_engine.Rule(KEEP_ITEM, context)

    @staticmethod
    def facts(f: Facts) -> dict[str, Any]:
        delivered = f.delivered_at
        days = None if delivered is None else (f.requested_at - delivered).days
        late = None if delivered is None else (f.requested_at - return_by(delivered)).days
        return {
            "delivered": delivered is not None,
            "days_since_delivery": days,
            "days_past_return_by": late,
            "region": region(f.country),
            "guarantee_days": guarantee_days(f.country, f.category),
            "seller_fault": f.reason in SELLER_FAULT,
            "line_total": f.unit_price * f.quantity,
            "category": f.category,
            "condition": f.condition,
            "currency": f.currency,
            "personalised": f.personalised,
            "final_sale": f.final_sale,
            "member": f.member,
            "is_gift": f.is_gift,
        }

    def decide(self, f: Facts) -> Result:
        thing = self.facts(f)
        outcome, adjustments = self.chain.evaluate(thing)
        if not outcome.eligible:
            return refused(outcome.code)
        # Deductions never stack: the lowest percentage wins; the first coded one names the decision.
        percent, code = outcome.percent, None
        for rule, adjusted, adjusted_code in adjustments:
            if adjusted_code is not None:
                if rule.matches(thing):
                    code = code or adjusted_code
                    percent = min(percent, adjusted)
            elif adjusted < percent and rule.matches(thing):
                percent = adjusted
        step = STEP[f.currency]
        item_refund = (thing["line_total"] * percent / HUNDRED).quantize(step, ROUND_HALF_UP)
        fee = ZERO
        if outcome.shipping_fee and not self.fee_waived.matches(thing):
            fee = min(SHIPPING_FEE[f.currency], item_refund)
        refund = item_refund - fee
        credit = (refund * STORE_CREDIT).quantize(step, ROUND_HALF_UP)
        keep_item = outcome.keep_item and self.keep_item.matches(thing)
        resolutions = GIFT_RESOLUTIONS if self.gift_order.matches(thing) else outcome.resolutions
        return (
            True,
            code or outcome.code,
            percent,
            item_refund,
            fee,
            refund,
            credit,
            keep_item,
            outcome.legal_basis,
            resolutions,
        )


# ---------------------------------------------------------------------------------------------------------
# (c) Retour


def load_template(name: str) -> CompiledPolicy:
    return compile_policy(document.load((TEMPLATES / f"{name}.yaml").read_text(encoding="utf-8")))


def as_result(d: Decision) -> Result:
    return (
        d.eligible,
        d.code,
        d.refund_percent,
        d.item_refund,
        d.return_shipping_fee,
        d.refund_amount,
        d.store_credit_amount,
        d.keep_item,
        d.legal_basis,
        d.resolutions,
    )


# ---------------------------------------------------------------------------------------------------------
# Correctness, timing, report

FIELD_NAMES = (
    "eligible",
    "code",
    "refund_percent",
    "item_refund",
    "return_shipping_fee",
    "refund_amount",
    "store_credit_amount",
    "keep_item",
    "legal_basis",
    "resolutions",
)


def key(result: Result) -> tuple[bool, str, int, Decimal]:
    return (result[0], result[1], result[2], result[5])


@dataclass
class Comparison:
    name: str
    key_disagreements: int
    other_disagreements: int
    examples: list[str]


def compare(
    name: str, theirs: Sequence[Result], ours: Sequence[Result], cases: Sequence[Facts]
) -> Comparison:
    keyed = other = 0
    examples: list[str] = []
    for facts, mine, retour in zip(cases, theirs, ours, strict=True):
        if mine == retour:
            continue
        if key(mine) != key(retour):
            keyed += 1
        else:
            other += 1
        if len(examples) < EXAMPLES:
            fields = [
                f"{n}: {a!s} vs Retour {b!s}"
                for n, a, b in zip(FIELD_NAMES, mine, retour, strict=True)
                if a != b
            ]
            examples.append(f"{describe(facts)}\n      {'; '.join(fields)}")
    return Comparison(name, keyed, other, examples)


def describe(f: Facts) -> str:
    flags = [n for n in ("is_gift", "member", "final_sale", "personalised") if getattr(f, n)]
    shown = f" [{', '.join(flags)}]" if flags else ""
    return (
        f"{f.country} {f.currency} {f.category} {f.unit_price}x{f.quantity} {f.condition} {f.reason}"
        f" delivered {f.delivered_at} requested {f.requested_at}{shown}"
    )


def run_once(decide: Callable[[Facts], object], cases: Sequence[Facts]) -> tuple[float, float]:
    """Wall time (perf_counter, what is judged) and this process's CPU time (shows time lost to load)."""
    cpu, start = time.process_time(), time.perf_counter()
    for facts in cases:
        decide(facts)
    return time.perf_counter() - start, time.process_time() - cpu


@dataclass
class Timing:
    name: str
    decide: Callable[[Facts], object]
    cases: Sequence[Facts]
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def per_decision(self) -> float:
        return self.best / len(self.cases)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git(*args: str) -> str:
    executable = shutil.which("git")
    if executable is None:
        return ""
    try:
        done = subprocess.run([executable, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def source_state() -> str:
    """The commit, whether src/ differs from it, and a digest of the policy domain and its templates."""
    digest = hashlib.sha256()
    domain = ROOT / "src" / "retour" / "policies"
    for path in sorted([*(domain / "domain").glob("*.py"), *TEMPLATES.glob("*.yaml")]):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    changes = " + uncommitted changes in src/" if git("status", "--porcelain", "--", "src") else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return f"{commit}{changes}, policies/domain+templates sha256 {digest.hexdigest()[:12]}"


def table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def command_line(options: argparse.Namespace) -> str:
    python = Path(sys.executable)
    shown = os.path.relpath(python, ROOT) if python.is_relative_to(ROOT) else str(python)
    args = [shown, "bench/policy.py", "--cases", str(options.cases), "--seed", str(options.seed)]
    args += ["--repeat", str(options.repeat)] + (["--profile"] if options.profile else [])
    return f"cd {shlex.quote(str(ROOT))} && {shlex.join(args)}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def profile(decide: Callable[[Facts], object], cases: Sequence[Facts], top: int = PROFILE_TOP) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for facts in cases:
        decide(facts)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join([lines[start - 2], lines[start - 1], *lines[start:]]) if start >= 2 else "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help="return lines (default 100,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 1)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs (default 5)")
    parser.add_argument("--profile", action="store_true", help="also cProfile Retour's decisions")
    options = parser.parse_args(argv)
    if options.cases < RULE_ENGINE_SHARE or options.repeat < 1:
        parser.error(f"--cases must be at least {RULE_ENGINE_SHARE} and --repeat at least 1")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    load_start = os.getloadavg()
    source = source_state()
    policy, floor = load_template("marketplace-standard"), load_template("statutory-minimum")
    engine = RuleEngineMarketplace()
    with_floor = functools.partial(legal.decide, policy, floor=floor)
    cases = generate(options.cases, options.seed)
    subset = cases[: options.cases // RULE_ENGINE_SHARE]

    # 1. Correctness, on every case, before any timing.
    retour = [as_result(policy.decide(f)) for f in cases]
    comparisons = [
        compare("hand-written", [hand_written(f) for f in cases], retour, cases),
        compare("rule-engine", [engine.decide(f) for f in cases], retour, cases),
        compare("Retour legal.decide (with floor)", [as_result(with_floor(f)) for f in cases], retour, cases),
    ]
    codes = Counter(r[1] for r in retour)
    eligible = sum(r[0] for r in retour)

    # 2. Timing, interleaved.
    timings = [
        Timing("hand-written Python (baseline)", hand_written, cases),
        Timing("Retour compiled.decide", policy.decide, cases),
        Timing("Retour legal.decide (+ floor)", with_floor, cases),
        Timing(f"rule-engine {version('rule-engine')}", engine.decide, subset),
    ]
    for _ in range(options.repeat):
        for timing in timings:
            wall, cpu = run_once(timing.decide, timing.cases)
            timing.seconds.append(wall)
            timing.cpu.append(cpu)
    load_end = os.getloadavg()
    end_source = source_state()

    hand, retour_t, retour_floor_t, engine_t = timings
    out: list[str] = []
    out.append("Policy decisions: marketplace-standard (specs/policy-templates.md, rules 1-7)")
    out.append("")
    machine = [
        ("CPUs (nproc)", f"{len(os.sched_getaffinity(0))} of {os.cpu_count()}, {cpu_model()}"),
        ("system", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("load average", f"{load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end (1 min)"),
        ("code", source if end_source == source else f"CHANGED DURING THE RUN: {source} -> {end_source}"),
    ]
    out += [f"{name + ':':<14}{value}" for name, value in machine]
    out.append("")
    share = ", ".join(f"{code} {n / len(cases):.1%}" for code, n in codes.most_common())
    out.append(
        f"Cases: {len(cases):,} return lines, seed {options.seed}; eligible {eligible / len(cases):.1%}; "
        f"codes (Retour): {share}"
    )
    out.append("")
    out.append(f"Correctness, all {len(cases):,} cases, before timing, against Retour compiled.decide:")
    failed = False
    for c in comparisons:
        failed = failed or bool(c.key_disagreements or c.other_disagreements)
        out.append(
            f"  {c.name}: {c.key_disagreements} disagreements on (eligible, code, refund_percent, "
            f"refund_amount); {c.other_disagreements} more on other fields (item_refund, fee, store credit, "
            "keep_item, legal_basis, resolutions)"
        )
        out += [f"    - {example}" for example in c.examples]
    out.append("")
    rows = [
        ["implementation", "cases", "best s", "median s", "CPU s", "decisions/s", "µs/decision", "× hand"]
    ]
    for t in timings:
        rows.append(
            [
                t.name,
                f"{len(t.cases):,}",
                f"{t.best:.3f}",
                f"{statistics.median(t.seconds):.3f}",
                f"{min(t.cpu):.3f}",
                f"{1 / t.per_decision:,.0f}",
                f"{t.per_decision * 1e6:.2f}",
                f"{t.per_decision / hand.per_decision:.2f}",
            ]
        )
    out.append(
        f"Timing: best of {options.repeat} runs each, interleaved; wall time (time.perf_counter) is judged, "
        "CPU s is the least process time of a run"
    )
    out.append(table(rows, right={1, 2, 3, 4, 5, 6, 7}))
    out.append(
        f"  rule-engine is timed on the first {len(subset):,} cases (1/{RULE_ENGINE_SHARE}) and compared per "
        "decision; the others on all of them."
    )
    out.append("")
    out.append("Targets, on the path the product takes (legal.decide, the floor included):")
    ratio = retour_floor_t.per_decision / hand.per_decision
    out.append(
        f"  {retour_floor_t.name} / hand-written: {ratio:.2f}× the time (target ≤ {TARGET_VS_HAND:g}×)  "
        f"{verdict(ratio <= TARGET_VS_HAND)}"
    )
    ratio = engine_t.per_decision / retour_floor_t.per_decision
    out.append(
        f"  rule-engine / {retour_floor_t.name}: {ratio:.1f}× the time "
        f"(target ≥ {TARGET_VS_RULE_ENGINE:g}×)  {verdict(ratio >= TARGET_VS_RULE_ENGINE)}"
    )
    cpu_ratio = min(retour_floor_t.cpu) / min(hand.cpu)
    out.append(f"  the same on CPU time (process time, less sensitive to load): {cpu_ratio:.2f}×")
    out.append(
        f"  for comparison, {retour_t.name} alone: {retour_t.per_decision / hand.per_decision:.2f}× "
        "hand-written"
    )
    if failed:
        out.append("  NOTE: the implementations disagree (above): the timings compare different things.")
    out.append("")
    out.append(f"Command: {command_line(options)}")
    print("\n".join(out), flush=True)

    if options.profile:
        for name, decide in (("compiled.decide", policy.decide), ("legal.decide (+ floor)", with_floor)):
            title = f"Profile: Retour {name}, {len(cases):,} cases (cProfile, top {PROFILE_TOP} by own time)"
            print(f"\n{title}")
            print(profile(decide, cases), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
