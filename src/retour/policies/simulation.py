"""What if: replay a store's past return requests under a draft policy, and compare with the active one.

``simulate(store, draft, since=...)`` reads the facts stored with each request-stage decision made under
the store's own policy since ``since``, decides them again under the draft and under the active version
(both with the legal floor), and reports approvals, money per currency, store credit, how many outcomes
change, and the rules behind the changes with example requests.

A million requests take seconds because most of them are not decided at all. A decision depends on a
few facts only, and on the numbers of days only through the thresholds the policies compare them with:
a request 3 days after delivery and one 9 days after are decided alike when every rule says "at most 14
days". So the requests are streamed as plain tuples (no model instances, no Django conversions), grouped
by exactly what the three policies (draft, active, floor) can see, and each group is decided once, from
the facts of one of its requests. ``aggregate`` then sums the groups; it is pure, and tested alone.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import islice
from operator import getitem, itemgetter
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from django.db import connection, models
from django.db.models import Func
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.policies import services
from retour.policies.domain import legal
from retour.policies.domain.compiler import CompiledPolicy, _return_by
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Condition, Policy
from retour.policies.domain.vocabulary import EU_EEA, SELLER_FAULT_REASONS
from retour.policies.models import PolicyDecision, PolicyVersion

EXAMPLES = 3
TOP_RULES = 10
CHUNK = 20_000
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


# -- reading past requests -----------------------------------------------------------------------------
#
# Each request is read as three values: a text that joins what the policies can see of it (its group,
# but for the dates), the delivery date, and the days from delivery to request. Hashing one text per
# request costs a tenth of hashing a tuple of twenty values (bench/policy_simulator.py); the dates are
# mapped to intervals of days by dict look-ups that run in C.

SEPARATOR = "\x1f"  # ASCII unit separator: in no code, country or amount
PLACES = 4  # amounts are stored with four decimals (core.fields) and read as whole ten-thousandths


class _Joined(Func):
    """Values joined into one text, with ``SEPARATOR``."""

    output_field = models.TextField()  # and so no per-value conversion by Django

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # One printf, not a chain of ||, each of which copies the text made so far: twice as fast.
        sql, params = self.as_sql(compiler, connection, template="%(expressions)s", arg_joiner=", ")
        return f"printf(%s, {sql})", (SEPARATOR.join(["%s"] * len(self.source_expressions)), *params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="concat_ws(chr(31), %(expressions)s)")


class _Units(Func):
    """An amount as a whole number of ten-thousandths: SQLite keeps amounts as binary floating point, whose
    text is slow to make and ambiguous; rounded once in the database, it is exact."""

    arity = 1
    template = f"ROUND(%(expressions)s * {10**PLACES})::bigint"
    output_field = models.TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"CAST(ROUND(%(expressions)s * {10**PLACES}) AS INTEGER)"
        )


class _AsStored(Func):
    """A column as the database holds it, with no conversion by Django or the driver: in SQLite, unary
    ``+`` is a no-op that drops the declared type, so sqlite3 leaves a date as text."""

    arity = 1
    template = "(%(expressions)s)::text"  # PostgreSQL: dates as text too, like SQLite's
    output_field = models.TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s")


class _DaysBetween(Func):
    """Whole days from the second date to the first (NULL without both)."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = models.TextField()  # no per-value conversion: the driver returns an int already

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class _Unindexed(Func):
    """A column compared without using an index (SQLite: unary ``+``): to read most of a table, one scan
    is several times faster than looking every row up from an index."""

    arity = 1
    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s")


def _flag(condition: models.Q) -> models.Case:
    return models.Case(models.When(condition, then=models.Value("1")), default=models.Value("0"))


def _text(value: str) -> str:
    return value


def _truth(value: str) -> bool:
    return value in ("1", "t", "true")


def _units(value: str) -> Decimal:
    return Decimal(int(value)).scaleb(-PLACES)


# The parts of a request's group: name -> (SQL expression, reading its text back).
_PARTS: dict[str, tuple[Any, Callable[[str], Any]]] = {
    "currency": (models.F("currency"), _text),
    "unit_price": (_Units("unit_price"), _units),
    "quantity": (models.F("quantity"), int),
    "category": (models.F("category"), _text),
    "condition": (models.F("condition"), _text),
    "seller_code": (models.F("seller_code"), _text),
    "payment_method": (models.F("payment_method"), _text),
    "tags": (models.F("tags"), services.tags_of),
    "segment": (models.F("segment"), _text),
    "is_gift": (models.F("is_gift"), _truth),
    "member": (models.F("member"), _truth),
    "final_sale": (models.F("final_sale"), _truth),
    "personalised": (models.F("personalised"), _truth),
    "country": (models.F("country"), _text),
    "region": (
        models.Case(
            models.When(country__in=sorted(EU_EEA), then=models.Value("FR")),
            models.When(country="GB", then=models.Value("GB")),
            default=models.Value("US"),
        ),
        _text,
    ),  # a country of the same region: as good as the shopper's own when no policy names countries
    "reason": (models.F("reason"), _text),
    "seller_fault": (
        models.Case(
            models.When(reason__in=sorted(SELLER_FAULT_REASONS), then=models.Value("defective")),
            default=models.Value("changed_mind"),
        ),
        _text,
    ),  # likewise a reason of the same kind
    # The outcome recorded
    "eligible": (models.F("eligible"), _truth),
    "refund_amount": (_Units("refund_amount"), _units),
    "fees": (_Units("fees"), _units),
    "store_credit_amount": (_Units("store_credit_amount"), _units),
    "resolutions": (models.F("resolutions"), _text),
}
# The parts behind each fact a condition may name. The stage is "request" for every past request; the
# days and dates are read apart (see _Days).
_FACT_PARTS = {
    "category": ("category",),
    "condition": ("condition",),
    "currency": ("currency",),
    "seller": ("seller_code",),
    "payment_method": ("payment_method",),
    "tags": ("tags",),
    "segment": ("segment",),
    "is_gift": ("is_gift",),
    "member": ("member",),
    "final_sale": ("final_sale",),
    "personalised": ("personalised",),
    "quantity": ("quantity",),
    "unit_price": ("unit_price",),
    "line_total": ("unit_price", "quantity"),
    "country": ("country",),
    "reason": ("reason",),
    "seller_fault": ("seller_fault",),
}
# Always: what amounts are computed from, and the region, which decides whether the legal floor applies.
_ALWAYS = ("currency", "unit_price", "quantity", "region")
_NOT_STORED = {"stage", "delivered", "region"}
_FACTS_STORED = (
    "category",
    "condition",
    "seller_code",
    "payment_method",
    "tags",
    "segment",
    "is_gift",
    "member",
    "final_sale",
    "personalised",
    "country",
    "reason",
)
RECORDED = ("eligible", "refund_amount", "fees", "store_credit_amount", "resolutions")


class _Level(dict[Any, Any]):
    """One level of the look-up from a request's dates to its group of days, filled as dates show up."""

    def __init__(self, days: _Days, path: tuple[Any, ...]) -> None:
        super().__init__()
        self.days, self.path = days, path

    def __missing__(self, value: Any) -> Any:
        path = (*self.path, value)
        found = self[value] = (
            self.days.kind(path) if len(path) == self.days.depth else _Level(self.days, path)
        )
        return found


class _Days:
    """What the policies see of a request's dates, as a small number.

    The database gives the delivery date and the days from delivery to request (and from the order, when
    a policy counts them); the number says in which interval between the policies' thresholds each count
    of days falls: 3 and 9 days after delivery are alike when every rule says "at most 14". The days past
    the return-by date follow from the delivery date, under each policy's own window. When a policy looks
    at the dates themselves, the three dates are kept exactly.
    """

    def __init__(self, policies: Sequence[CompiledPolicy], seen: Sight, *, exact: bool, order: bool) -> None:
        self.windows = [policy.policy.return_window for policy in policies]
        self.since_delivery = seen.cuts.get("days_since_delivery", ())
        self.since_order = seen.cuts.get("days_since_order", ())
        self.return_by = seen.return_by_cuts
        self.exact, self.order = exact, order
        self.depth = 3 if exact or order else 2
        self.root = _Level(self, ())
        self.kinds: dict[tuple[Any, ...], int] = {}
        self.example: list[tuple[date | None, date, date]] = []  # delivered, requested, ordered

    def expressions(self) -> list[Any]:
        if self.exact:
            return [_AsStored("delivered_at"), _AsStored("requested_at"), _AsStored("ordered_at")]
        days = [_AsStored("delivered_at"), _DaysBetween("requested_at", "delivered_at")]
        return [*days, _DaysBetween("requested_at", "ordered_at")] if self.order else days

    def kind(self, path: tuple[Any, ...]) -> int:
        delivered = _date(path[0])
        key: tuple[Any, ...]
        if self.exact:
            requested, ordered = _date(path[1]), _date(path[2])
            key = (delivered, requested, ordered)
        else:
            since_delivery, since_order = path[1], path[2] if self.order else None
            # Not delivered: the day asked matters to no rule then (only through the days counted from
            # the order, kept when a policy counts them); any day will do.
            requested = delivered + timedelta(days=since_delivery) if delivered is not None else _ANY_DAY
            ordered = requested - timedelta(days=since_order) if since_order is not None else requested
            order = bisect_right(self.since_order, since_order) if since_order is not None else None
            if delivered is None:
                key = (order,)
            else:
                key = (
                    order,
                    bisect_right(self.since_delivery, since_delivery),
                    *(
                        bisect_right(cuts, (requested - return_by).days)
                        for window, cuts in zip(self.windows, self.return_by, strict=True)
                        if cuts and (return_by := _return_by(window, delivered)) is not None
                    ),
                )
        number = self.kinds.get(key)
        if number is None:
            number = self.kinds[key] = len(self.example)
            self.example.append((delivered, requested, ordered))
        return number


_ANY_DAY = date(2000, 1, 1)


def _date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


@dataclass
class _Plan:
    """What to read of each request, and how requests fall into groups."""

    parts: tuple[str, ...]  # joined into the group's text, the recorded outcome last
    days: _Days

    @cached_property
    def readers(self) -> list[Callable[[str], Any]]:
        return [_PARTS[name][1] for name in self.parts]

    def expressions(self) -> list[Any]:
        joined = _Joined(*(_PARTS[name][0] for name in self.parts))
        return [models.F("id"), joined, *self.days.expressions()]


def _plan(policies: Sequence[CompiledPolicy]) -> _Plan:
    seen = sight([policy.policy for policy in policies])
    parts = list(_ALWAYS)
    for fact in sorted(seen.facts):
        parts.extend(part for part in _FACT_PARTS.get(fact, ()) if part not in parts)
    # A fact this module does not know: group by everything stored rather than guess.
    unknown = bool(seen.facts - set(_FACT_PARTS) - set(_DAY_FACTS) - set(_DATE_FACTS) - _NOT_STORED)
    if unknown:
        parts = [*_ALWAYS, *_FACTS_STORED]
    if "country" in parts:
        parts.remove("region")
    if "reason" in parts and "seller_fault" in parts:
        parts.remove("seller_fault")
    exact = unknown or bool(set(_DATE_FACTS) & seen.facts)
    days = _Days(policies, seen, exact=exact, order="days_since_order" in seen.facts)
    return _Plan((*parts, *RECORDED), days)


# Reading the rows an index points to costs about 2.5 µs each in SQLite, scanning the whole table about
# 0.4 µs a row (1,000,000 requests, bench/policy_simulator.py): scan when a third of the table or more
# is wanted. PostgreSQL's planner makes that choice itself.
SCAN_SHARE = 3


def _requests(store: Store, since: datetime) -> models.QuerySet[PolicyDecision]:
    """The store's request-stage decisions since ``since``, made under its own policy (not a seller's)."""
    versions = PolicyVersion.objects.filter(policy__store=store, policy__seller__isnull=True)
    wanted = {
        "store_id": store.pk,
        "stage": PolicyDecision.Stage.REQUEST.value,
        "decided_at__gte": since,
        "version_id__in": list(versions.values_list("pk", flat=True)),
    }
    requests = PolicyDecision.objects.order_by()
    if connection.vendor == "sqlite":
        share = requests.filter(store_id=store.pk, stage=wanted["stage"], decided_at__gte=since).count()
        if share * SCAN_SHARE >= requests.count():
            fields: dict[str, models.Field[Any, Any]] = {
                "store_id": models.BigIntegerField(),
                "stage": models.TextField(),
                "decided_at": models.DateTimeField(),
                "version_id": models.BigIntegerField(),
            }
            requests = requests.alias(
                **{f"_{name}": _Unindexed(name, output_field=field) for name, field in fields.items()}
            )
            wanted = {f"_{lookup}": value for lookup, value in wanted.items()}
    return requests.filter(**wanted)


def _group(rows: Iterator[tuple[Any, ...]], days: _Days) -> tuple[Counter[Any], dict[Any, int]]:
    """Count the requests of each group and keep one request id per group.

    Per request only C code runs (item getters, dict look-ups, ``Counter.update``), except when a new
    pair of dates shows up: a million requests hold a few tens of thousands.
    """
    ids, texts = itemgetter(0), itemgetter(1)
    dates = [itemgetter(index) for index in range(2, 2 + days.depth)]
    counts: Counter[Any] = Counter()
    last: dict[Any, int] = {}
    while chunk := list(islice(rows, CHUNK)):
        kinds: Iterator[Any] = map(days.root.__getitem__, map(dates[0], chunk))
        for getter in dates[1:]:
            kinds = map(getitem, kinds, map(getter, chunk))
        keys = list(zip(map(texts, chunk), kinds, strict=True))
        counts.update(keys)
        last.update(zip(keys, map(ids, chunk), strict=True))
    return counts, last


def _facts(key: tuple[str, int], plan: _Plan) -> tuple[Facts, Recorded]:
    """Facts that decide like every request of the group, and the outcome recorded for them; what no
    policy looks at is left blank."""
    texts = key[0].split(SEPARATOR)
    values = {name: read(text) for name, read, text in zip(plan.parts, plan.readers, texts, strict=True)}
    delivered, requested, ordered = plan.days.example[key[1]]
    facts = Facts(
        country=values.get("country") or values["region"],
        currency=values["currency"],
        category=values.get("category", ""),
        unit_price=values["unit_price"],
        quantity=values["quantity"],
        ordered_at=ordered,
        delivered_at=delivered,
        requested_at=requested,
        condition=values.get("condition", ""),
        reason=values.get("reason") or values.get("seller_fault", ""),
        is_gift=values.get("is_gift", False),
        member=values.get("member", False),
        final_sale=values.get("final_sale", False),
        personalised=values.get("personalised", False),
        tags=values.get("tags", frozenset()),
        seller=values.get("seller_code", ""),
        payment_method=values.get("payment_method", ""),
        segment=values.get("segment", ""),
    )
    recorded = Recorded(
        eligible=values["eligible"],
        refund_amount=values["refund_amount"],
        fees=values["fees"],
        store_credit_amount=values["store_credit_amount"],
        store_credit_offered="store_credit" in values["resolutions"].split(","),
    )
    return facts, recorded


def replayed(
    rows: Iterator[tuple[Any, ...]], plan: _Plan, active: CompiledPolicy, draft: CompiledPolicy
) -> Iterator[Replay]:
    """Each group of past requests, decided once under each policy."""
    counts, last = _group(rows, plan.days)
    active_floor, draft_floor = services.floor(active), services.floor(draft)
    for key, count in counts.items():
        facts, recorded = _facts(key, plan)
        yield Replay(
            count,
            last[key],
            facts,
            recorded,
            legal.decide(active, facts, active_floor),
            legal.decide(draft, facts, draft_floor),
        )


def simulate(
    store: Store,
    draft: CompiledPolicy,
    *,
    since: datetime,
    baseline: CompiledPolicy | None = None,
    examples: int = EXAMPLES,
    top: int = TOP_RULES,
) -> SimulationReport:
    """Replay the store's past requests since ``since`` under ``draft`` and under ``baseline`` (the
    store's active version by default; ``services.NoActivePolicy`` when it has none)."""
    active_name = ""
    if baseline is None:
        version = services.active_version(store)
        if version is None:
            raise services.NoActivePolicy(_("The store has no active policy to compare with."))
        baseline = services.compiled(version)
        active_name = f"{version.name} v{version.number}"
    plan = _plan((baseline, draft, services.floor(baseline), services.floor(draft)))
    rows = _requests(store, since).values_list(*plan.expressions()).iterator(chunk_size=CHUNK)
    report = aggregate(replayed(rows, plan, baseline, draft), examples=examples, top=top)
    report.active_policy = active_name or baseline.policy.name
    report.draft_policy = draft.policy.name
    report.since = since
    _with_real_examples(report, baseline, draft)
    return report


def _with_real_examples(report: SimulationReport, active: CompiledPolicy, draft: CompiledPolicy) -> None:
    """Show each example as it was asked: its own stored facts (a group's facts leave blank what no
    policy looks at), decided again; the outcomes are the group's by construction."""
    ids = {example.request_id for change in report.rules for example in change.examples}
    rows = {row.pk: row for row in PolicyDecision.objects.filter(pk__in=ids)}
    active_floor, draft_floor = services.floor(active), services.floor(draft)
    for index, change in enumerate(report.rules):
        examples = []
        for example in change.examples:
            facts = services.facts_of(rows[example.request_id])
            examples.append(
                Example(
                    example.request_id,
                    example.count,
                    facts,
                    legal.decide(active, facts, active_floor),
                    legal.decide(draft, facts, draft_floor),
                )
            )
        report.rules[index] = RuleChange(change.active_rule, change.draft_rule, change.count, tuple(examples))


# -- periods and words for staff ---------------------------------------------------------------------


class BadPeriod(DomainError):
    code = "bad_period"
    status = 422


MAX_DAYS = 3660


def parse_since(text: str, store: Store, now: datetime) -> datetime:
    """``90d``: the 90 days before ``now``; ``2026-01-31``: from the start of that day, store time."""
    value = text.strip()
    if value.endswith("d") and value[:-1].isdigit() and 1 <= int(value[:-1]) <= MAX_DAYS:
        return now - timedelta(days=int(value[:-1]))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(
            _("The period is a number of days such as 90d, or a day as YYYY-MM-DD, not “%(value)s”.")
            % {"value": text}
        ) from None
    return datetime.combine(day, time(), tzinfo=store.zone)


def locale_now() -> str:
    """The babel locale of the active language ("en", "fr")."""
    return translation.to_locale(translation.get_language() or "en")


def number(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def share(part: int, whole: int, locale: str) -> str:
    return format_percent(part / whole if whole else 0, "#,##0.0 %", locale=locale)


def money(amount: Decimal, currency: str, locale: str) -> str:
    return Money(amount, currency).format(locale)


def day(moment: datetime, locale: str) -> str:
    return format_date(moment.date(), "long", locale=locale)


def _signed(text: str, value: Decimal | int) -> str:
    return ("+" if value > 0 else "") + text if value else "0"


@dataclass(frozen=True)
class Row:
    label: str
    recorded: str
    active: str
    draft: str
    change: str  # draft minus active


def _row(label: str, texts: Sequence[str], change: str) -> Row:
    return Row(label, texts[0], texts[1], texts[2], change)


def summary_rows(report: SimulationReport, locale: str) -> list[Row]:
    """The report's figures, side by side: as recorded, under the active policy, under the draft."""
    sides = (report.recorded, report.active, report.draft)
    rows = []
    for label, counts in (
        (_("Requests"), [side.requests for side in sides]),
        (_("Approved"), [side.approved for side in sides]),
        (_("Refused"), [side.refused for side in sides]),
    ):
        difference = counts[2] - counts[1]
        rows.append(
            _row(label, [number(n, locale) for n in counts], _signed(number(difference, locale), difference))
        )
    more = report.draft.approved - report.active.approved
    rows.append(
        _row(
            _("Approval rate"),
            [share(side.approved, side.requests, locale) for side in sides],
            _signed(share(more, report.requests, locale), more),
        )
    )
    rows.append(
        _row(
            _("Offered store credit (share of approved)"),
            [share(side.store_credit_offered, side.approved, locale) for side in sides],
            "",
        )
    )
    for currency in report.currencies:
        for label, attribute in (
            (_("Refunds (%(currency)s)"), "refunds"),
            (_("Fees (%(currency)s)"), "fees"),
            (_("Store credit (%(currency)s)"), "store_credit"),
        ):
            amounts: list[Decimal] = [
                getattr(side.money.get(currency, Totals()), attribute) for side in sides
            ]
            change = amounts[2] - amounts[1]
            rows.append(
                _row(
                    label % {"currency": currency},
                    [money(amount, currency, locale) for amount in amounts],
                    _signed(money(change, currency, locale), change),
                )
            )
    return rows


def period_sentence(report: SimulationReport, locale: str) -> str:
    since = day(report.since, locale) if report.since else ""
    if not report.requests:
        return _("There are no past return requests since %(since)s.") % {"since": since}
    return ngettext(
        "%(count)s past return request since %(since)s (%(decided)s different sets of facts decided).",
        "%(count)s past return requests since %(since)s (%(decided)s different sets of facts decided).",
        report.requests,
    ) % {"count": number(report.requests, locale), "since": since, "decided": number(report.decided, locale)}


def changes_sentence(report: SimulationReport, locale: str) -> str:
    changes = report.changes
    if not changes.total:
        return _("The draft decides every one of these requests as the active policy does.")
    return ngettext(
        "The outcome changes for %(count)s request (%(share)s): %(approved)s now approved, %(refused)s now "
        "refused, %(higher)s with a higher refund, %(lower)s with a lower one.",
        "The outcome changes for %(count)s requests (%(share)s): %(approved)s now approved, %(refused)s now "
        "refused, %(higher)s with a higher refund, %(lower)s with a lower one.",
        changes.total,
    ) % {
        "count": number(changes.total, locale),
        "share": share(changes.total, report.requests, locale),
        "approved": number(changes.now_approved, locale),
        "refused": number(changes.now_refused, locale),
        "higher": number(changes.refund_higher, locale),
        "lower": number(changes.refund_lower, locale),
    }


def decision_words(decision: Decision, locale: str) -> str:
    """ "standard: 100 %, refund €31.05" or "refused: window_expired"."""
    if not decision.eligible:
        return _("refused (%(code)s)") % {"code": decision.code}
    return _("%(code)s at %(percent)d %%, refund %(refund)s") % {
        "code": decision.code,
        "percent": decision.refund_percent,
        "refund": money(decision.refund_amount, decision.currency, locale),
    }


def request_words(facts: Facts, locale: str) -> str:
    """One past request, as staff read it: who, what, why, when."""
    from retour.policies.forms import CONDITION_LABELS, REASON_LABELS, label  # words shared with the admin

    days = facts.days_since_delivery
    when = (
        _("not delivered")
        if days is None
        else ngettext("%(days)d day after delivery", "%(days)d days after delivery", days) % {"days": days}
    )
    marks = [facts.category or "-"]
    if facts.final_sale:
        marks.append(_("final sale"))
    if facts.personalised:
        marks.append(_("personalised"))
    return _("%(country)s, %(quantity)d × %(category)s at %(price)s, %(condition)s, %(reason)s, %(when)s") % {
        "country": facts.country,
        "quantity": facts.quantity,
        "category": ", ".join(marks),
        "price": money(facts.unit_price, facts.currency, locale),
        "condition": label(CONDITION_LABELS, facts.condition),
        "reason": label(REASON_LABELS, facts.reason),
        "when": when,
    }


def example_sentence(example: Example, locale: str) -> str:
    return _("Request %(id)s (%(alike)s alike): %(request)s: %(active)s → %(draft)s") % {
        "id": example.request_id,
        "alike": number(example.count, locale),
        "request": request_words(example.facts, locale),
        "active": decision_words(example.active, locale),
        "draft": decision_words(example.draft, locale),
    }
