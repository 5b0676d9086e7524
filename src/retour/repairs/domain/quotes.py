"""What a repair costs the shopper.

Under the legal guarantee nothing: the remedy is free of charge (Directive (EU) 2019/771 art. 14(1)(a);
Code de la consommation L217-11). Out of it, the repairer's quote, which the shopper accepts or declines
online; declined, the item is sent back and the store's diagnosis fee (its policy's, possibly none) is
due, never more than the quote itself. The fee a quote records is the store's setting at quote time, or a
lower one the quote states, never a higher one (``fee_for_quote``).
"""

from __future__ import annotations

from decimal import Decimal

from retour.core.money import Money


class QuoteRefused(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_quote(amount: Money, *, under_guarantee: bool) -> None:
    """A quote is for a repair the guarantee does not cover, and is more than nothing."""
    if under_guarantee:
        raise QuoteRefused("free_under_guarantee")
    if amount.amount <= 0:
        raise QuoteRefused("quote_not_positive")


def fee_for_quote(stated: Decimal | None, store_fee: Decimal) -> Decimal:
    """The diagnosis fee a quote records: the store's (``store_fee``, its setting at quote time) when the
    quote states none, or a lower one it states; a fee above the store's is refused."""
    policy = max(store_fee, Decimal(0))
    if stated is None:
        return policy
    if stated < 0:
        raise QuoteRefused("fee_not_an_amount")
    if stated > policy:
        raise QuoteRefused("fee_above_policy")
    return stated


def due_on_acceptance(quote: Money, *, under_guarantee: bool) -> Money:
    """What an accepted quote charges: the quote, or nothing under the guarantee."""
    return Money.zero(quote.currency) if under_guarantee else quote


def due_on_decline(quote: Money, diagnosis_fee: Decimal, *, under_guarantee: bool) -> Money:
    """What a declined quote charges: the store's diagnosis fee, capped at the quote; nothing under the
    guarantee."""
    if under_guarantee or diagnosis_fee <= 0:
        return Money.zero(quote.currency)
    return Money(min(diagnosis_fee, quote.amount), quote.currency)
