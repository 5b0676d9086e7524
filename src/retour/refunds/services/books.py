"""Writing the ledger: each ``domain.ledger`` transaction saved once, with what it is about.

A transaction is tied to a refund row, a refund request, a charge or a reference, and the database allows
one of each memo per tie, so a posting repeated by a retry or a second worker is refused rather than
counted twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from retour.core.aggregates import AmountSum
from retour.core.money import Money
from retour.refunds.domain import ledger
from retour.refunds.models import Charge, LedgerEntry, LedgerTransaction, Refund, RefundRequest


def post(
    entry: ledger.Transaction,
    *,
    store_id: int,
    currency: str,
    refund: Refund | None = None,
    request: RefundRequest | None = None,
    charge: Charge | None = None,
    reference: str = "",
    memo: str = "",
) -> LedgerTransaction | None:
    """Save ``entry``; None when it moves nothing or was saved already for the same tie and memo."""
    if not entry.postings:
        return None
    try:
        with transaction.atomic():
            row = LedgerTransaction.objects.create(
                memo=(memo or entry.memo)[:64],
                store_id=store_id,
                refund=refund,
                request=request if request is not None else (refund.request if refund else None),
                charge=charge,
                reference=reference[:300],
                currency=currency,
            )
            LedgerEntry.objects.bulk_create(
                LedgerEntry(transaction=row, account=p.account, debit=p.debit.amount, credit=p.credit.amount)
                for p in entry.postings
            )
    except IntegrityError:
        return None
    return row


def posted(**tie: object) -> bool:
    return LedgerTransaction.objects.filter(**tie).exists()


def balances_of(request: RefundRequest) -> dict[str, Money]:
    """Debit minus credit per account over everything posted for ``request`` and its tenders."""
    rows = (
        LedgerEntry.objects.filter(transaction__request=request)
        .values("account")
        .annotate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    )
    return {
        row["account"]: Money(Decimal(row["debit"] or 0) - Decimal(row["credit"] or 0), request.currency)
        for row in rows
    }
