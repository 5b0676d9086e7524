"""Who repairs an item: the store's workshop, the marketplace seller who sold it, or a repair partner,
chosen by the store's rules of category, brand and seller.

A rule names what it matches (any of category, brand, seller; empty: any) and the repairer. The most
specific rule that matches wins (the one naming the most of the three), then the first written. Without a
matching rule an item sold by a marketplace seller goes to that seller, and any other to the store's
workshop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WORKSHOP = "workshop"
SELLER = "seller"
PARTNER = "partner"
KINDS = (WORKSHOP, SELLER, PARTNER)


@dataclass(frozen=True, slots=True)
class Item:
    category: str
    brand: str
    seller: str  # the marketplace seller's code; "" for the store's own stock
    own_stock: bool = True


@dataclass(frozen=True, slots=True)
class Rule:
    repairer: str  # the repairer's code
    category: str = ""
    brand: str = ""
    seller: str = ""

    @property
    def specificity(self) -> int:
        return sum(1 for part in (self.category, self.brand, self.seller) if part)

    def matches(self, item: Item) -> bool:
        return (
            (not self.category or self.category == item.category)
            and (not self.brand or self.brand.casefold() == item.brand.casefold())
            and (not self.seller or self.seller == item.seller)
        )


@dataclass(frozen=True, slots=True)
class Choice:
    kind: str  # workshop | seller | partner
    code: str  # the repairer's code, or the seller's for a seller-repairer
    rule: int  # the index of the rule that chose, -1 for the default


def choose(item: Item, rules: Sequence[Rule], partners: frozenset[str]) -> Choice:
    """The repairer of ``item`` under ``rules``; ``partners`` are the codes of the store's repair partners
    (any other code a rule names is the store's workshop of that name)."""
    best = -1
    for index, rule in enumerate(rules):
        if rule.matches(item) and (best < 0 or rule.specificity > rules[best].specificity):
            best = index
    if best >= 0:
        code = rules[best].repairer
        return Choice(PARTNER if code in partners else WORKSHOP, code, best)
    if item.seller and not item.own_stock:
        return Choice(SELLER, item.seller, -1)
    return Choice(WORKSHOP, WORKSHOP, -1)
