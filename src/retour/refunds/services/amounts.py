"""What a return refunds, read from the order and the decisions, computed by ``domain.calculation``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from retour.catalog.models import Seller
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.policies.domain.decision import Decision
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS
from retour.refunds.domain.calculation import (
    Breakdown,
    PaidLine,
    Units,
    breakdown,
    outbound_shipping_refund,
    refund_outbound_shipping,
)
from retour.refunds.models import DeliveryPrices, RefundRequest
from retour.returns.domain import states
from retour.returns.models import Return, ReturnLine

EXPRESS_WORDS = ("express", "expédié", "exprès", "next day", "overnight", "priority")


LIVE = ("pending", "succeeded")  # a request with a tender in one of these covers its units


@dataclass(frozen=True)
class Computed:
    breakdown: Breakdown
    units: dict[int, int]  # order line id -> units this refund covers
    sellers: dict[str, Money]  # marketplace seller code -> what the seller owes back for its items
    bonus: Money  # store-credit bonus the decisions offer on top, if the shopper takes credit
    exchanges: dict[int, Money]  # return line id -> a cheaper exchange's difference this refund pays back

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
            "sellers": {code: str(amount.amount) for code, amount in self.sellers.items()},
            "exchanges": {str(k): str(amount.amount) for k, amount in self.exchanges.items()},
        }

    @property
    def anything(self) -> bool:
        """Whether there is anything (units or an exchange's difference) left to refund."""
        return bool(self.units or self.exchanges)


def refundable_lines(ret: Return) -> list[ReturnLine]:
    """Lines whose goods came back and passed inspection, or that the shopper keeps (returnless)."""
    lines = ret.lines.select_related("order_line__seller", "decision", "inspection_decision", "exchange")
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
    fees: Decimal  # fees kept


def _live(order_id: int) -> list[RefundRequest]:
    return list(
        RefundRequest.objects.filter(ret__order_id=order_id, refunds__status__in=LIVE)
        .distinct()
        .only("ret_id", "breakdown", "fees")
    )


def _covered(requests: Sequence[RefundRequest]) -> Covered:
    units: dict[int, int] = {}
    exchanges: set[int] = set()
    for row in requests:
        for line_id, count in row.breakdown.get("units", {}).items():
            units[int(line_id)] = units.get(int(line_id), 0) + int(count)
        exchanges |= {int(line_id) for line_id in row.breakdown.get("exchanges", {})}
    return Covered(
        units,
        any(Decimal(row.breakdown.get("outbound_shipping", "0")) > 0 for row in requests),
        frozenset(exchanges),
        sum((Decimal(row.fees) for row in requests), Decimal(0)),
    )


def compute(ret: Return) -> Computed:
    """What a refund of ``ret`` pays now: the accepted units (and cheaper exchanges' differences) that no
    earlier refund of the return covered, so a line accepted after a first refund is refunded by a second."""
    order = ret.order
    currency = order.currency
    zero = Money.zero(currency)
    lines = refundable_lines(ret)
    live = _live(ret.order_id)
    everyone = _covered(live)
    own = _covered([row for row in live if row.ret_id == ret.pk])
    done = dict(own.units)  # this return's refunded units, still to match with its lines
    units: list[Units] = []
    covered: dict[int, int] = {}
    sellers: dict[str, Money] = {}
    bonus = zero
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
        before = everyone.units.get(ordered.pk, 0) + covered.get(ordered.pk, 0)
        part = _units(ordered, before, count, line.final_decision.refund_percent)
        units.append(part)
        covered[ordered.pk] = covered.get(ordered.pk, 0) + count
        _seller_share(sellers, ordered, part)
        bonus += _bonus(line, count)
    seller_fault = bool(lines) and all(line.reason in SELLER_FAULT_REASONS for line in lines)
    legal_basis = next((b for b in (x.final_decision.legal_basis for x in kept) if b), "")
    outbound = _outbound(order, everyone.units, covered, seller_fault, legal_basis, everyone.shipping)
    result = breakdown(
        units,
        currency=currency,
        fees=_fees(kept, own.fees, currency),
        seller_fault=seller_fault,
        outbound_shipping=outbound,
    )
    credit = sum(exchanges.values(), zero)
    if credit.amount:
        result = replace(result, merchandise=result.merchandise + credit, total=result.total + credit)
    return Computed(result, covered, sellers, bonus.rounded(), exchanges)


def _fees(lines: Sequence[ReturnLine], kept_already: Decimal, currency: str) -> Money:
    """One parcel, one fee (the largest the decisions set), less what earlier refunds of it kept."""
    fee = max((Decimal(line.final_decision.fees) for line in lines), default=Decimal(0))
    return Money(max(fee - kept_already, Decimal(0)), currency)


def _seller_share(sellers: dict[str, Money], ordered: OrderLine, part: Units) -> None:
    """A marketplace seller owes back what its units refund (merchandise and tax, no fees)."""
    if ordered.seller.kind != Seller.Kind.MARKETPLACE:
        return
    currency = ordered.order.currency
    alone = breakdown([part], currency=currency, fees=Money.zero(currency), seller_fault=True)
    code = ordered.seller.code
    sellers[code] = sellers.get(code, Money.zero(currency)) + alone.merchandise + alone.tax


def _bonus(line: ReturnLine, count: int) -> Money:
    """The store-credit bonus the line's decision offers for ``count`` of its units."""
    decision = line.final_decision
    currency = line.order_line.order.currency
    if not decision.refund_amount or decision.store_credit_amount <= decision.refund_amount:
        return Money.zero(currency)
    ratio = Decimal(decision.store_credit_amount) / Decimal(decision.refund_amount) - 1
    return Money(Decimal(decision.refund_amount) * ratio * count / max(line.quantity, 1), currency)


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
    prices = DeliveryPrices.objects.filter(store_id=order.store_id, currency=order.currency).first()
    return Money(Decimal(prices.standard_delivery), order.currency) if prices is not None else None


@dataclass(frozen=True)
class Pick:
    """Units of an order line a shopper is about to send back, with the policy's decision on them."""

    line: OrderLine
    count: int
    decision: Decision
    reason: str


@dataclass(frozen=True)
class Estimate:
    breakdown: Breakdown  # every pick together: one parcel, one fee
    per_line: dict[int, Money]  # order line id -> what its units refund before fees
    store_credit: Money  # the total as store credit, with the decisions' bonus


def estimate(order: Order, picks: Sequence[Pick]) -> Estimate:
    """What a return of ``picks`` would refund if every unit came back as reported: the same calculation
    as ``compute``, before the return exists (the portal shows it before the shopper confirms)."""
    currency = order.currency
    zero = Money.zero(currency)
    everyone = _covered(_live(order.pk))
    before, shipping_done = everyone.units, everyone.shipping
    units = [_units(p.line, before.get(p.line.pk, 0), p.count, p.decision.refund_percent) for p in picks]
    per_line = {
        p.line.pk: breakdown([u], currency=currency, fees=zero, seller_fault=True).total
        for p, u in zip(picks, units, strict=True)
    }
    fees = max((Money(p.decision.fees_total, currency) for p in picks), default=zero, key=lambda m: m.amount)
    seller_fault = bool(picks) and all(p.reason in SELLER_FAULT_REASONS for p in picks)
    legal_basis = next((p.decision.legal_basis for p in picks if p.decision.legal_basis), "") or ""
    covered = {p.line.pk: p.count for p in picks}
    outbound = _outbound(order, before, covered, seller_fault, legal_basis, shipping_done)
    result = breakdown(
        units, currency=currency, fees=fees, seller_fault=seller_fault, outbound_shipping=outbound
    )
    # The bonus as ``compute`` will pay it: on each decision's refund, what its store credit adds.
    bonus = sum(
        (
            Money(p.decision.store_credit_amount - p.decision.refund_amount, currency)
            for p in picks
            if p.decision.store_credit_amount > p.decision.refund_amount
        ),
        zero,
    )
    return Estimate(result, per_line, (result.total + bonus).rounded())


REFUNDABLE_STATES = frozenset({states.INSPECTED, states.APPROVED, states.RECEIVED})
