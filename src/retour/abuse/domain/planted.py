"""A labelled history with abuse planted in it, from a seed, to measure the scoring (docs/abuse.md).

Honest shoppers carry the noise real ones do (a large family at one address, a parcel really lost twice, a
dress returned late, a scale that misread), at the rates written below; abusive ones follow one of five
patterns, each showing some but not always all of its signals. ``evaluate`` scores every shopper's
return with ``signals.assess`` and reports precision and recall at the review threshold, and the share
of honest shoppers sent to review.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from retour.abuse.domain.signals import Evidence, assess

ABUSE_SHARE = 0.08
PATTERNS = ("wardrober", "empty_box", "not_received", "multi_account", "accessories")


@dataclass(frozen=True, slots=True)
class Planted:
    evidence: Evidence
    abusive: bool
    pattern: str  # "honest" or one of PATTERNS


def _rate(r: random.Random, low: int, high: int) -> Decimal:
    return Decimal(r.randint(low * 10, high * 10)) / 10


def _weights(r: random.Random, grams: int, empty: bool) -> tuple[int, int]:
    """Shipped and received weights; a real parcel arrives within a few percent of what was shipped."""
    received = r.randint(40, grams // 3) if empty else int(grams * r.uniform(0.93, 1.04))
    return grams, received


def _honest(r: random.Random) -> Evidence:
    heavy = r.random() < 0.10  # people who order two sizes and keep one
    returns = r.randint(5, 12) if heavy else r.choice((0, 0, 0, 1, 1, 2, 3))
    rate = _rate(r, 35, 75) if heavy else _rate(r, 0, 40)
    linked = r.random() < 0.06  # a household sharing an address or a card
    grams = r.randint(300, 3000)
    shipped, received = _weights(r, grams, empty=r.random() < 0.004)  # a misread scale, a split parcel
    return Evidence(
        returns_365d=returns,
        return_rate_365d=rate,
        worn_once_lines=int(r.random() < 0.05),
        days_left_in_window=r.randint(0, 30),
        high_value_incomplete=int(r.random() < 0.01),
        inr_claims_365d=2 if r.random() < 0.006 else int(r.random() < 0.05),
        linked_accounts=r.randint(1, 2) if linked else 0,
        linked_by=(r.choice(("address", "card")),) if linked else (),
        shipped_weight_grams=shipped if r.random() < 0.7 else None,
        received_weight_grams=received,
        refund_before_shipping=r.random() < 0.05,
    )


def _abusive(r: random.Random, pattern: str) -> Evidence:
    base = _honest(r)
    grams = r.randint(300, 3000)
    values: dict[str, Any] = {}
    if pattern == "wardrober":
        values = {
            "worn_once_lines": r.randint(1, 3),
            "days_left_in_window": r.randint(0, 3),
            "returns_365d": r.randint(4, 15),
            "return_rate_365d": _rate(r, 50, 95),
        }
    elif pattern == "empty_box":
        shipped, received = _weights(r, grams, empty=r.random() < 0.9)
        values = {
            "shipped_weight_grams": shipped,
            "received_weight_grams": received,
            "refund_before_shipping": r.random() < 0.5,
        }
    elif pattern == "not_received":
        linked = r.random() < 0.7
        values = {
            "inr_claims_365d": r.randint(2, 5),
            "linked_accounts": r.randint(1, 4) if linked else 0,
            "linked_by": tuple(r.sample(("email", "address", "card", "device"), 2)) if linked else (),
        }
    elif pattern == "multi_account":
        values = {
            "linked_accounts": r.randint(2, 5),
            "linked_by": tuple(r.sample(("email", "address", "card", "device"), r.randint(1, 3))),
            "returns_365d": r.randint(3, 10) if r.random() < 0.6 else base.returns_365d,
            "return_rate_365d": _rate(r, 60, 95) if r.random() < 0.6 else base.return_rate_365d,
            "refund_before_shipping": r.random() < 0.5,
        }
    elif pattern == "accessories":
        values = {
            "high_value_incomplete": r.randint(1, 2),
            "refund_before_shipping": r.random() < 0.5,
            "returns_365d": r.randint(5, 10) if r.random() < 0.4 else base.returns_365d,
            "return_rate_365d": _rate(r, 60, 90) if r.random() < 0.4 else base.return_rate_365d,
        }
    fields = {name: getattr(base, name) for name in Evidence.__slots__}
    fields.update(values)
    return Evidence(**fields)


def plant(seed: int, shoppers: int = 2000) -> list[Planted]:
    """``shoppers`` returns, one per shopper, ``ABUSE_SHARE`` of them abusive; one seed, one list."""
    r = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    planted = []
    for _ in range(shoppers):
        if r.random() < ABUSE_SHARE:
            pattern = r.choice(PATTERNS)
            planted.append(Planted(_abusive(r, pattern), True, pattern))
        else:
            planted.append(Planted(_honest(r), False, "honest"))
    return planted


def evaluate(planted: list[Planted], weights: dict[str, int] | None = None) -> dict[str, float]:
    """Precision and recall of "sent to review" against the planted labels, and the honest review rate."""
    flagged_abusive = flagged_honest = abusive = honest = 0
    for case in planted:
        review = assess(case.evidence, weights).review
        if case.abusive:
            abusive += 1
            flagged_abusive += int(review)
        else:
            honest += 1
            flagged_honest += int(review)
    flagged = flagged_abusive + flagged_honest
    return {
        "precision": round(flagged_abusive / flagged, 3) if flagged else 0.0,
        "recall": round(flagged_abusive / abusive, 3) if abusive else 0.0,
        "honest_review_rate": round(flagged_honest / honest, 4) if honest else 0.0,
    }
