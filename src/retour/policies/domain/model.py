"""A policy document, validated: the rules as values, ready to be compiled.

Conditions are small tuples (see ``Condition``); everything else is frozen dataclasses. Nothing here
reads YAML or touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# A condition is one of:
#   ("all", (cond, ...))   ("any", (cond, ...))   ("not", cond)
#   ("in", fact, frozenset)          a text fact is one of the values
#   ("is", fact, bool)               a yes/no fact
#   ("range", fact, min | None, max | None)   a number or amount, bounds inclusive
#   ("between", fact, (month, day), (month, day))   a date's day of the year, inclusive, may wrap
#   ("tags", frozenset)              the line has at least one of these tags
Condition = tuple[Any, ...]
ALWAYS: Condition = ("all", ())


def gettext_noop(message: str) -> str:
    """Mark a message for extraction (xgettext knows this name); ``policies.services`` translates it.

    The domain does not import Django, so this stands in for ``django.utils.translation.gettext_noop``.
    """
    return message


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong (or worth a warning) in a policy document, with its line and field.

    ``message`` is English with ``%(name)s`` placeholders, marked for translation where it is written;
    ``policies.services`` translates it.
    """

    line: int
    field: str
    message: str
    params: tuple[tuple[str, object], ...] = ()

    def text(self) -> str:
        return self.message % dict(self.params) if self.params else self.message


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence for shoppers in English and French; ``{percent}``, ``{refund}``… are filled in."""

    en: str
    fr: str

    def get(self, language: str) -> str:
        return self.fr if language.startswith("fr") else self.en


@dataclass(frozen=True, slots=True)
class Outcome:
    eligible: bool
    code: str
    refund_percent: int = 0
    legal_basis: str | None = None
    resolutions: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()
    keep_item_max: dict[str, Decimal] | None = None  # returnless when the line total is at most this
    approval: str = "auto"
    photo_required: bool = False
    return_methods: tuple[str, ...] = ("label", "drop_off")
    explain: Text | None = None
    explain_keep: Text | None = None  # the explanation when the shopper keeps the item (returnless)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Lowers the refund percentage when it applies; the lowest of those that apply wins."""

    when: Condition
    refund_percent: int
    code: str | None = None
    explain: Text | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    then: Outcome
    adjust: tuple[Adjustment, ...] = ()


@dataclass(frozen=True, slots=True)
class Fee:
    name: str
    amounts: dict[str, Decimal]
    waived_when: Condition | None = None


@dataclass(frozen=True, slots=True)
class Extension:
    """Seasonal extension: delivered between two days of the year, returnable until a later day."""

    delivered_from: tuple[int, int]
    delivered_to: tuple[int, int]
    until: tuple[int, int]  # the first such day on or after the delivery


@dataclass(frozen=True, slots=True)
class ReturnWindow:
    days: int
    extensions: tuple[Extension, ...] = ()


@dataclass(frozen=True, slots=True)
class Override:
    """Replaces the resolutions offered on an eligible decision (first that applies)."""

    when: Condition
    resolutions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    title: Text
    rules: tuple[Rule, ...]
    fees: dict[str, Fee] = field(default_factory=dict)
    return_window: ReturnWindow = ReturnWindow(days=30)
    store_credit_bonus_percent: int = 0
    resolution_overrides: tuple[Override, ...] = ()
    fallback: Text | None = None  # the explanation when no rule applies
    # The store's own legal guarantee periods, (country, category or "*", days): law.Periods.
    legal_guarantee: tuple[tuple[str, str, int], ...] = ()
    warnings: tuple[Problem, ...] = ()  # what the load found worth saying, though not wrong

    @property
    def currencies(self) -> frozenset[str]:
        """Currencies the policy can price: those every fee table names (all when it has none)."""
        tables = [frozenset(fee.amounts) for fee in self.fees.values()]
        return frozenset.intersection(*tables) if tables else frozenset()
