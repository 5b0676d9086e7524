"""A decision is a value: what the shopper gets for one line, why, and under which policy."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from retour.core.money import Money, minor_units
from retour.policies.domain.model import Text

GENERIC_ELIGIBLE = Text(
    "You can return this item: {percent} % of its price is refunded, {refund}.",
    "Vous pouvez retourner cet article : {percent} % de son prix est remboursé, soit {refund}.",
)
GENERIC_REFUSED = Text(
    "This item cannot be returned under the store's policy.",
    "Cet article ne peut pas être retourné selon la politique de la boutique.",
)


class Decision(NamedTuple):
    """Built positionally on the hot path (a NamedTuple costs a seventh of a frozen dataclass to make)."""

    eligible: bool
    code: str
    refund_percent: int
    currency: str
    item_refund: Decimal
    fees: tuple[tuple[str, Decimal], ...]
    refund_amount: Decimal
    store_credit_amount: Decimal
    keep_item: bool
    legal_basis: str | None
    resolutions: tuple[str, ...]
    approval: str
    photo_required: bool
    return_methods: tuple[str, ...]
    policy: str
    trace: tuple[str, ...]
    explain: Text
    return_by: date | None = None
    days_since_delivery: int | None = None

    @property
    def return_shipping_fee(self) -> Decimal:
        return sum((amount for name, amount in self.fees if name == "return_shipping"), Decimal(0))

    @property
    def fees_total(self) -> Decimal:
        return sum((amount for _name, amount in self.fees), Decimal(0))

    @property
    def generosity(self) -> tuple[bool, int, Decimal]:
        """Orders decisions from the shopper's side: eligible first, then a higher share, then lower fees."""
        return (self.eligible, self.refund_percent, -self.fees_total)

    def explanation(self, language: str) -> str:
        """The decision in a sentence the shopper can read, in ``en`` or ``fr``."""
        locale = "fr_FR" if language.startswith("fr") else "en_GB"
        values = {
            "percent": self.refund_percent,
            "refund": Money(self.refund_amount, self.currency).format(locale),
            "fee": Money(self.fees_total, self.currency).format(locale),
            "days": self.days_since_delivery if self.days_since_delivery is not None else "",
            "return_by": self.return_by.isoformat() if self.return_by else "",
            "item": "",
            "guarantee": "",  # filled in by the compiled policy for the shopper's country (law.LawTexts)
        }
        return self.explain.get(language).format(**values)

    def as_contract(self, case_id: Any) -> dict[str, Any]:
        """The result object of the evaluation contract (specs/policy-templates.md)."""
        zero = "0"
        # Every amount of an eligible line in the currency's minor unit: a waived or absent fee is
        # "0.00" in EUR like any other amount, "0" in JPY.
        step = Decimal(1).scaleb(-minor_units(self.currency))

        def amount(value: Decimal) -> str:
            return str(value.quantize(step, ROUND_HALF_UP)) if self.eligible else zero

        return {
            "id": case_id,
            "eligible": self.eligible,
            "code": self.code,
            "refund_percent": self.refund_percent if self.eligible else 0,
            "item_refund": amount(self.item_refund),
            "return_shipping_fee": amount(self.return_shipping_fee),
            "refund_amount": amount(self.refund_amount),
            "store_credit_amount": amount(self.store_credit_amount),
            "keep_item": self.keep_item,
            "legal_basis": self.legal_basis,
            "resolutions": list(self.resolutions),
            "explanation": {"en": self.explanation("en"), "fr": self.explanation("fr")},
        }
