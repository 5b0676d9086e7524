"""The terms of a marketplace's guarantee: the caps and the windows a marketplace may change.

The defaults are the values of specs/guarantee-claims.md. Windows are elapsed hours, never calendar
days in a time zone: "day n" after an instant is n times 24 hours after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType

from retour.core.money import is_currency

DEFAULT_CAPS: Mapping[str, Decimal] = MappingProxyType(
    {
        "USD": Decimal("2500.00"),
        "EUR": Decimal("2300.00"),
        "GBP": Decimal("1975.00"),
        "CAD": Decimal("3400.00"),
        "JPY": Decimal("375000"),
    }
)
# Ten years: longer than any guarantee, and far from the end of the calendar datetime can count.
MAX_HOURS = 3653 * 24


class TermsError(ValueError):
    """Terms that cannot be applied: a cap or a window out of range."""


@dataclass(frozen=True, slots=True)
class Terms:
    """What a claim pays at most, per currency, and how long each window lasts, in hours."""

    # The most a claim pays, shipping included, in each currency the marketplace takes claims in.
    caps: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_CAPS, hash=False)
    # A claim is too late after max_delivery_at + this (90 days).
    filing_hours: int = 90 * 24
    # return_not_refunded: also not too late until return_delivered_at + this (30 days).
    return_filing_hours: int = 30 * 24
    # not_received: the buyer may claim this long after the latest estimated delivery (3 days)…
    late_delivery_hours: int = 3 * 24
    # …or this long after ordering (30 days), whichever comes first.
    order_age_hours: int = 30 * 24
    # not_as_described: the seller's time to answer the buyer's return request (48 hours).
    seller_return_hours: int = 48
    # return_not_refunded: the seller's time to refund once the return is delivered (48 hours).
    seller_refund_hours: int = 48
    # The seller's time to answer a claim (72 hours).
    response_hours: int = 72

    def __post_init__(self) -> None:
        caps = {}
        for currency, cap in self.caps.items():
            if not is_currency(currency):
                raise TermsError(f"a cap's currency must be an ISO 4217 code such as EUR, not {currency!r}")
            if not isinstance(cap, Decimal) or not cap.is_finite() or cap <= 0:
                raise TermsError(f"the {currency} cap must be a positive decimal amount, not {cap!r}")
            caps[currency] = cap
        if not caps:
            raise TermsError("there must be a cap in at least one currency")
        object.__setattr__(self, "caps", MappingProxyType(caps))
        for name in WINDOWS:
            hours = getattr(self, name)
            if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= MAX_HOURS:
                raise TermsError(
                    f"{name} must be a whole number of hours from 0 to {MAX_HOURS}, not {hours!r}"
                )

    def cap(self, currency: str) -> Decimal:
        """The most a claim in ``currency`` pays; a currency without a cap takes no claims."""
        try:
            return self.caps[currency]
        except KeyError:
            raise TermsError(
                f"no claim cap in {currency!r} (claims are capped in: {', '.join(self.caps)})"
            ) from None

    @property
    def longest_window(self) -> timedelta:
        """The most any rule adds to an instant: no instant may come so close to year 9999."""
        return timedelta(hours=max(getattr(self, name) for name in WINDOWS))


WINDOWS = (
    "filing_hours",
    "return_filing_hours",
    "late_delivery_hours",
    "order_age_hours",
    "seller_return_hours",
    "seller_refund_hours",
    "response_hours",
)
