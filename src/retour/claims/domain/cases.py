"""One case of the evaluation contract (specs/guarantee-claims.md, "Evaluation contract") as a ``Claim``.

A case is a JSON object already decoded; every problem with it is reported in one ``CaseError``.
The messages are English on purpose: they are the contract's per-case ``error`` strings, read by
programs that check the rules, and must not depend on the operator's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from retour.claims.domain.claim import Claim, ClaimType, FulfilledBy, ItemKind
from retour.claims.domain.terms import Terms
from retour.core.cases import CaseError, case_id

WORDS = ("claim_type", "fulfilled_by", "item_kind")
FLAGS = (
    "sold_by_marketplace",
    "paid_on_marketplace",
    "chargeback_filed",
    "protected_shipping",
    "shipped_on_time",
    "proof_of_delivery",
    "seller_refused_return",
)
AMOUNTS = ("item_price", "shipping_paid", "already_refunded")
INSTANTS = ("ordered_at", "max_delivery_at", "filed_at")
# Present in every case, but null when the event has not happened.
OPTIONAL_INSTANTS = (
    "delivered_at",
    "return_requested_at",
    "seller_answered_return_at",
    "return_delivered_at",
)
# Instants that cannot come before the order.
AFTER_ORDER = ("filed_at", "max_delivery_at", "delivered_at")
REQUIRED = ("id", "claim_type", "currency", *WORDS[1:], *FLAGS, *AMOUNTS, *INSTANTS, *OPTIONAL_INSTANTS)

# Bounds that keep the exact arithmetic of rules.py exact: far beyond any price, and any precision.
MAX_AMOUNT = Decimal(10) ** 15
MAX_DECIMALS = 30

Word = TypeVar("Word", bound=StrEnum)


def parse_case(case: Any, terms: Terms) -> Claim:
    """The claim of one case, or ``CaseError``. Its currency must be one the terms have a cap for."""
    if not isinstance(case, Mapping):
        raise CaseError("a case must be a JSON object")
    problems: list[str] = []
    missing = [name for name in REQUIRED if name not in case]
    if missing:
        problems.append("missing field: " + ", ".join(missing))
    if "id" in case and case_id(case) is None:
        problems.append("id must be a string or a whole number")
    reader = _Reader(case, problems, latest=datetime.max.replace(tzinfo=UTC) - terms.longest_window)
    claim_type = reader.word("claim_type", ClaimType)
    fulfilled_by = reader.word("fulfilled_by", FulfilledBy)
    item_kind = reader.word("item_kind", ItemKind)
    currency = reader.currency(terms)
    flags = [reader.flag(name) for name in FLAGS]
    item_price, shipping_paid, already_refunded = (reader.amount(name) for name in AMOUNTS)
    ordered_at, max_delivery_at, filed_at = (reader.instant(name) for name in INSTANTS)
    delivered_at, return_requested_at, seller_answered_return_at, return_delivered_at = (
        reader.instant(name, nullable=True) for name in OPTIONAL_INSTANTS
    )
    for name, instant in zip(AFTER_ORDER, (filed_at, max_delivery_at, delivered_at), strict=True):
        if ordered_at is not None and instant is not None and instant < ordered_at:
            problems.append(f"{name} is before ordered_at")
    if (
        problems
        or claim_type is None
        or fulfilled_by is None
        or item_kind is None
        or item_price is None
        or shipping_paid is None
        or already_refunded is None
        or ordered_at is None
        or max_delivery_at is None
        or filed_at is None
    ):
        raise CaseError("; ".join(problems), tuple(problems))
    sold_by_marketplace, paid_on_marketplace, chargeback_filed, *evidence = flags
    protected_shipping, shipped_on_time, proof_of_delivery, seller_refused_return = evidence
    return Claim(
        claim_type=claim_type,
        currency=currency,
        fulfilled_by=fulfilled_by,
        sold_by_marketplace=sold_by_marketplace,
        item_kind=item_kind,
        paid_on_marketplace=paid_on_marketplace,
        chargeback_filed=chargeback_filed,
        protected_shipping=protected_shipping,
        shipped_on_time=shipped_on_time,
        proof_of_delivery=proof_of_delivery,
        seller_refused_return=seller_refused_return,
        item_price=item_price,
        shipping_paid=shipping_paid,
        already_refunded=already_refunded,
        ordered_at=ordered_at,
        max_delivery_at=max_delivery_at,
        filed_at=filed_at,
        delivered_at=delivered_at,
        return_requested_at=return_requested_at,
        seller_answered_return_at=seller_answered_return_at,
        return_delivered_at=return_delivered_at,
    )


class _Reader:
    """Reads one field at a time; a field that is missing was already reported and reads as ``None``."""

    def __init__(self, case: Mapping[str, Any], problems: list[str], latest: datetime) -> None:
        self.case = case
        self.problems = problems
        self.latest = latest

    def word(self, name: str, words: type[Word]) -> Word | None:
        if name not in self.case:
            return None
        value = self.case[name]
        allowed = [str(word) for word in words]
        if not isinstance(value, str) or value not in allowed:
            self.problems.append(f"unknown {name} {value!r} (expected one of: {', '.join(allowed)})")
            return None
        return words(value)

    def currency(self, terms: Terms) -> str:
        if "currency" not in self.case:
            return ""
        value = self.case["currency"]
        if not isinstance(value, str) or value not in terms.caps:
            self.problems.append(
                f"unknown currency {value!r} (claims are capped in: {', '.join(terms.caps)})"
            )
            return ""
        return value

    def flag(self, name: str) -> bool:
        if name not in self.case:
            return False
        value = self.case[name]
        if not isinstance(value, bool):
            self.problems.append(f"{name} must be true or false, not {value!r}")
            return False
        return value

    def amount(self, name: str) -> Decimal | None:
        if name not in self.case:
            return None
        value = self.case[name]
        number = None
        # A decimal string; a JSON number is read through its text, never as a binary float.
        if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.problems.append(f'{name} must be a decimal amount such as "12.50", not {value!r}')
            return None
        if number < 0:
            self.problems.append(f"{name} must not be negative, not {value!r}")
            return None
        if number >= MAX_AMOUNT or -int(number.as_tuple().exponent) > MAX_DECIMALS:
            self.problems.append(
                f"{name} must be below {MAX_AMOUNT:,} with at most {MAX_DECIMALS} decimals, not {value!r}"
            )
            return None
        return abs(number) if number.is_zero() else number  # "-0" is 0

    def instant(self, name: str, *, nullable: bool = False) -> datetime | None:
        if name not in self.case:
            return None
        value = self.case[name]
        if value is None and nullable:
            return None
        instant = None
        if isinstance(value, str):
            try:
                # RFC 3339 allows a lower-case z for UTC; fromisoformat reads only Z.
                instant = datetime.fromisoformat(value[:-1] + "Z" if value.endswith("z") else value)
            except ValueError:
                instant = None
        expected = "an ISO 8601 instant with an offset, e.g. 2026-03-01T14:30:00+01:00"
        if instant is None:
            self.problems.append(f"{name} must be {expected}{' or null' if nullable else ''}, not {value!r}")
            return None
        if instant.utcoffset() is None:
            self.problems.append(f"{name} has no offset: {value!r} (expected {expected})")
            return None
        try:
            instant = instant.astimezone(UTC)
        except OverflowError:
            instant = None
        if instant is None or instant > self.latest:
            self.problems.append(f"{name} is too close to the end of year 9999 to count the claim windows")
            return None
        return instant
