"""What if, the reading: stream a store's past request-stage decisions as plain tuples, group them by what
the policies can see, decide each group once, and hand the groups to the pure aggregation
(``policies.domain.simulation``). See ``policies.simulation`` for the whole.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import islice
from operator import getitem, itemgetter
from typing import Any

from django.db import connection, models
from django.db.models import Func
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.policies import services
from retour.policies.customer_history import history_of_decisions
from retour.policies.domain import legal
from retour.policies.domain.compiler import CompiledPolicy, _return_by
from retour.policies.domain.facts import HISTORY_FACTS, NO_HISTORY, CustomerHistory, Facts
from retour.policies.domain.simulation import (
    _DATE_FACTS,
    _DAY_FACTS,
    EXAMPLES,
    TOP_RULES,
    Example,
    Recorded,
    Replay,
    RuleChange,
    Sight,
    SimulationReport,
    aggregate,
    sight,
)
from retour.policies.domain.vocabulary import EU_EEA, SELLER_FAULT_REASONS
from retour.policies.models import PolicyDecision, PolicyVersion

CHUNK = 20_000  # rows read from the database at a time

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
    history: bool = False  # a policy looks at the customer's history: computed as of each request's day

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
    history = bool(seen.facts & set(HISTORY_FACTS))
    unknown = bool(
        seen.facts - set(_FACT_PARTS) - set(_DAY_FACTS) - set(_DATE_FACTS) - _NOT_STORED - set(HISTORY_FACTS)
    )
    if unknown:
        parts = [*_ALWAYS, *_FACTS_STORED]
    if "country" in parts:
        parts.remove("region")
    if "reason" in parts and "seller_fault" in parts:
        parts.remove("seller_fault")
    exact = unknown or bool(set(_DATE_FACTS) & seen.facts)
    days = _Days(policies, seen, exact=exact, order="days_since_order" in seen.facts)
    return _Plan((*parts, *RECORDED), days, history)


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


def _group(
    rows: Iterator[tuple[Any, ...]], days: _Days, history: bool = False
) -> tuple[Counter[Any], dict[Any, int]]:
    """Count the requests of each group and keep one request id per group.

    Per request only C code runs (item getters, dict look-ups, ``Counter.update``), except when a new
    pair of dates shows up: a million requests hold a few tens of thousands. When a policy looks at the
    customer's history, each chunk's histories are computed as of each request's day and joined to the
    group's text: what happened after a request never decides it again.
    """
    ids, texts = itemgetter(0), itemgetter(1)
    dates = [itemgetter(index) for index in range(2, 2 + days.depth)]
    counts: Counter[Any] = Counter()
    last: dict[Any, int] = {}
    while chunk := list(islice(rows, CHUNK)):
        kinds: Iterator[Any] = map(days.root.__getitem__, map(dates[0], chunk))
        for getter in dates[1:]:
            kinds = map(getitem, kinds, map(getter, chunk))
        group_texts: Iterator[str] = map(texts, chunk)
        if history:
            found = history_of_decisions([row[0] for row in chunk])
            group_texts = (
                f"{text}{SEPARATOR}{_history_text(found.get(row[0], NO_HISTORY))}"
                for text, row in zip(map(texts, chunk), chunk, strict=True)
            )
        keys = list(zip(group_texts, kinds, strict=True))
        counts.update(keys)
        last.update(zip(keys, map(ids, chunk), strict=True))
    return counts, last


def _history_text(history: CustomerHistory) -> str:
    return SEPARATOR.join(
        (
            str(history.returns_last_365d),
            str(history.orders_365d),
            str(history.return_rate_365d),
            str(history.net_spend_365d),
            history.customer_segment,
        )
    )


def _history_read(texts: list[str]) -> CustomerHistory:
    returns, orders, rate, spend, segment = texts
    return CustomerHistory(int(returns), int(orders), Decimal(rate), Decimal(spend), segment)


def _facts(key: tuple[str, int], plan: _Plan) -> tuple[Facts, Recorded]:
    """Facts that decide like every request of the group, and the outcome recorded for them; what no
    policy looks at is left blank."""
    texts = key[0].split(SEPARATOR)
    history = NO_HISTORY
    if plan.history:
        texts, history = texts[: -len(HISTORY_FACTS)], _history_read(texts[-len(HISTORY_FACTS) :])
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
        returns_last_365d=history.returns_last_365d,
        orders_365d=history.orders_365d,
        return_rate_365d=history.return_rate_365d,
        net_spend_365d=history.net_spend_365d,
        customer_segment=history.customer_segment,
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
    counts, last = _group(rows, plan.days, plan.history)
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
