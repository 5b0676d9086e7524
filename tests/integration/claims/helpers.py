"""What the ledger says, for the claims tests."""

from __future__ import annotations

from decimal import Decimal

from retour.core.aggregates import AmountSum
from retour.refunds.models import LedgerEntry


def balanced() -> bool:
    """Debits equal credits over the whole ledger."""
    totals = LedgerEntry.objects.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    return (totals["debit"] or 0) == (totals["credit"] or 0)


def account(name: str) -> Decimal:
    """Debit minus credit on one ledger account."""
    totals = LedgerEntry.objects.filter(account=name).aggregate(
        debit=AmountSum("debit"), credit=AmountSum("credit")
    )
    return (totals["debit"] or Decimal(0)) - (totals["credit"] or Decimal(0))
