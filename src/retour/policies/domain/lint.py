"""Compare two policies over a grid of typical cases: where does one promise less than the other?

Used to warn when a policy promises EU/EEA or UK shoppers less than the law, and to refuse a marketplace
seller's policy that is less generous than the store's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import product
from typing import Any

from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.vocabulary import CONDITIONS, REASONS

CATEGORIES = ("apparel", "books", "media", "software", "beauty", "grocery", "gift_cards", "digital")
COUNTRIES = {"eu": "FR", "gb": "GB", "other": "US"}
CURRENCIES = {"eu": "EUR", "gb": "GBP", "other": "USD"}
DAYS = (0, 1, 7, 14, 15, 29, 30, 31, 45, 59, 60, 61, 89, 90, 91, 180, 365, 729, 730, 731)
DELIVERED = date(2026, 3, 2)  # a Monday outside every seasonal extension


@dataclass(frozen=True)
class Finding:
    facts: Facts
    ours: Decision
    theirs: Decision

    def as_dict(self) -> dict[str, Any]:
        f = self.facts
        return {
            "country": f.country,
            "category": f.category,
            "condition": f.condition,
            "reason": f.reason,
            "days_since_delivery": f.days_since_delivery,
            "final_sale": f.final_sale,
            "personalised": f.personalised,
            "policy": {
                "eligible": self.ours.eligible,
                "code": self.ours.code,
                "percent": self.ours.refund_percent,
            },
            "reference": {
                "eligible": self.theirs.eligible,
                "code": self.theirs.code,
                "percent": self.theirs.refund_percent,
            },
        }


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


def compare(
    ours: CompiledPolicy, reference: CompiledPolicy, *, regions: tuple[str, ...], legal_only: bool = False
) -> list[Finding]:
    """Cases where ``ours`` is strictly less generous than ``reference``, one per distinct shortfall."""
    findings: dict[tuple[str, str, str], Finding] = {}
    for facts in cases(regions):
        if facts.currency not in ours.policy.currencies and ours.policy.fees:
            continue
        theirs = reference.decide(facts)
        if legal_only and not (theirs.eligible and theirs.legal_basis):
            continue
        mine = ours.decide(facts)
        if mine.generosity < theirs.generosity:
            key = (facts.country, mine.trace[0], theirs.code)
            findings.setdefault(key, Finding(facts, mine, theirs))
    return list(findings.values())
