"""Which of a store's return addresses a return goes to: the first rule, by priority, that matches.

A rule names what it is for (a seller, shoppers' countries, product categories); a criterion left empty
matches anything. A seller's own address serves that seller's marketplace items; a warehouse can take a
region or a kind of goods. No rule matches: the store's own return address.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AddressRule:
    address_id: int
    priority: int = 100  # lower first
    seller: str = ""  # a seller's code
    countries: frozenset[str] = field(default_factory=frozenset)  # the shopper's, ISO alpha-2
    categories: frozenset[str] = field(default_factory=frozenset)  # product category slugs


@dataclass(frozen=True)
class ReturnFacts:
    country: str
    sellers: frozenset[str]
    categories: frozenset[str]


def matches(rule: AddressRule, facts: ReturnFacts) -> bool:
    """Every criterion the rule sets holds: its seller sells every item, the shopper's country is one of
    its countries, and some item is of one of its categories."""
    if rule.seller and facts.sellers != {rule.seller}:
        return False
    if rule.countries and facts.country.upper() not in rule.countries:
        return False
    return not rule.categories or bool(rule.categories & facts.categories)


def choose(rules: Sequence[AddressRule], facts: ReturnFacts) -> int | None:
    """The id of the address of the first matching rule (by priority, then id), or None."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.address_id)):
        if matches(rule, facts):
            return rule.address_id
    return None


def codes(text: str, *, upper: bool = False) -> frozenset[str]:
    """A comma-separated list as a set ("FR, be" -> {"FR", "BE"} with ``upper``)."""
    parts: Iterable[str] = (part.strip() for part in text.split(","))
    return frozenset(part.upper() if upper else part for part in parts if part)
