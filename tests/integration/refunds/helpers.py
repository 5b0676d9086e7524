"""Helpers for the refunds tests: inspected returns, ledger checks."""

from __future__ import annotations

from decimal import Decimal

from retour.core.aggregates import AmountSum
from retour.orders.models import Order
from retour.refunds.models import LedgerEntry, LedgerTransaction
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return


def inspect_all(ret: Return, condition: str = "unopened") -> Return:
    ret = handling.receive(ret, actor=None)
    gradings = [handling.Grading(line.pk, condition) for line in ret.lines.all()]
    return handling.inspect(ret, gradings, actor=None)


def returned(
    order: Order,
    quantities: dict[int, int] | None = None,
    reason: str = "defective",
    resolution: str = "refund",
) -> Return:
    """A return of ``quantities`` (order line position -> units), received and accepted."""
    lines = list(order.lines.order_by("position"))
    quantities = quantities or {0: lines[0].quantity}
    ret = create_return(
        order, [LineRequest(lines[i].pk, n, reason, "unopened", resolution) for i, n in quantities.items()]
    )
    return inspect_all(ret)


def account(name: str) -> Decimal:
    """Credit minus debit on one ledger account (what it owes, for a liability)."""
    totals = LedgerEntry.objects.filter(account=name).aggregate(
        debit=AmountSum("debit"), credit=AmountSum("credit")
    )
    return (totals["credit"] or Decimal(0)) - (totals["debit"] or Decimal(0))


def balanced() -> bool:
    """Every transaction balances on its own, and so does the whole ledger."""
    for row in LedgerTransaction.objects.all():
        totals = row.entries.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
        if totals["debit"] != totals["credit"]:
            return False
    totals = LedgerEntry.objects.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    return (totals["debit"] or 0) == (totals["credit"] or 0)
