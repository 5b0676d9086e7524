"""What a return refunds, from what was actually paid for the returned units.

A line's paid amount (after its own discount and its share of the order discount) and its tax are each
split over its units by largest remainder, once; a refund takes the parts of the units it covers, in
order. However the units of a line come back (one return or several), the refunds of all of them add up
to exactly what was paid for the line, to the cent. Fees come off the total, never below zero; they are
waived for seller-fault reasons. The outbound shipping is refunded once, with the return that brings the
last units of the order back, when the reason is the seller's fault or the withdrawal right applies, and
only the standard delivery's price: an order shipped express gets back what the standard delivery costs,
never more than was paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from retour.core.money import Money

WITHDRAWAL_BASES = frozenset({"eu_withdrawal", "uk_cancellation"})


@dataclass(frozen=True)
class PaidLine:
    quantity: int
    paid: Money  # merchandise paid for the line, after discounts (with tax when prices include it)
    tax: Money  # tax charged on top of ``paid`` (zero when prices include tax)


@dataclass(frozen=True)
class Units:
    """``count`` units of ``line`` come back; ``before`` of its units were refunded already."""

    line: PaidLine
    before: int
    count: int
    percent: int = 100  # the share of the price the decision refunds


@dataclass(frozen=True)
class Breakdown:
    merchandise: Money
    tax: Money
    outbound_shipping: Money
    fees: Money  # what is actually kept (never more than the rest)
    fees_waived: bool
    total: Money


def units_share(amount: Money, quantity: int, before: int, count: int) -> Money:
    """The parts of ``amount`` (split over ``quantity`` units) of units ``before`` to ``before + count``."""
    if not 0 <= before <= before + count <= quantity:
        raise ValueError(f"units {before}+{count} outside a line of {quantity}")
    if count == 0:
        return Money.zero(amount.currency)
    parts = amount.allocate([1] * quantity)
    return sum(parts[before : before + count], Money.zero(amount.currency))


def _percent(amount: Money, percent: int) -> Money:
    if percent == 100:
        return amount
    return (amount * Decimal(percent) / 100).rounded()


def refund_outbound_shipping(
    *, whole_order_back: bool, seller_fault: bool, legal_basis: str | None, already_refunded: bool
) -> bool:
    """Whether this return also refunds the outbound shipping (once, with the order's last units)."""
    return (
        whole_order_back
        and not already_refunded
        and (seller_fault or (legal_basis or "") in WITHDRAWAL_BASES)
    )


def outbound_shipping_refund(paid: Money, *, express: bool, standard_price: Money | None) -> Money:
    """The outbound shipping a refund pays back (see ``refund_outbound_shipping`` for when): the price paid
    for a standard delivery; for an express one, the standard delivery's price, never more than was paid.
    A store that has not said what its standard delivery costs refunds what was paid: more than the law
    asks, never less."""
    if not express or standard_price is None:
        return paid
    return min(paid, standard_price, key=lambda m: m.amount)


def breakdown(
    units: Sequence[Units],
    *,
    currency: str,
    fees: Money,
    seller_fault: bool,
    outbound_shipping: Money | None = None,
) -> Breakdown:
    """The refund of ``units``: merchandise and tax by their paid parts, the outbound shipping when given
    (see ``refund_outbound_shipping``; pass the standard delivery's price), less the fees."""
    zero = Money.zero(currency)
    merchandise = sum(
        (_percent(units_share(u.line.paid, u.line.quantity, u.before, u.count), u.percent) for u in units),
        zero,
    )
    tax = sum(
        (_percent(units_share(u.line.tax, u.line.quantity, u.before, u.count), u.percent) for u in units),
        zero,
    )
    shipping = (outbound_shipping or zero).rounded()
    gross = merchandise + tax + shipping
    kept = zero if seller_fault else min(fees.rounded(), gross, key=lambda m: m.amount)
    return Breakdown(
        merchandise=merchandise,
        tax=tax,
        outbound_shipping=shipping,
        fees=kept,
        fees_waived=seller_fault and fees.amount > 0,
        total=gross - kept,
    )


def exchange_difference(returned_paid: Money, new_price: Money) -> Money:
    """Positive: the shopper pays the difference for a dearer item; negative: refunded for a cheaper one."""
    return (new_price - returned_paid).rounded()
