"""What a return refunds, read from the order and the decisions, computed by ``domain.refund_calculation``.

One computation for what the shopper is told and what is paid: ``estimate`` quotes the lines a shopper is
about to send back (the return's one fee shared over them, each line's refund and store-credit bonus), and
``settled`` writes a line's quote into its policy decision, so that the decision's explanation, the
portal's choices and summary, the API and what is stored all read the same amounts; ``compute`` pays the
units accepted with the same functions, from the amounts the stored decisions carry.

Returns quote and refunds pay from here: refunds are downstream of returns, and tell the quote what they
already refunded and the store's standard delivery price through ``returns.hooks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from retour.catalog.models import Seller
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.policies import services as policies
from retour.policies.domain.decision import Decision
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS
from retour.policies.models import PolicyDecision
from retour.returns import hooks
from retour.returns.domain import states
from retour.returns.domain.refund_calculation import (
    Breakdown,
    LineRefund,
    PaidLine,
    Units,
    add_up,
    line_refund,
    outbound_shipping_refund,
    quote,
    refund_outbound_shipping,
)
from retour.returns.models import Return, ReturnLine

EXPRESS_WORDS = ("express", "expédié", "exprès", "next day", "overnight", "priority")


@dataclass(frozen=True)
class Computed:
    breakdown: Breakdown
    units: dict[int, int]  # order line id -> units this refund covers
    sellers: dict[str, Money]  # marketplace seller code -> what the seller owes back for its items
    bonus: Money  # store-credit bonus the decisions offer on top, if the shopper takes credit
    exchanges: dict[int, Money]  # return line id -> a cheaper exchange's difference this refund pays back
    line_fees: dict[int, Money]  # order line id -> its share of the return's fee this refund keeps

    def as_json(self) -> dict[str, Any]:
        b = self.breakdown
        return {
            "merchandise": str(b.merchandise.amount),
            "tax": str(b.tax.amount),
            "outbound_shipping": str(b.outbound_shipping.amount),
            "fees": str(b.fees.amount),
            "fees_waived": b.fees_waived,
            "total": str(b.total.amount),
            "store_credit_bonus": str(self.bonus.amount),
            "units": {str(k): v for k, v in self.units.items()},
            "line_fees": {str(k): str(amount.amount) for k, amount in self.line_fees.items()},
            "sellers": {code: str(amount.amount) for code, amount in self.sellers.items()},
            "exchanges": {str(k): str(amount.amount) for k, amount in self.exchanges.items()},
        }

    @property
    def anything(self) -> bool:
        """Whether there is anything (units or an exchange's difference) left to refund."""
        return bool(self.units or self.exchanges)


DECISION_RELATIONS = ("decision__version", "inspection_decision__version")


def refundable_lines(ret: Return) -> list[ReturnLine]:
    """Lines whose goods came back and passed inspection, or that the shopper keeps (returnless)."""
    lines = ret.lines.select_related("order_line__seller", *DECISION_RELATIONS, "exchange")
    return [
        line
        for line in lines
        if line.inspection == ReturnLine.Inspection.ACCEPTED
        or (line.resolution == "keep" and line.decision.keep_item)
    ]


@dataclass(frozen=True)
class Covered:
    """What live refund requests (a tender pending or paid) already cover."""

    units: dict[int, int]  # order line id -> units refunded
    shipping: bool  # the outbound shipping was refunded
    exchanges: frozenset[int]  # return lines whose exchange difference was refunded
    fees: dict[int, Decimal]  # order line id -> its share of the fee kept


def _live(order_id: int) -> list[hooks.Refunded]:
    return hooks.refunded(order_id)


def _covered(requests: Sequence[hooks.Refunded]) -> Covered:
    units: dict[int, int] = {}
    fees: dict[int, Decimal] = {}
    exchanges: set[int] = set()
    for row in requests:
        for line_id, count in row.breakdown.get("units", {}).items():
            units[int(line_id)] = units.get(int(line_id), 0) + int(count)
        for line_id, fee in row.breakdown.get("line_fees", {}).items():
            fees[int(line_id)] = fees.get(int(line_id), Decimal(0)) + Decimal(fee)
        exchanges |= {int(line_id) for line_id in row.breakdown.get("exchanges", {})}
    return Covered(
        units,
        any(Decimal(row.breakdown.get("outbound_shipping", "0")) > 0 for row in requests),
        frozenset(exchanges),
        fees,
    )


def bonus_percent(decision: PolicyDecision) -> int:
    """The store-credit bonus (in %) of the policy version a stored decision was made under."""
    return policies.store_credit_bonus(decision.version) if decision.eligible else 0


def compute(ret: Return) -> Computed:
    """What a refund of ``ret`` pays now: the accepted units (and cheaper exchanges' differences) that no
    earlier refund of the return covered, so a line accepted after a first refund is refunded by a second.

    Each line refunds as its decision was quoted (``estimate``): its units at the decision's percentage,
    less the share of the return's fee its decision carries (kept once, by the first refund of the line),
    with the bonus of its policy as store credit."""
    order = ret.order
    currency = order.currency
    zero = Money.zero(currency)
    lines = refundable_lines(ret)
    live = _live(ret.order_id)
    everyone = _covered(live)
    own = _covered([row for row in live if row.ret_id == ret.pk])
    done = dict(own.units)  # this return's refunded units, still to match with its lines
    parts: list[LineRefund] = []
    covered: dict[int, int] = {}
    line_fees: dict[int, Money] = {}
    sellers: dict[str, Money] = {}
    exchanges: dict[int, Money] = {}
    kept = [line for line in lines if getattr(line, "exchange", None) is None]
    for line in lines:
        exchanged = getattr(line, "exchange", None)
        if exchanged is not None and Decimal(exchanged.difference) < 0 and line.pk not in own.exchanges:
            exchanges[line.pk] = Money(-Decimal(exchanged.difference), currency).rounded()
    for line in kept:
        ordered = line.order_line
        accepted = line.quantity if line.resolution == "keep" else line.received_quantity
        already = min(accepted, done.get(ordered.pk, 0))
        done[ordered.pk] = done.get(ordered.pk, 0) - already
        count = accepted - already
        if count <= 0:
            continue
        decision = line.final_decision
        before = everyone.units.get(ordered.pk, 0) + covered.get(ordered.pk, 0)
        fee_left = max(Decimal(decision.fees) - own.fees.get(ordered.pk, Decimal(0)), Decimal(0))
        part = line_refund(
            _units(ordered, before, count, decision.refund_percent),
            Money(fee_left, currency),
            bonus_percent(decision),
        )
        parts.append(part)
        covered[ordered.pk] = covered.get(ordered.pk, 0) + count
        if part.fee:
            line_fees[ordered.pk] = line_fees.get(ordered.pk, zero) + part.fee
        _seller_share(sellers, ordered, part)
    seller_fault = bool(lines) and all(line.reason in SELLER_FAULT_REASONS for line in lines)
    legal_basis = next((b for b in (x.final_decision.legal_basis for x in kept) if b), "")
    outbound = _outbound(order, everyone.units, covered, seller_fault, legal_basis, everyone.shipping)
    result = add_up(parts, currency=currency, outbound_shipping=outbound, fees_waived=seller_fault)
    credit = sum(exchanges.values(), zero)
    if credit.amount:
        result = replace(result, merchandise=result.merchandise + credit, total=result.total + credit)
    return Computed(result, covered, sellers, result.bonus, exchanges, line_fees)


def _seller_share(sellers: dict[str, Money], ordered: OrderLine, part: LineRefund) -> None:
    """A marketplace seller owes back what its units refund (merchandise and tax, no fees)."""
    if ordered.seller.kind != Seller.Kind.MARKETPLACE:
        return
    code = ordered.seller.code
    sellers[code] = sellers.get(code, Money.zero(ordered.order.currency)) + part.item


def left_to_refund(ret: Return) -> bool:
    """Whether accepted units or a cheaper exchange's difference are still to be refunded."""
    return compute(ret).anything


def _units(ordered: OrderLine, before: int, count: int, percent: int) -> Units:
    currency = ordered.order.currency
    paid = Money(Decimal(ordered.net), currency)
    tax = Money.zero(currency) if ordered.order.tax_included else Money(Decimal(ordered.tax), currency)
    return Units(PaidLine(ordered.quantity, paid, tax), before, count, percent)


def _outbound(
    order: Order,
    before: dict[int, int],
    covered: dict[int, int],
    seller_fault: bool,
    legal_basis: str,
    shipping_done: bool,
) -> Money | None:
    """The outbound shipping this refund also pays back, if any (see ``refund_outbound_shipping``)."""
    whole = all(before.get(ol.pk, 0) + covered.get(ol.pk, 0) >= ol.quantity for ol in order.lines.all())
    if not refund_outbound_shipping(
        whole_order_back=whole,
        seller_fault=seller_fault,
        legal_basis=legal_basis,
        already_refunded=shipping_done,
    ):
        return None
    express = any(word in (order.shipping_method or "").lower() for word in EXPRESS_WORDS)
    return outbound_shipping_refund(
        Money(Decimal(order.shipping), order.currency),
        express=express,
        standard_price=standard_delivery(order),
    )


def standard_delivery(order: Order) -> Money | None:
    """What the order's store charges for its standard delivery in the order's currency, if it said."""
    return hooks.standard_delivery(order)


@dataclass(frozen=True)
class Pick:
    """Units of an order line a shopper is about to send back, with the policy's decision on them (as the
    policy made it for the line alone) and the store-credit bonus of that policy."""

    line: OrderLine
    count: int
    decision: Decision
    reason: str
    bonus_percent: int = 0


@dataclass(frozen=True)
class Estimate:
    breakdown: Breakdown  # every pick together: one parcel, one fee
    per_line: dict[int, LineRefund]  # order line id -> what its units refund: its decision's amounts
    store_credit: Money  # the total as store credit, with the decisions' bonus


def estimate(order: Order, picks: Sequence[Pick]) -> Estimate:
    """What a return of ``picks`` refunds if every unit comes back as reported: the same calculation as
    ``compute``, before the return exists. The portal shows it before the shopper confirms, and each
    pick's decision is ``settled`` with its line's part."""
    currency = order.currency
    everyone = _covered(_live(order.pk))
    before, shipping_done = everyone.units, everyone.shipping
    units = [_units(p.line, before.get(p.line.pk, 0), p.count, p.decision.refund_percent) for p in picks]
    seller_fault = bool(picks) and all(p.reason in SELLER_FAULT_REASONS for p in picks)
    legal_basis = next((p.decision.legal_basis for p in picks if p.decision.legal_basis), "") or ""
    covered = {p.line.pk: p.count for p in picks}
    outbound = _outbound(order, before, covered, seller_fault, legal_basis, shipping_done)
    result = quote(
        units,
        currency=currency,
        fees=[Money(p.decision.fees_total, currency) for p in picks],
        seller_fault=seller_fault,
        bonus_percents=[p.bonus_percent for p in picks],
        outbound_shipping=outbound,
    )
    per_line = {p.line.pk: part for p, part in zip(picks, result.lines, strict=True)}
    return Estimate(result, per_line, result.total + result.bonus)


def settled(decision: Decision, part: LineRefund) -> Decision:
    """``decision`` with the amounts its line was quoted: the item refund, its share of the return's fee
    (spread over the decision's own fees), the refund and the store credit. Its explanation, the API, the
    stored decision and the refund then all say the same."""
    if not decision.eligible:
        return decision
    currency = decision.currency
    names = [name for name, _amount in decision.fees]
    if names:
        weights = [Money(amount, currency).minor() for _name, amount in decision.fees]
        fees = tuple(zip(names, (m.amount for m in part.fee.allocate(weights)), strict=True))
    else:
        fees = ()
    return decision._replace(
        item_refund=part.item.amount,
        fees=fees,
        refund_amount=part.refund.amount,
        store_credit_amount=part.store_credit.amount,
    )


def _before_this_return(line: ReturnLine) -> int:
    """Units of the line's order line that refunds of other returns cover: where this return's units
    start, as when it was quoted."""
    others = _covered([row for row in _live(line.ret.order_id) if row.ret_id != line.ret_id])
    return others.units.get(line.order_line_id, 0)


def at_inspection(line: ReturnLine, decision: Decision) -> Decision:
    """The decision made again at inspection, with the line's amounts worked out as at request: its units
    at the new percentage, less the share of the return's fee it was quoted (never more than the new
    decision charges alone), with its policy's bonus."""
    if not decision.eligible:
        return decision
    quoted = line.decision
    fee = min(Decimal(quoted.fees), decision.fees_total)
    part = line_refund(
        _units(line.order_line, _before_this_return(line), line.quantity, decision.refund_percent),
        Money(fee, decision.currency),
        policies.store_credit_bonus(quoted.version),
    )
    return settled(decision, part)


def owed(ret: Return) -> Money:
    """What the return refunds in all, as its decisions were quoted (every line not refused at inspection
    or exchanged coming back whole): what the French late-refund surcharge is counted on."""
    order = ret.order
    currency = order.currency
    lines = [
        line
        for line in ret.lines.select_related("order_line", *DECISION_RELATIONS, "exchange")
        if line.inspection != ReturnLine.Inspection.REJECTED and getattr(line, "exchange", None) is None
    ]
    others = _covered([row for row in _live(order.pk) if row.ret_id != ret.pk])
    parts = [
        line_refund(
            _units(
                line.order_line,
                others.units.get(line.order_line_id, 0),
                line.quantity,
                line.final_decision.refund_percent,
            ),
            Money(Decimal(line.final_decision.fees), currency),
            bonus_percent(line.final_decision),
        )
        for line in lines
    ]
    seller_fault = bool(lines) and all(line.reason in SELLER_FAULT_REASONS for line in lines)
    legal_basis = next((b for b in (x.final_decision.legal_basis for x in lines) if b), "")
    covered = {line.order_line_id: line.quantity for line in lines}
    outbound = _outbound(order, others.units, covered, seller_fault, legal_basis, others.shipping)
    return add_up(parts, currency=currency, outbound_shipping=outbound).total


REFUNDABLE_STATES = frozenset({states.INSPECTED, states.APPROVED, states.RECEIVED})
