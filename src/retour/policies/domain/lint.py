"""Compare what shoppers get under two policies, over cases drawn from the policies' own thresholds.

Used to refuse a marketplace seller's policy that is less generous than the store's (``compare``), and to
warn where a policy promises EU/EEA or UK shoppers less than the law, so that the legal floor steps in
(``below_floor``).

A decision depends on the facts only through the values the policies' conditions name and the thresholds
they compare numbers, amounts and days with. So the cases are built from them, in two passes:

1. *Which rules decide*: every combination of the region (a country of each, and every country a policy
   names), the categories, conditions and reasons the policies tell apart (one of each kind), final sale
   and personalised, the flags, tags, segments, sellers and payment methods the rules name, and the
   dates: deliveries across the year (March, 1 November to the year's end and into January, each
   seasonal period's first and last days and the days around them, a leap year's February) and
   requests on either side of every count of days the policies compare (since delivery, past each
   policy's own return-by date, since the order), kept when they differ in what some policy can see.
2. *What they give*: for each pair of decisions met in pass 1 (one example case each), every currency
   either policy names, prices around each policy's returnless threshold and fees and the amounts the
   conditions compare, a member or not, a gift or not.

What a shopper gets is compared aspect by aspect: eligible, refund percentage, fees (when they leave a
smaller refund), store credit (where it is offered), keeping the item, resolutions offered (every one
the reference's own rules offer). A case is never skipped for its currency: a currency missing from a
fee table is charged no fee.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import product
from typing import Any

from retour.core.money import minor_units
from retour.policies.domain import legal
from retour.policies.domain.compiler import CompiledPolicy, return_by_date
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Condition, Policy
from retour.policies.domain.vocabulary import CONDITIONS, REASONS, SELLER_FAULT_REASONS, region_of

CATEGORIES = ("apparel", "books", "media", "software", "beauty", "grocery", "gift_cards", "digital")
COUNTRIES = {"eu": "FR", "gb": "GB", "other": "US"}
CURRENCIES = {"eu": "EUR", "gb": "GBP", "other": "USD"}
DAYS = (0, 1, 7, 14, 15, 29, 30, 31, 45, 59, 60, 61, 89, 90, 91, 180, 365, 729, 730, 731)
DELIVERED = date(2026, 3, 2)  # a Monday outside every seasonal extension
ASPECTS = ("eligible", "refund_percent", "fees", "store_credit", "keep_item", "resolutions")
# Deliveries the cases start from: outside any season, the holidays, the year's end, a leap year.
DELIVERIES = (
    DELIVERED,
    date(2026, 10, 31),
    date(2026, 11, 1),
    date(2026, 11, 15),
    date(2026, 12, 15),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 12, 20),  # the late window runs into a leap February
)
TRANSIT = 3  # days from the order to the delivery


@dataclass(frozen=True)
class Finding:
    """A case where ``ours`` gives the shopper less than ``theirs``, and in which ``aspects``."""

    facts: Facts
    ours: Decision
    theirs: Decision
    aspects: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        f = self.facts
        return {
            "country": f.country,
            "currency": f.currency,
            "category": f.category,
            "unit_price": str(f.unit_price),
            "quantity": f.quantity,
            "condition": f.condition,
            "reason": f.reason,
            "delivered_on": f.delivered_at.isoformat() if f.delivered_at else None,
            "requested_on": f.requested_at.isoformat(),
            "days_since_delivery": f.days_since_delivery,
            "final_sale": f.final_sale,
            "personalised": f.personalised,
            "is_gift": f.is_gift,
            "member": f.member,
            "tags": sorted(f.tags),
            "segment": f.segment,
            "aspects": list(self.aspects),
            "policy": _decision_dict(self.ours),
            "reference": _decision_dict(self.theirs),
        }


def _decision_dict(d: Decision) -> dict[str, Any]:
    return {
        "eligible": d.eligible,
        "code": d.code,
        "percent": d.refund_percent,
        "currency": d.currency,
        "fees": str(d.fees_total),
        "refund": str(d.refund_amount),
        "store_credit": str(d.store_credit_amount),
        "keep_item": d.keep_item,
        "resolutions": list(d.resolutions),
    }


def shortfalls(mine: Decision, theirs: Decision) -> tuple[str, ...]:
    """The aspects in which ``mine`` gives the shopper less than ``theirs`` (none: at least as much)."""
    if not theirs.eligible:
        return ()
    if not mine.eligible:
        return ("eligible",)
    less = []
    if mine.refund_percent < theirs.refund_percent:
        less.append("refund_percent")
    if mine.fees_total > theirs.fees_total and mine.refund_amount < theirs.refund_amount:
        less.append("fees")  # a higher fee on a larger refund (capped at it) is no loss
    if "store_credit" in theirs.resolutions and mine.store_credit_amount < theirs.store_credit_amount:
        less.append("store_credit")
    if theirs.keep_item and not mine.keep_item:
        less.append("keep_item")
    # Resolutions the reference's own rules offer; not those the law's floor brought in where the
    # reference refused (the floor gives both sides the same right, through each one's own resolutions).
    if not set(theirs.resolutions) <= set(mine.resolutions) and not theirs.trace[-1].startswith(
        "legal_floor:"
    ):
        less.append("resolutions")
    return tuple(less)


def compare(
    ours: CompiledPolicy,
    reference: CompiledPolicy,
    *,
    regions: tuple[str, ...] = ("eu", "gb", "other"),
    floor: CompiledPolicy | None = None,
) -> list[Finding]:
    """Cases where shoppers get less under ``ours`` than under ``reference`` (both above ``floor``),
    one per region, pair of rules and shortfall."""

    def both(facts: Facts) -> tuple[Decision, Decision]:
        return legal.decide(ours, facts, floor), legal.decide(reference, facts, floor)

    def judge(facts: Facts, mine: Decision, theirs: Decision) -> tuple[Any, tuple[str, ...]]:
        aspects = shortfalls(mine, theirs)
        return (facts.region, mine.trace[0], theirs.trace[0], aspects), aspects

    policies = [ours.policy, reference.policy, *([floor.policy] if floor else [])]
    return _search(Probes(policies, regions), both, judge)


def below_floor(
    policy: CompiledPolicy, floor: CompiledPolicy, *, regions: tuple[str, ...] = ("eu", "gb")
) -> list[Finding]:
    """Cases where the policy promises less than the law, so that the floor steps in: ``ours`` is the
    policy's own decision, ``theirs`` the one the shopper gets."""

    def both(facts: Facts) -> tuple[Decision, Decision]:
        return policy.decide(facts), legal.decide(policy, facts, floor)

    def judge(facts: Facts, mine: Decision, law: Decision) -> tuple[Any, tuple[str, ...]]:
        if not law.trace[-1].startswith("legal_floor:"):
            return None, ()
        aspects = shortfalls(mine, law) or ("fees",)  # the law took a fee off
        return (facts.country, mine.trace[0], law.code, aspects), aspects

    return _search(Probes([policy.policy, floor.policy], regions), both, judge)


def _search(
    probes: Probes,
    both: Callable[[Facts], tuple[Decision, Decision]],
    judge: Callable[[Facts, Decision, Decision], tuple[Any, tuple[str, ...]]],
) -> list[Finding]:
    findings: dict[Any, Finding] = {}
    examples: dict[Any, Facts] = {}

    def look(facts: Facts) -> tuple[Decision, Decision]:
        mine, theirs = both(facts)
        key, aspects = judge(facts, mine, theirs)
        if aspects and key not in findings:
            findings[key] = Finding(facts, mine, theirs, aspects)
        return mine, theirs

    for facts in probes.first_pass():
        mine, theirs = look(facts)
        examples.setdefault((facts.region, mine.trace, theirs.trace), facts)
    for example in examples.values():
        for facts in probes.amounts(example):
            look(facts)
    return list(findings.values())


# -- the cases -----------------------------------------------------------------------------------------


@dataclass
class _Seen:
    """What conditions name: words by fact, flags, tags, and thresholds."""

    words: dict[str, set[str]] = field(default_factory=dict)
    sets: dict[str, list[frozenset[str]]] = field(default_factory=dict)  # condition, reason
    flags: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    flips: dict[str, set[int]] = field(default_factory=dict)  # whole-number facts: where a test flips
    amounts: set[tuple[Decimal, bool]] = field(default_factory=set)  # (bound, is a minimum)
    days: dict[str, set[tuple[tuple[int, int], tuple[int, int]]]] = field(default_factory=dict)

    def walk(self, cond: Condition, space: str = "") -> None:
        kind = cond[0]
        if kind in ("all", "any"):
            for part in cond[1]:
                self.walk(part, space)
        elif kind == "not":
            self.walk(cond[1], space)
        elif kind == "tags":
            self.tags.update(cond[1])
        elif kind == "in":
            if cond[1] in ("condition", "reason"):
                self.sets.setdefault(cond[1], []).append(frozenset(cond[2]))
            else:
                self.words.setdefault(cond[1], set()).update(cond[2])
        elif kind == "is":
            self.flags.add(cond[1])
        elif kind == "range":
            fact, low, high = cond[1], cond[2], cond[3]
            if fact in ("unit_price", "line_total"):
                self.amounts.update(
                    (value, minimum) for value, minimum in ((low, True), (high, False)) if value is not None
                )
            else:
                flips = self.flips.setdefault(fact + space, set())
                if low is not None:
                    flips.add(int(low))
                if high is not None:
                    flips.add(int(high) + 1)
        elif kind == "between":
            self.days.setdefault(cond[1], set()).add((cond[2], cond[3]))


def _rule_conditions(policy: Policy) -> Iterator[Condition]:
    for rule in policy.rules:
        yield rule.when
        for adjustment in rule.adjust:
            yield adjustment.when


def _other_conditions(policy: Policy) -> Iterator[Condition]:
    for fee in policy.fees.values():
        if fee.waived_when is not None:
            yield fee.waived_when
    for override in policy.resolution_overrides:
        yield override.when


def _classes(universe: Iterable[str], sets: Sequence[frozenset[str]]) -> list[str]:
    """One value of each class of values no named set tells apart, the first in order of each."""
    groups: dict[tuple[bool, ...], list[str]] = {}
    for value in sorted(universe):
        groups.setdefault(tuple(value in named for named in sets), []).append(value)
    return sorted(values[0] for values in groups.values())


def _inside(day: tuple[int, int], period: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    start, end = period
    return start <= day <= end if start <= end else (day >= start or day <= end)


class Probes:
    """The cases two or three policies are compared on (see the module's doc)."""

    def __init__(self, policies: Sequence[Policy], regions: tuple[str, ...]) -> None:
        self.policies = list(policies)
        self.regions = regions
        self.rules = _Seen()
        for k, policy in enumerate(self.policies):
            for cond in _rule_conditions(policy):
                self.rules.walk(cond, f"#{k}")
        self.every = _Seen()
        for k, policy in enumerate(self.policies):
            for cond in (*_rule_conditions(policy), *_other_conditions(policy)):
                self.every.walk(cond, f"#{k}")
        self.currencies = self._currencies()
        self.prices: dict[str, list[Decimal]] = {}

    # -- pass 1 ------------------------------------------------------------------------------------------

    def first_pass(self) -> Iterator[Facts]:
        seen = self.rules
        words = seen.words
        reasons = _classes(REASONS, [*seen.sets.get("reason", []), SELLER_FAULT_REASONS])
        conditions = _classes(CONDITIONS, seen.sets.get("condition", []))
        categories = self._categories()
        flags = {
            name: (False, True) if name in seen.flags else (False,)
            for name in ("final_sale", "personalised", "is_gift", "member")
        }
        tags = [frozenset(), *(frozenset({tag}) for tag in sorted(seen.tags))]
        others = {
            name: ["", *sorted(words.get(name, ()))] for name in ("segment", "seller", "payment_method")
        }
        stages = ["request", *(["inspection"] if "inspection" in words.get("stage", ()) else [])]
        quantities = self._quantities()
        dates = self._dates()
        for region in self.regions:
            for country, currency in self._places(region):
                prices = self._prices(currency, selection=True)
                for category, condition, reason, final_sale, personalised, gift, member in product(
                    categories,
                    conditions,
                    reasons,
                    flags["final_sale"],
                    flags["personalised"],
                    flags["is_gift"],
                    flags["member"],
                ):
                    for tag_set, segment, seller, method, stage, quantity, price in product(
                        tags,
                        others["segment"],
                        others["seller"],
                        others["payment_method"],
                        stages,
                        quantities,
                        prices,
                    ):
                        for delivered, requested, ordered in dates:
                            yield Facts(
                                country=country,
                                currency=currency,
                                category=category,
                                unit_price=price,
                                quantity=quantity,
                                ordered_at=ordered,
                                delivered_at=delivered,
                                requested_at=requested,
                                condition=condition,
                                reason=reason,
                                is_gift=gift,
                                member=member,
                                final_sale=final_sale,
                                personalised=personalised,
                                tags=tag_set,
                                seller=seller,
                                payment_method=method,
                                segment=segment,
                                stage=stage,
                            )

    def _places(self, region: str) -> list[tuple[str, str]]:
        countries = [COUNTRIES[region]]
        countries += sorted(
            c for c in self.every.words.get("country", ()) if region_of(c) == region and c not in countries
        )
        if "currency" in self.rules.words:
            currencies = sorted({CURRENCIES[region], *self.currencies})
        else:
            default = CURRENCIES[region]
            currencies = [
                default if default in self.currencies or not self.currencies else sorted(self.currencies)[0]
            ]
        return [(country, currency) for country in countries for currency in currencies]

    def _categories(self) -> list[str]:
        named = sorted(self.rules.words.get("category", ()))
        unnamed = next(c for c in (*CATEGORIES, "misc", "other-category") if c not in named)
        return [unnamed, *named]

    def _quantities(self) -> list[int]:
        values = {1}
        for fact, flips in self.rules.flips.items():
            if fact.startswith("quantity"):
                values.update(v for flip in flips for v in (flip - 1, flip) if v >= 1)
        return sorted(values)

    def _currencies(self) -> set[str]:
        named = set(self.every.words.get("currency", ()))
        for policy in self.policies:
            for fee in policy.fees.values():
                named.update(fee.amounts)
            for rule in policy.rules:
                named.update(c for c in (rule.then.keep_item_max or {}) if c != "default")
        return named

    def _prices(self, currency: str, *, selection: bool) -> list[Decimal]:
        step = Decimal(1).scaleb(-minor_units(currency))
        base = (Decimal(40) if step < 1 else Decimal(4000)).quantize(step)
        prices = {base}
        for amount, minimum in (self.rules if selection else self.every).amounts:
            # Either side of where the test flips: below a minimum and at it, at a maximum and above.
            prices.update(
                value
                for value in ((amount - step, amount) if minimum else (amount, amount + step))
                if value >= 0
            )
        if not selection:
            for policy in self.policies:
                for rule in policy.rules:
                    keep = (rule.then.keep_item_max or {}).get(currency)
                    if keep is not None:
                        prices.update((keep, keep + step))
                for fee in policy.fees.values():
                    charged = fee.amounts.get(currency)
                    if charged is not None:
                        prices.update(value for value in (charged - step, charged, charged * 2) if value >= 0)
        return sorted(prices)

    # -- dates -------------------------------------------------------------------------------------------

    def _dates(self) -> list[tuple[date | None, date, date]]:
        """(delivered, requested, ordered), one of each kind the policies can tell apart."""
        flips = self.every.flips
        since_delivery = sorted(_union(flips, "days_since_delivery"))
        since_order = sorted(_union(flips, "days_since_order"))
        periods = {fact: sorted(values) for fact, values in self.every.days.items()}
        windows = [(k, policy.return_window) for k, policy in enumerate(self.policies)]
        return_by_flips = {k: sorted(flips.get(f"days_past_return_by#{k}", ())) for k, _w in windows}
        kinds: dict[Any, tuple[date | None, date, date]] = {}

        def add(delivered: date | None, requested: date, ordered: date) -> None:
            if delivered is not None and (requested < delivered or delivered < ordered):
                return
            key: list[Any] = [delivered is None]
            dsd = None if delivered is None else (requested - delivered).days
            key.append(None if dsd is None else sum(dsd >= v for v in since_delivery))
            key.append(sum((requested - ordered).days >= v for v in since_order))
            for k, window in windows:
                if delivered is not None and return_by_flips[k]:
                    late = (requested - return_by_date(window, delivered)).days
                    key.append(sum(late >= v for v in return_by_flips[k]))
            for fact, moment in (
                ("requested_on", requested),
                ("delivered_on", delivered),
                ("ordered_on", ordered),
            ):
                day = None if moment is None else (moment.month, moment.day)
                key.append(tuple(day is not None and _inside(day, p) for p in periods.get(fact, ())))
            kinds.setdefault(tuple(key), (delivered, requested, ordered))

        deliveries = list(DELIVERIES)
        for policy in self.policies:
            for ext in policy.return_window.extensions:
                deliveries += _around(ext.delivered_from) + _around(ext.delivered_to)
        for start, end in periods.get("delivered_on", ()):
            deliveries += _around(start) + _around(end)
        for delivered in sorted(set(deliveries), key=lambda d: (d != DELIVERED, d)):
            offsets = {0}
            offsets.update(v for flip in since_delivery for v in (flip - 1, flip) if v >= 0)
            requests = {delivered + timedelta(days=v) for v in offsets}
            for k, window in windows:
                return_by = return_by_date(window, delivered)
                requests.update(
                    return_by + timedelta(days=v) for flip in return_by_flips[k] for v in (flip - 1, flip)
                )
                requests.add(return_by)
            for start, end in periods.get("requested_on", ()):
                requests.update(_next(delivered, day) for day in (start, end))
            for requested in sorted(requests):
                orders = {delivered - timedelta(days=TRANSIT)}
                orders.update(
                    requested - timedelta(days=v) for flip in since_order for v in (flip - 1, flip) if v >= 0
                )
                for ordered in sorted(orders, reverse=True):
                    add(delivered, requested, ordered)
        ordered = DELIVERED - timedelta(days=TRANSIT)
        for v in sorted({10, *(w for flip in since_order for w in (flip - 1, flip) if w >= 0)}):
            add(None, ordered + timedelta(days=v), ordered)
        return list(kinds.values())

    # -- pass 2 ------------------------------------------------------------------------------------------

    def amounts(self, example: Facts) -> Iterator[Facts]:
        """The example in every currency named, at prices around the thresholds, member or not, gift or
        not."""
        e = example
        for currency in sorted(self.currencies | {e.currency}):
            prices = self.prices.get(currency)
            if prices is None:
                prices = self.prices[currency] = self._prices(currency, selection=False)
            for price, member, gift in product(prices, (False, True), (False, True)):
                yield Facts(
                    e.country,
                    currency,
                    e.category,
                    price,
                    e.quantity,
                    e.ordered_at,
                    e.delivered_at,
                    e.requested_at,
                    e.condition,
                    e.reason,
                    gift,
                    member,
                    e.final_sale,
                    e.personalised,
                    e.tags,
                    e.seller,
                    e.payment_method,
                    e.segment,
                    e.stage,
                )


def _union(flips: dict[str, set[int]], fact: str) -> set[int]:
    return {v for name, values in flips.items() if name.split("#")[0] == fact for v in values}


def _around(day: tuple[int, int]) -> list[date]:
    first = date(2026, *day)
    return [first - timedelta(days=1), first, first + timedelta(days=1), date(2027, *day)]


def _next(after: date, day: tuple[int, int]) -> date:
    """The first date on or after ``after`` falling on ``day``."""
    candidate = date(after.year, *day)
    return candidate if candidate >= after else date(after.year + 1, *day)


# -- a fixed grid of typical cases (the templates' tests) ------------------------------------------------


def cases(regions: tuple[str, ...]) -> Iterator[Facts]:
    for region, category, condition, reason, days, final_sale, personalised in product(
        regions, CATEGORIES, sorted(CONDITIONS), sorted(REASONS), DAYS, (False, True), (False, True)
    ):
        yield Facts(
            country=COUNTRIES[region],
            currency=CURRENCIES[region],
            category=category,
            unit_price=Decimal("40.00"),
            quantity=1,
            ordered_at=DELIVERED - timedelta(days=3),
            delivered_at=DELIVERED,
            requested_at=DELIVERED + timedelta(days=days),
            condition=condition,
            reason=reason,
            final_sale=final_sale,
            personalised=personalised,
        )
