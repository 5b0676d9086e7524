"""One case of the evaluation contract (specs/policy-templates.md, "Evaluation contract") as ``Facts``.

A case is a JSON object already decoded; every problem with it is reported in one ``CaseError``.
The messages are English on purpose: they are the contract's per-case ``error`` strings, read by
programs that check policies, and must not depend on the operator's language.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from retour.core.cases import CaseError, case_id
from retour.core.money import is_currency
from retour.policies.domain.facts import Facts
from retour.policies.domain.vocabulary import CONDITIONS, REASONS

REQUIRED = (
    "id",
    "country",
    "currency",
    "category",
    "unit_price",
    "quantity",
    "ordered_at",
    "delivered_at",  # required, but may be null: not delivered
    "requested_at",
    "condition",
    "reason",
)
FLAGS = ("is_gift", "member", "final_sale", "personalised")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def parse_case(case: Any, currencies: Collection[str] | None = None) -> Facts:
    """The facts of one case, or ``CaseError``.

    ``currencies`` are those the policy can price (its fee table); ``None`` accepts any ISO 4217
    currency, for a policy that charges no fee.
    """
    if not isinstance(case, Mapping):
        raise CaseError("a case must be a JSON object")
    problems: list[str] = []
    missing = [name for name in REQUIRED if name not in case]
    if missing:
        problems.append("missing field: " + ", ".join(missing))
    reader = _Reader(case, problems)
    if "id" in case and case_id(case) is None:
        problems.append("id must be a string or a whole number")
    country = reader.country()
    currency = reader.currency(currencies)
    category = reader.category()
    unit_price = reader.price()
    quantity = reader.quantity()
    ordered_at = reader.date("ordered_at")
    delivered_at = reader.date("delivered_at", nullable=True)
    requested_at = reader.date("requested_at")
    condition = reader.word("condition", CONDITIONS)
    reason = reader.word("reason", REASONS)
    is_gift, member, final_sale, personalised = (reader.flag(name) for name in FLAGS)
    if ordered_at is not None and delivered_at is not None and delivered_at < ordered_at:
        problems.append("delivered_at is before ordered_at")
    if requested_at is not None and delivered_at is not None and requested_at < delivered_at:
        problems.append("requested_at is before delivered_at")
    # Not delivered: the request must still not come before the order.
    if (
        delivered_at is None
        and requested_at is not None
        and ordered_at is not None
        and requested_at < ordered_at
    ):
        problems.append("requested_at is before ordered_at")
    if problems or unit_price is None or ordered_at is None or requested_at is None:
        raise CaseError("; ".join(problems), tuple(problems))
    return Facts(
        country=country,
        currency=currency,
        category=category,
        unit_price=unit_price,
        quantity=quantity,
        ordered_at=ordered_at,
        delivered_at=delivered_at,
        requested_at=requested_at,
        condition=condition,
        reason=reason,
        is_gift=is_gift,
        member=member,
        final_sale=final_sale,
        personalised=personalised,
    )


class _Reader:
    """Reads one field at a time; a field that is missing was already reported and reads as empty."""

    def __init__(self, case: Mapping[str, Any], problems: list[str]) -> None:
        self.case = case
        self.problems = problems

    def country(self) -> str:
        value = self.case.get("country")
        if "country" in self.case and not (isinstance(value, str) and _COUNTRY.match(value)):
            self.problems.append(f"country must be two letters (ISO 3166-1 alpha-2), not {value!r}")
            return ""
        return str(value or "").upper()

    def currency(self, allowed: Collection[str] | None) -> str:
        if "currency" not in self.case:
            return ""
        value = self.case["currency"]
        if not isinstance(value, str) or not is_currency(value):
            self.problems.append(f"currency must be an ISO 4217 code such as EUR, not {value!r}")
        elif allowed is not None and value not in allowed:
            self.problems.append(
                f"currency {value} is not in the policy's fee table ({', '.join(sorted(allowed))})"
            )
        else:
            return value
        return ""

    def category(self) -> str:
        value = self.case.get("category")
        if "category" in self.case and not (isinstance(value, str) and _SLUG.match(value)):
            self.problems.append(
                f"category must be a slug of lower-case letters, digits, - or _, not {value!r}"
            )
            return ""
        return str(value or "")

    def price(self) -> Decimal | None:
        if "unit_price" not in self.case:
            return None
        value = self.case["unit_price"]
        number = None
        # A JSON number is read through its text, never as a binary float: 12.1 is exactly 12.1.
        if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.problems.append(f'unit_price must be a decimal amount such as "12.50", not {value!r}')
            return None
        if number < 0:
            self.problems.append(f"unit_price must not be negative, not {value}")
            return None
        return abs(number) if number.is_zero() else number  # "-0" is 0

    def quantity(self) -> int:
        if "quantity" not in self.case:
            return 0
        value = self.case["quantity"]
        if not isinstance(value, int) or isinstance(value, bool):
            self.problems.append(f"quantity must be a whole number, not {value!r}")
            return 0
        if value < 1:
            self.problems.append(f"quantity must be at least 1, not {value}")
            return 0
        return value

    def date(self, name: str, *, nullable: bool = False) -> date | None:
        if name not in self.case:
            return None
        value = self.case[name]
        if value is None and nullable:
            return None
        if isinstance(value, str) and _DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        expected = "a date as YYYY-MM-DD or null" if nullable else "a date as YYYY-MM-DD"
        self.problems.append(f"{name} must be {expected}, not {value!r}")
        return None

    def word(self, name: str, allowed: frozenset[str]) -> str:
        if name not in self.case:
            return ""
        value = self.case[name]
        if not isinstance(value, str) or value not in allowed:
            self.problems.append(f"unknown {name} {value!r} (expected one of: {', '.join(sorted(allowed))})")
            return ""
        return value

    def flag(self, name: str) -> bool:
        value = self.case.get(name, False)
        if not isinstance(value, bool):
            self.problems.append(f"{name} must be true or false, not {value!r}")
            return False
        return value
