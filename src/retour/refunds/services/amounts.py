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
from retour.refunds.domain.calculation import Breakdown, PaidLine, Units, breakdown, refund_outbound_shipping
from retour.returns.domain import states
from retour.returns.models import Return, ReturnLine

EXPRESS_WORDS = ("express", "expédié", "exprès", "next day", "overnight", "priority")


@dataclass(frozen=True)
class Computed:
    breakdown: Breakdown
    units: dict[int, int]  # order line id -> units this refund covers
    sellers: dict[str, Money]  # marketplace seller code -> what the seller owes back for its items
    bonus: Money  # store-credit bonus the decisions offer on top, if the shopper takes credit

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
        }


def refundable_lines(ret: Return) -> list[ReturnLine]:
    """Lines whose goods came back and passed inspection, or that the shopper keeps (returnless)."""
    lines = ret.lines.select_related("order_line__seller", "decision", "inspection_decision", "exchange")
    return [
        line
        for line in lines
        if line.inspection == ReturnLine.Inspection.ACCEPTED
        or (line.resolution == "keep" and line.decision.keep_item)
    ]


def _earlier(order_id: int, exclude_return: int | None = None) -> tuple[dict[int, int], bool]:
    """Units already refunded per order line, and whether the outbound shipping was refunded already."""
    from retour.refunds.models import RefundRequest

    units: dict[int, int] = {}
    shipping = False
    earlier = (
        RefundRequest.objects.filter(ret__order_id=order_id, refunds__status__in=["pending", "succeeded"])
        .exclude(ret_id=exclude_return)
        .distinct()
        .only("breakdown")
    )
    for row in earlier:
        for line_id, count in row.breakdown.get("units", {}).items():
            units[int(line_id)] = units.get(int(line_id), 0) + int(count)
        shipping = shipping or Decimal(row.breakdown.get("outbound_shipping", "0")) > 0
    return units, shipping


def compute(ret: Return) -> Computed:
    order = ret.order
    currency = order.currency
    lines = refundable_lines(ret)
    before, shipping_done = _earlier(ret.order_id, ret.pk)
    units: list[Units] = []
    covered: dict[int, int] = {}
    fees = Money.zero(currency)
    bonus_total = Money.zero(currency)
    legal_basis = ""
    sellers: dict[str, Money] = {}
    credit = Money.zero(currency)  # cheaper exchanges: the difference comes back
    for line in lines:
        exchanged = getattr(line, "exchange", None)
        if exchanged is not None:
            credit += max(
                -Money(Decimal(exchanged.difference), currency), Money.zero(currency), key=lambda m: m.amount
            )
            continue
        ordered = line.order_line
        decision = line.final_decision
        count = line.quantity if line.resolution == "keep" else line.received_quantity
        part = _units(ordered, before.get(ordered.pk, 0), count, decision.refund_percent)
        units.append(part)
        if ordered.seller.kind == Seller.Kind.MARKETPLACE:
            alone = breakdown([part], currency=currency, fees=Money.zero(currency), seller_fault=True)
            owed = alone.merchandise + alone.tax
            sellers[ordered.seller.code] = sellers.get(ordered.seller.code, Money.zero(currency)) + owed
        covered[ordered.pk] = covered.get(ordered.pk, 0) + count
        fees = max(
            fees, Money(Decimal(decision.fees), currency), key=lambda m: m.amount
        )  # one parcel, one fee
        if decision.refund_amount and decision.store_credit_amount > decision.refund_amount:
            ratio = Decimal(decision.store_credit_amount) / Decimal(decision.refund_amount) - 1
            bonus_total += Money(
                Decimal(decision.refund_amount) * ratio * count / max(line.quantity, 1), currency
            )
        legal_basis = legal_basis or decision.legal_basis
    seller_fault = bool(lines) and all(line.reason in SELLER_FAULT_REASONS for line in lines)
    outbound = _outbound(order, before, covered, seller_fault, legal_basis, shipping_done)
    result = breakdown(
        units, currency=currency, fees=fees, seller_fault=seller_fault, outbound_shipping=outbound
    )
    if credit.amount:
        result = replace(result, merchandise=result.merchandise + credit, total=result.total + credit)
    return Computed(result, covered, sellers, bonus_total.rounded())


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
    standard = not any(word in (order.shipping_method or "").lower() for word in EXPRESS_WORDS)
    if standard and refund_outbound_shipping(
        whole_order_back=whole,
        seller_fault=seller_fault,
        legal_basis=legal_basis,
        already_refunded=shipping_done,
    ):
        return Money(Decimal(order.shipping), order.currency)
    return None


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
    before, shipping_done = _earlier(order.pk)
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
