"""What a return refunds, from what was actually paid for the returned units.

A line's paid amount (after its own discount and its share of the order discount) and its tax are each
split over its units by largest remainder, once; a refund takes the parts of the units it covers, in
order. However the units of a line come back (one return or several), the refunds of all of them add up
to exactly what was paid for the line, to the cent. The decision's percentage applies to what the units
cost (merchandise and tax together, rounded once).

A return pays one fee, not one per line: the largest its lines' decisions charge, spread over the lines
that charge one in proportion to what they refund (``share_fee``), never more than they refund; it is
waived when every line is the seller's fault. Each line's refund is then its amount less its share, and
its store-credit bonus is the policy's percentage of that refund. The same ``quote`` gives what the shopper
is told before confirming (each line's decision, the summary) and what a refund pays.

The outbound shipping is refunded once, with the return that brings the last units of the order back,
when the reason is the seller's fault or the withdrawal right applies, and only the standard delivery's
price: an order shipped express gets back what the standard delivery costs, never more than was paid.
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
class LineRefund:
    """What units of one line refund: merchandise and tax at the decision's percentage, the line's share of
    the return's fee, and the store-credit bonus its policy gives on the rest."""

    merchandise: Money
    tax: Money
    fee: Money
    bonus: Money

    @property
    def item(self) -> Money:
        """The units' price at the decision's percentage, before the fee (the decision's item refund)."""
        return self.merchandise + self.tax

    @property
    def refund(self) -> Money:
        """What the units refund to the original payment (the decision's refund amount)."""
        return self.item - self.fee

    @property
    def store_credit(self) -> Money:
        """What the units give as store credit instead (the decision's store-credit amount)."""
        return self.refund + self.bonus


@dataclass(frozen=True)
class Breakdown:
    merchandise: Money
    tax: Money
    outbound_shipping: Money
    fees: Money  # what is actually kept (never more than the rest)
    fees_waived: bool
    total: Money
    lines: tuple[LineRefund, ...] = ()  # by line, in the order the units were given

    @property
    def bonus(self) -> Money:
        """The store-credit bonus on top of ``total`` when the shopper takes store credit."""
        return sum((line.bonus for line in self.lines), Money.zero(self.total.currency))


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


def item_amount(units: Units) -> tuple[Money, Money]:
    """The units' price at their percentage, and the tax in it: the two together rounded once."""
    line = units.line
    paid = units_share(line.paid, line.quantity, units.before, units.count)
    tax = units_share(line.tax, line.quantity, units.before, units.count)
    return _percent(paid + tax, units.percent), _percent(tax, units.percent)


def line_refund(units: Units, fee: Money, bonus_percent: int = 0) -> LineRefund:
    """What ``units`` refund, ``fee`` (the line's share of the return's fee) coming off, never below zero;
    the bonus is ``bonus_percent`` of what is left, rounded once."""
    item, tax = item_amount(units)
    kept = max(min(fee.rounded(), item), Money.zero(item.currency))
    refund = item - kept
    bonus = (refund * Decimal(bonus_percent) / 100).rounded() if bonus_percent else Money.zero(item.currency)
    return LineRefund(item - tax, tax, kept, bonus)


def share_fee(
    items: Sequence[Money], fees: Sequence[Money], *, seller_fault: bool
) -> tuple[list[Money], bool]:
    """Each line's share of the return's one fee, and whether a fee was waived.

    ``items``: what each line refunds before any fee; ``fees``: what each line's decision charges alone.
    The return pays the largest of them once, at most what the lines that charge one refund, spread over
    those lines in proportion to their refunds (largest remainder): no share is above its line's refund,
    and a line whose decision charges nothing pays nothing. Nothing when every line is the seller's fault.
    """
    if not items:
        return [], False
    currency = items[0].currency
    zero = Money.zero(currency)
    fee = max((f.rounded() for f in fees), default=zero)
    if seller_fault or not fee:
        return [zero] * len(items), bool(seller_fault and fee)
    charging = [index for index, f in enumerate(fees) if f.amount > 0]
    weights = [max(items[index].minor(), 0) for index in charging]
    fee = min(fee, Money.from_minor(sum(weights), currency))
    shares = [zero] * len(items)
    if fee:
        for index, part in zip(charging, fee.allocate(weights), strict=True):
            shares[index] = part
    return shares, False


def add_up(
    lines: Sequence[LineRefund],
    *,
    currency: str,
    outbound_shipping: Money | None = None,
    fees_waived: bool = False,
) -> Breakdown:
    """The lines' refunds added up, with the outbound shipping when given."""
    zero = Money.zero(currency)
    merchandise = sum((line.merchandise for line in lines), zero)
    tax = sum((line.tax for line in lines), zero)
    fees = sum((line.fee for line in lines), zero)
    shipping = (outbound_shipping or zero).rounded()
    return Breakdown(
        merchandise=merchandise,
        tax=tax,
        outbound_shipping=shipping,
        fees=fees,
        fees_waived=fees_waived,
        total=merchandise + tax + shipping - fees,
        lines=tuple(lines),
    )


def quote(
    units: Sequence[Units],
    *,
    currency: str,
    fees: Sequence[Money],
    seller_fault: bool,
    bonus_percents: Sequence[int] | None = None,
    outbound_shipping: Money | None = None,
) -> Breakdown:
    """What a return of ``units`` refunds, line by line and in total: ``fees[i]`` is what the decision on
    ``units[i]`` charges alone and ``bonus_percents[i]`` its policy's store-credit bonus; the return pays
    one fee (``share_fee``)."""
    items = [item_amount(u)[0] for u in units]
    shares, waived = share_fee(items, fees, seller_fault=seller_fault)
    bonuses = list(bonus_percents) if bonus_percents is not None else [0] * len(units)
    lines = [line_refund(u, s, b) for u, s, b in zip(units, shares, bonuses, strict=True)]
    return add_up(lines, currency=currency, outbound_shipping=outbound_shipping, fees_waived=waived)


def breakdown(
    units: Sequence[Units],
    *,
    currency: str,
    fees: Money,
    seller_fault: bool,
    outbound_shipping: Money | None = None,
) -> Breakdown:
    """The refund of ``units`` when every one of their lines charges ``fees`` (see ``quote``): the
    merchandise and tax by their paid parts, the outbound shipping when given (see
    ``refund_outbound_shipping``; pass the standard delivery's price), less the one fee."""
    return quote(
        units,
        currency=currency,
        fees=[fees] * len(units),
        seller_fault=seller_fault,
        outbound_shipping=outbound_shipping,
    )


def exchange_difference(returned_paid: Money, new_price: Money) -> Money:
    """Positive: the shopper pays the difference for a dearer item; negative: refunded for a cheaper one."""
    return (new_price - returned_paid).rounded()
