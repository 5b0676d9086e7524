"""Named segments as rules a store edits: each rule names a segment and bounds some figures; a customer is
in the first segment whose every bound holds (the rules are read in order), or in none.

A rule is written as ``{"name": "vip", "label_en": "VIP", "label_fr": "VIP", "when": {"net_spend_365d":
{"min": "1000"}, "return_rate_365d": {"max": "20"}}}``. ``parse`` reports every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from retour.segments.domain.history import Figures

# The figures a rule may bound (``Figures.value``), each with what it means for the documentation.
FIELDS = {
    "orders_total": "orders ever placed",
    "orders_365d": "orders placed in the last 365 days",
    "returns_last_365d": "return requests in the last 365 days",
    "return_rate_365d": "units asked back per 100 units ordered, last 365 days",
    "return_value_rate_365d": "value asked back per 100 of value ordered, last 365 days",
    "net_spend_365d": "what the last 365 days' orders cost, less what was asked back",
    "recency_days": "days since the last order",
    "tenure_days": "days since the first order",
}


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; the caller translates it (the domain imports no Django)."""
    return message


_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, slots=True)
class Bound:
    field: str
    low: Decimal | None
    high: Decimal | None

    def holds(self, value: Decimal | None) -> bool:
        if value is None:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class SegmentRule:
    name: str
    label_en: str
    label_fr: str
    bounds: tuple[Bound, ...]

    def matches(self, figures: Figures) -> bool:
        return all(bound.holds(figures.value(bound.field)) for bound in self.bounds)

    def label(self, language: str) -> str:
        return self.label_fr if language.startswith("fr") else self.label_en

    def as_json(self) -> dict[str, Any]:
        when = {
            bound.field: {
                key: str(value)
                for key, value in (("min", bound.low), ("max", bound.high))
                if value is not None
            }
            for bound in self.bounds
        }
        return {"name": self.name, "label_en": self.label_en, "label_fr": self.label_fr, "when": when}


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem in the rules: where (``rules[2].when.orders_365d.min``), and an English message with
    ``%(name)s`` placeholders that the caller translates."""

    where: str
    message: str
    values: tuple[tuple[str, str], ...] = ()


class RulesInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.where}: {p.message % dict(p.values)}" for p in problems))
        self.problems = problems


def _bound(where: str, field: str, spec: Any, problems: list[Problem]) -> Bound | None:
    if field not in FIELDS:
        problems.append(Problem(where, gettext_noop("unknown figure %(name)s"), (("name", field),)))
        return None
    if not isinstance(spec, dict) or not spec or set(spec) - {"min", "max"}:
        problems.append(Problem(where, gettext_noop("give min, max or both")))
        return None
    values: dict[str, Decimal | None] = {"min": None, "max": None}
    for key, raw in spec.items():
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or isinstance(raw, bool):
            problems.append(
                Problem(
                    f"{where}.{key}", gettext_noop("expected a number, not %(value)s"), (("value", str(raw)),)
                )
            )
            return None
        values[key] = number
    low, high = values["min"], values["max"]
    if low is not None and high is not None and low > high:
        problems.append(
            Problem(
                where,
                gettext_noop("min %(low)s is above max %(high)s"),
                (("low", str(low)), ("high", str(high))),
            )
        )
        return None
    return Bound(field, low, high)


def parse(data: Any) -> list[SegmentRule]:
    """The rules of ``data`` (a list of rule objects, as stored); ``RulesInvalid`` lists every problem."""
    problems: list[Problem] = []
    if not isinstance(data, list):
        raise RulesInvalid([Problem("rules", gettext_noop("expected a list of rules"))])
    rules: list[SegmentRule] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        where = f"rules[{index}]"
        if not isinstance(item, dict) or set(item) - {"name", "label_en", "label_fr", "when"}:
            problems.append(Problem(where, gettext_noop("expected name, label_en, label_fr and when")))
            continue
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(
                Problem(
                    f"{where}.name", gettext_noop("a name is lowercase letters, digits and _ (vip, at_risk)")
                )
            )
            continue
        if name in seen:
            problems.append(
                Problem(
                    f"{where}.name", gettext_noop("the segment %(name)s is named twice"), (("name", name),)
                )
            )
        seen.add(name)
        when = item.get("when", {})
        if not isinstance(when, dict) or not when:
            problems.append(Problem(f"{where}.when", gettext_noop("give at least one figure to bound")))
            continue
        bounds = [_bound(f"{where}.when.{field}", field, spec, problems) for field, spec in when.items()]
        labels = [
            str(item.get("label_en") or name),
            str(item.get("label_fr") or item.get("label_en") or name),
        ]
        rules.append(
            SegmentRule(name, labels[0][:64], labels[1][:64], tuple(b for b in bounds if b is not None))
        )
    if problems:
        raise RulesInvalid(problems)
    return rules


def segment_of(rules: list[SegmentRule], figures: Figures) -> str:
    """The name of the first rule the figures meet, or "" when none does."""
    return next((rule.name for rule in rules if rule.matches(figures)), "")


# The defaults, in the order they are tried: a serial returner is one whatever they spend; a VIP spends a
# lot and keeps what they buy; the loyal come back; a new customer ordered for the first time lately; at
# risk: a customer who bought more than once has not come back for six months.
DEFAULT_RULES_DATA: list[dict[str, Any]] = [
    {
        "name": "serial_returner",
        "label_en": "serial returner",
        "label_fr": "retourneur en série",
        "when": {"returns_last_365d": {"min": "4"}, "return_rate_365d": {"min": "50"}},
    },
    {
        "name": "vip",
        "label_en": "VIP",
        "label_fr": "VIP",
        "when": {"net_spend_365d": {"min": "1000"}, "return_rate_365d": {"max": "30"}},
    },
    {
        "name": "loyal",
        "label_en": "loyal",
        "label_fr": "fidèle",
        "when": {"orders_365d": {"min": "3"}, "return_rate_365d": {"max": "40"}},
    },
    {"name": "new", "label_en": "new", "label_fr": "nouveau", "when": {"tenure_days": {"max": "90"}}},
    {
        "name": "at_risk",
        "label_en": "at risk",
        "label_fr": "à risque",
        "when": {"orders_total": {"min": "2"}, "recency_days": {"min": "180"}},
    },
]
DEFAULT_RULES = parse(DEFAULT_RULES_DATA)
