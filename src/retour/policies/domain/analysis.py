"""Whether conditions can hold, and whether one covers another, over the facts' finite vocabularies.

A condition becomes a union of *boxes* (disjunctive normal form). A box gives each fact it constrains a
domain and leaves the others free:

- a closed vocabulary (condition, reason, stage) or a yes/no fact: the set of values allowed;
- an open vocabulary (category, country, currency, seller, payment method, segment): the words allowed,
  or every word but some;
- a number or an amount: an interval, each bound open or closed;
- a day of the year (requested, delivered, ordered on): the days allowed, as the bits of an int;
- a tag: a yes/no fact of its own ("the line has this tag").

``region`` and ``seller_fault`` are written as what they mean (countries, reasons); a count of days since
delivery or past the return-by date, or a delivery day, means the item was delivered; the days past the
return-by date follow the days since delivery within the bounds the return window allows. A box is empty
when one of its domains is: no case meets it. Everything here is exact or errs towards "may hold", so
"cannot hold" is always right; a condition too large to expand raises ``TooComplex``, which callers take
as "may hold" (a warning, never a refusal).

Used at load (impossible conditions, unreachable rules and adjustments) and by the legal floor (the rules
under which a policy provably gives at least what the floor does, so that the floor is not asked).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from retour.policies.domain.model import ALWAYS, Condition, Policy, ReturnWindow, gettext_noop
from retour.policies.domain.vocabulary import (
    CONDITIONS,
    EU_EEA,
    REASONS,
    SELLER_FAULT_REASONS,
    STAGES,
    WITHDRAWAL_BASES,
)

MAX_BOXES = 4_000
Box = dict[str, Any]
TOP: Box = {}

_BOOL = frozenset({True, False})
_CLOSED: dict[str, frozenset[Any]] = {
    "condition": CONDITIONS,
    "reason": REASONS,
    "stage": STAGES,
    "delivered": _BOOL,
    "is_gift": _BOOL,
    "member": _BOOL,
    "final_sale": _BOOL,
    "personalised": _BOOL,
}
_OPEN = frozenset(
    {"category", "country", "currency", "seller", "payment_method", "segment", "customer_segment"}
)
_INTEGERS = frozenset(
    {
        "days_since_delivery",
        "days_since_order",
        "days_past_return_by",
        "quantity",
        "returns_last_365d",
        "orders_365d",
    }
)
_AMOUNTS = frozenset({"unit_price", "line_total", "net_spend_365d", "return_rate_365d"})
_DAYS = frozenset({"requested_on", "delivered_on", "ordered_on"})
_NEED_DELIVERY = frozenset({"days_since_delivery", "days_past_return_by", "delivered_on"})
_GB = frozenset({"GB"})
_REGION_COUNTRIES = {"eu": EU_EEA, "gb": _GB}
# Every day of a leap year, in order: a day's bit is its place here.
_CALENDAR = tuple((day.month, day.day) for day in (date(2024, 1, 1) + timedelta(days=n) for n in range(366)))
_ALL_DAYS = (1 << len(_CALENDAR)) - 1
_NO_BOUND = (None, False, None, False)
# Bounds every case has: a quantity is at least 1, an amount is never negative.
_NATURAL = {
    "quantity": (1, False, None, False),
    "unit_price": (Decimal(0), False, None, False),
    "line_total": (Decimal(0), False, None, False),
    "returns_last_365d": (0, False, None, False),
    "orders_365d": (0, False, None, False),
    "return_rate_365d": (Decimal(0), False, None, False),
}


class TooComplex(Exception):
    """A condition expands to more than ``MAX_BOXES`` boxes: it is not analysed."""


def _base(fact: str) -> str:
    """``days_past_return_by#floor`` (the floor's own count) is a ``days_past_return_by``."""
    return fact.split("#", 1)[0]


# -- domains -----------------------------------------------------------------------------------------


def _meet(fact: str, a: Any, b: Any) -> Any:
    """The values both domains allow, or None when there are none."""
    base = _base(fact)
    if base in _OPEN:
        (ka, sa), (kb, sb) = a, b
        if ka == "in" and kb == "in":
            values = sa & sb
        elif ka == "in":
            values = sa - sb
        elif kb == "in":
            values = sb - sa
        else:
            return ("out", sa | sb)
        return ("in", values) if values else None
    if base in _INTEGERS or base in _AMOUNTS:
        return _interval_meet(a, b, base in _INTEGERS)
    if base in _DAYS:
        return (a & b) or None
    return (a & b) or None  # a set of values


def _interval_meet(a: Any, b: Any, integer: bool) -> Any:
    lo, lo_open = a[0], a[1]
    if b[0] is not None and (lo is None or b[0] > lo or (b[0] == lo and b[1])):
        lo, lo_open = b[0], b[1]
    hi, hi_open = a[2], a[3]
    if b[2] is not None and (hi is None or b[2] < hi or (b[2] == hi and b[3])):
        hi, hi_open = b[2], b[3]
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        return None
    return (lo, lo_open, hi, hi_open)


def _complements(fact: str, domain: Any) -> list[Any]:
    """The domains that together allow exactly what ``domain`` does not."""
    base = _base(fact)
    if base in _OPEN:
        kind, values = domain
        return [("out" if kind == "in" else "in", values)] if (kind == "in" or values) else []
    if base in _INTEGERS or base in _AMOUNTS:
        lo, lo_open, hi, hi_open = domain
        pieces = []
        if lo is not None:
            pieces.append(_interval(base, None, False, lo, not lo_open))
        if hi is not None:
            pieces.append(_interval(base, hi, not hi_open, None, False))
        return [piece for piece in pieces if piece is not None]
    if base in _DAYS:
        rest = _ALL_DAYS ^ domain
        return [rest] if rest else []
    rest = _universe(fact) - domain
    return [rest] if rest else []


def _interval(base: str, lo: Any, lo_open: bool, hi: Any, hi_open: bool) -> Any:
    """An interval, open bounds of whole numbers made closed, within the fact's natural bounds."""
    if base in _INTEGERS:
        if lo is not None and lo_open:
            lo, lo_open = lo + 1, False
        if hi is not None and hi_open:
            hi, hi_open = hi - 1, False
    return _interval_meet((lo, lo_open, hi, hi_open), _NATURAL.get(base, _NO_BOUND), base in _INTEGERS)


def _universe(fact: str) -> frozenset[Any]:
    return _BOOL if fact.startswith("tag:") else _CLOSED[fact]


def _within(fact: str, small: Any, big: Any) -> bool:
    """Every value ``small`` allows, ``big`` allows."""
    return bool(_meet(fact, small, big) == small)


# -- boxes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """How far the return-by date lies after delivery, per count of days past it (one per policy)."""

    spans: dict[str, tuple[int, int]]

    def span(self, fact: str) -> tuple[int, int | None]:
        """The fewest and most days from delivery to the return-by date (a return-by date is never
        before the delivery; None: no known bound)."""
        return self.spans.get(fact, (0, None))

    @classmethod
    def of(cls, **windows: ReturnWindow) -> Windows:
        """``of(days_past_return_by=policy.return_window, ...)``; an extension's day is within a year."""
        return cls(
            {fact: (w.days, max(w.days, 365) if w.extensions else w.days) for fact, w in windows.items()}
        )


_NO_WINDOWS = Windows({})


def _normal(box: Box, windows: Windows) -> Box | None:
    """The box with what its facts imply (delivered, natural bounds, return window), or None if empty."""
    if any(_base(fact) in _NEED_DELIVERY for fact in box):
        allowed = box.get("delivered", _BOOL) & {True}
        if not allowed:
            return None
        box = {**box, "delivered": frozenset(allowed)}
    dsd = box.get("days_since_delivery")
    counts = [fact for fact in box if _base(fact) == "days_past_return_by"]
    if counts:
        # days past return-by = days since delivery - span, span within [shortest, longest].
        dsd = dsd or _NO_BOUND
        for fact in counts:
            shortest, longest = windows.span(fact)
            lo, _o, hi, _h = box[fact]
            implied = (
                None if lo is None else lo + shortest,
                False,
                None if hi is None or longest is None else hi + longest,
                False,
            )
            dsd = _interval_meet(dsd, implied, True)
            if dsd is None:
                return None
        box = {**box, "days_since_delivery": dsd}
        for fact in counts:
            shortest, longest = windows.span(fact)
            lo, _o, hi, _h = dsd
            implied = (
                None if lo is None or longest is None else lo - longest,
                False,
                None if hi is None else hi - shortest,
                False,
            )
            count = _interval_meet(box[fact], implied, True)
            if count is None:
                return None
            box[fact] = count
    return box


def _meet_boxes(a: Box, b: Box, windows: Windows) -> Box | None:
    if len(a) < len(b):
        a, b = b, a
    result = dict(a)
    for fact, domain in b.items():
        mine = result.get(fact)
        if mine is None:
            result[fact] = domain
        else:
            both = _meet(fact, mine, domain)
            if both is None:
                return None
            result[fact] = both
    return _normal(result, windows)


def _covers(big: Box, small: Box) -> bool:
    return all(fact in small and _within(fact, small[fact], domain) for fact, domain in big.items())


def _key(box: Box) -> frozenset[tuple[str, Any]]:
    return frozenset(box.items())


def _simplified(boxes: list[Box]) -> list[Box]:
    """Without repeats, and (while the list is small) without boxes inside another."""
    unique = list({_key(box): box for box in boxes}.values())
    if len(unique) > 64:
        return unique
    return [
        box
        for i, box in enumerate(unique)
        if not any(
            j != i and _covers(other, box) and (not _covers(box, other) or j < i)
            for j, other in enumerate(unique)
        )
    ]


def conj(a: Sequence[Box], b: Sequence[Box], windows: Windows = _NO_WINDOWS) -> list[Box]:
    """The cases both unions of boxes allow."""
    out = []
    for x in a:
        for y in b:
            both = _meet_boxes(x, y, windows)
            if both is not None:
                out.append(both)
                if len(out) > MAX_BOXES:
                    raise TooComplex
    return _simplified(out)


def meets(a: Sequence[Box], b: Sequence[Box], windows: Windows = _NO_WINDOWS) -> bool:
    """Some case both unions allow."""
    return any(_meet_boxes(x, y, windows) is not None for x in a for y in b)


def neg(boxes: Sequence[Box], windows: Windows = _NO_WINDOWS) -> list[Box]:
    """The cases the union of boxes does not allow."""
    result: list[Box] = [TOP]
    for box in boxes:
        pieces = [
            normal
            for fact, domain in box.items()
            for piece in _complements(fact, domain)
            if (normal := _normal({fact: piece}, windows)) is not None
        ]
        result = conj(result, pieces, windows)
        if not result:
            return []
    return result


def dnf(cond: Condition, windows: Windows = _NO_WINDOWS, space: str = "") -> list[Box]:
    """``cond`` as a union of boxes; ``space`` names the policy's own count of days past return-by."""
    kind = cond[0]
    if kind == "all":
        result: list[Box] = [TOP]
        for part in cond[1]:
            result = conj(result, dnf(part, windows, space), windows)
            if not result:
                return []
        return result
    if kind == "any":
        union = [box for part in cond[1] for box in dnf(part, windows, space)]
        if len(union) > MAX_BOXES:
            raise TooComplex
        return _simplified(union)
    if kind == "not":
        return neg(dnf(cond[1], windows, space), windows)
    if kind == "tags":
        return [{f"tag:{tag}": frozenset({True})} for tag in sorted(cond[1])]
    box = _atom(cond, space)
    normal = _normal(box, windows) if box is not None else None
    return [normal] if normal is not None else []


def _atom(cond: Condition, space: str) -> Box | None:
    kind, fact = cond[0], cond[1]
    if kind == "in":
        values = frozenset(cond[2])
        if fact == "region":
            if "other" in values:
                excluded = frozenset().union(*(c for r, c in _REGION_COUNTRIES.items() if r not in values))
                return {"country": ("out", excluded)}
            return {"country": ("in", frozenset().union(*(_REGION_COUNTRIES[r] for r in values)))}
        if fact in _OPEN:
            return {fact: ("in", values)} if values else None
        allowed = values & _CLOSED[fact]
        return {fact: allowed} if allowed else None
    if kind == "is":
        if fact == "seller_fault":
            return {"reason": SELLER_FAULT_REASONS if cond[2] else REASONS - SELLER_FAULT_REASONS}
        return {fact: frozenset({cond[2]})}
    if kind == "range":
        name = f"{fact}{space}" if fact == "days_past_return_by" else fact
        interval = _interval(fact, cond[2], False, cond[3], False)
        return {name: interval} if interval is not None else None
    if kind == "between":
        start, end = cond[2], cond[3]
        mask = 0
        for bit, day in enumerate(_CALENDAR):
            if (start <= day <= end) if start <= end else (day >= start or day <= end):
                mask |= 1 << bit
        return {fact: mask} if mask else None
    raise ValueError(f"unknown condition {kind!r}")


# -- checking a policy at load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """What the check found at ``path`` (e.g. ``rules[3].when``); an error refuses the document."""

    path: str
    message: str
    params: tuple[tuple[str, object], ...] = ()
    error: bool = True


def check(policy: Policy) -> list[Note]:
    """Impossible conditions, unreachable rules, adjustments and overrides, cases no rule decides."""
    windows = Windows.of(days_past_return_by=policy.return_window)
    notes: list[Note] = []
    remaining: list[Box] | None = [TOP]  # the cases no earlier rule decides; None: not known
    for index, rule in enumerate(policy.rules):
        path = f"rules[{index}].when" if rule.when != ALWAYS else f"rules[{index}]"
        try:
            own = dnf(rule.when, windows)
        except TooComplex:
            notes.append(
                Note(
                    path, gettext_noop("this condition is too large to check for contradictions"), error=False
                )
            )
            remaining = None
            continue
        if not own:
            notes.append(Note(path, gettext_noop("impossible: no case can meet this condition")))
            continue
        reach = own
        if remaining is not None:
            try:
                reach = conj(remaining, own, windows)
                if not reach:
                    notes.append(_unreachable(policy, index, own, windows, path))
                    continue
                remaining = conj(remaining, neg(own, windows), windows)
            except TooComplex:
                notes.append(
                    Note(
                        path,
                        gettext_noop("this rule is too large to check against the rules before it"),
                        error=False,
                    )
                )
                remaining = None
        notes.extend(_adjustments(policy, index, reach, windows))
    if remaining and policy.fallback is None:
        notes.append(
            Note(
                "rules",
                gettext_noop(
                    "some cases match no rule: they are refused with the code no_rule; end with a rule "
                    "without a condition, or give a fallback explanation"
                ),
                error=False,
            )
        )
    notes.extend(_waivers(policy, windows))
    notes.extend(_overrides(policy, windows))
    return notes


def _unreachable(policy: Policy, index: int, own: list[Box], windows: Windows, path: str) -> Note:
    rule = policy.rules[index]
    earlier = policy.rules[:index]
    for other in earlier:
        if other.when == rule.when:
            if other.then == rule.then and other.adjust == rule.adjust:
                return Note(
                    path,
                    gettext_noop("rule %(id)s, earlier, is the same rule: this one is never used"),
                    (("id", other.id),),
                )
            return Note(
                path,
                gettext_noop(
                    "contradictory: rule %(id)s, earlier, has the same condition and another outcome; "
                    "this rule is never used"
                ),
                (("id", other.id),),
            )
    for other in earlier:
        try:
            if not conj(own, neg(dnf(other.when, windows), windows), windows):
                return Note(
                    path,
                    gettext_noop(
                        "unreachable: rule %(id)s, earlier, already decides every case this rule covers"
                    ),
                    (("id", other.id),),
                )
        except TooComplex:
            continue
    overlapping = [other.id for other in earlier if _may_meet(own, other.when, windows)]
    return Note(
        path,
        gettext_noop("unreachable: the earlier rules %(ids)s already decide every case this rule covers"),
        (("ids", ", ".join(overlapping)),),
    )


def _may_meet(own: list[Box], cond: Condition, windows: Windows) -> bool:
    try:
        return meets(own, dnf(cond, windows), windows)
    except TooComplex:
        return True


def _adjustments(policy: Policy, index: int, reach: list[Box], windows: Windows) -> Iterator[Note]:
    for j, adjustment in enumerate(policy.rules[index].adjust):
        path = f"rules[{index}].adjust[{j}].when"
        try:
            own = dnf(adjustment.when, windows)
            if not own:
                yield Note(path, gettext_noop("impossible: no case can meet this condition"))
            elif not meets(reach, own, windows):
                yield Note(
                    path,
                    gettext_noop(
                        "this adjustment never applies: no case its rule decides meets its condition"
                    ),
                )
        except TooComplex:
            yield Note(
                path, gettext_noop("this condition is too large to check for contradictions"), error=False
            )


def _waivers(policy: Policy, windows: Windows) -> Iterator[Note]:
    for name, fee in policy.fees.items():
        if fee.waived_when is None:
            continue
        try:
            if not dnf(fee.waived_when, windows):
                yield Note(
                    f"fees.{name}.waived_when", gettext_noop("impossible: no case can meet this condition")
                )
        except TooComplex:
            yield Note(
                f"fees.{name}.waived_when",
                gettext_noop("this condition is too large to check for contradictions"),
                error=False,
            )


def _overrides(policy: Policy, windows: Windows) -> Iterator[Note]:
    remaining: list[Box] | None = [TOP]
    for k, override in enumerate(policy.resolution_overrides):
        path = f"resolution_overrides[{k}].when"
        try:
            own = dnf(override.when, windows)
            if not own:
                yield Note(path, gettext_noop("impossible: no case can meet this condition"))
                continue
            if remaining is not None:
                if not meets(remaining, own, windows):
                    yield Note(
                        path,
                        gettext_noop(
                            "unreachable: the overrides before it already apply to every case it covers"
                        ),
                    )
                    continue
                remaining = conj(remaining, neg(own, windows), windows)
        except TooComplex:
            remaining = None
            yield Note(
                path, gettext_noop("this condition is too large to check for contradictions"), error=False
            )


# -- where the legal floor may step in ----------------------------------------------------------------------

FLOOR = "#floor"


@dataclass(frozen=True)
class Path:
    """The cases where rule ``rule`` decides with adjustment ``adjusted`` setting the percentage (-1: none).

    ``rule`` is -1 for the cases no rule decides.
    """

    rule: int
    adjusted: int
    eligible: bool
    percent: int
    charges: bool  # the rule names a fee
    legal_basis: str | None
    boxes: list[Box]


def paths(policy: Policy, windows: Windows, space: str = "") -> Iterator[Path]:
    """Every way the policy can decide, with the cases that lead there."""
    remaining: list[Box] = [TOP]
    for index, rule in enumerate(policy.rules):
        own = dnf(rule.when, windows, space)
        reach = conj(remaining, own, windows)
        remaining = conj(remaining, neg(own, windows), windows)
        if not reach:
            continue
        outcome = rule.then
        adjusts = [dnf(adjustment.when, windows, space) for adjustment in rule.adjust]
        base = outcome.refund_percent
        unadjusted = reach
        for j, adjustment in enumerate(rule.adjust):
            if adjustment.refund_percent < base:
                unadjusted = conj(unadjusted, neg(adjusts[j], windows), windows)
        yield Path(index, -1, outcome.eligible, base, bool(outcome.fees), outcome.legal_basis, unadjusted)
        for j, adjustment in enumerate(rule.adjust):
            percent = adjustment.refund_percent
            if percent >= base:
                continue  # never sets the percentage
            cases = conj(reach, adjusts[j], windows)
            for k, other in enumerate(rule.adjust):
                if k != j and (other.refund_percent < percent or (k < j and other.refund_percent == percent)):
                    cases = conj(cases, neg(adjusts[k], windows), windows)
            if cases:
                yield Path(
                    index, j, outcome.eligible, percent, bool(outcome.fees), outcome.legal_basis, cases
                )
    if remaining:
        yield Path(-1, -1, False, 0, False, None, remaining)


def floor_needed(policy: Policy, floor: Policy) -> dict[tuple[int, int], bool] | None:
    """For each (rule, adjustment) path of ``policy``: may the floor give an EU/EEA or UK shopper more?

    The floor steps in when it is eligible on a legal basis and the policy is not eligible, or gives a
    lower percentage, or (under the legal guarantee, which is free of charge) names a fee. A path missing
    from the result cannot happen; None when the policies are too large to analyse (ask the floor always).
    """
    windows = Windows.of(
        days_past_return_by=policy.return_window, **{f"days_past_return_by{FLOOR}": floor.return_window}
    )
    law = [{"country": ("in", EU_EEA | _GB)}]
    try:
        generous = [path for path in paths(floor, windows, FLOOR) if path.eligible and path.legal_basis]
        result = {}
        for mine in paths(policy, windows):
            cases = conj(mine.boxes, law, windows)
            result[mine.rule, mine.adjusted] = any(
                (
                    not mine.eligible
                    or theirs.percent > mine.percent
                    or (theirs.legal_basis == "legal_guarantee" and mine.charges)
                    # the right of withdrawal exists whatever the policy's wording: the floor names it
                    or (theirs.legal_basis in WITHDRAWAL_BASES and mine.legal_basis != theirs.legal_basis)
                )
                and meets(cases, theirs.boxes, windows)
                for theirs in generous
            )
        return result
    except TooComplex:
        return None
