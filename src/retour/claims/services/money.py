"""A claim's money: the buyer's payout through the refund machinery, what it posts, and the seller's side.

A granted claim (or a seller's full refund) is paid as a refund is: one ``RefundRequest`` per claim
(key ``claim-<number>``), split over the order's payments, paid by the same gateways with the same
provider keys, exactly once. It is promised in the ledger at the cost of whoever funds it:

- seller-funded: ``seller_receivable`` (the seller owes it), recovered from the seller's next payouts
  (``recover``: ``seller_payable`` is debited, the receivable credited);
- marketplace-funded: ``claims_expense``.

An appeal that reverses a seller-funded grant moves the cost back off the seller (``claim reversed``).
Every posting about a seller carries the reference ``seller:<id>:…``: a seller's balance is the sum of
its postings, never a counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from retour.catalog.models import Seller, Store
from retour.claims.domain import states
from retour.claims.errors import RecoveryRefused, TransitionRefused
from retour.claims.models import Claim
from retour.claims.services.timeline import locked, record_event, transition
from retour.core.aggregates import AmountSum
from retour.core.money import Money
from retour.refunds.domain import ledger
from retour.refunds.gateways.base import FAILED, PENDING
from retour.refunds.models import LedgerEntry, LedgerTransaction, Refund, RefundRequest
from retour.refunds.services import books, paying
from retour.returns.services.timeline import Actor


def seller_prefix(seller_id: int) -> str:
    return f"seller:{seller_id}:"


def reference(claim: Claim) -> str:
    """The ledger reference of a claim's postings: the seller's when the seller funds it."""
    if claim.funded_by == Claim.Funding.SELLER:
        return f"{seller_prefix(claim.seller_id)}claim:{claim.number}"
    return f"claim:{claim.number}"


def charged_to(claim: Claim) -> str:
    return ledger.SELLER_RECEIVABLE if claim.funded_by == Claim.Funding.SELLER else ledger.CLAIMS_EXPENSE


def open_payout(claim: Claim, amount: Money, *, actor: Actor, attempt: int = 1) -> RefundRequest:
    """Write the claim's payout down (inside the transaction that grants it); ``pay`` it after commit.
    One key per claim (and per ``attempt`` after a payout that failed): granted twice, paid once."""
    suffix = f"-{attempt}" if attempt > 1 else ""
    request = paying.open_payout(
        claim.order,
        amount,
        idempotency_key=f"claim-{claim.number}{suffix}",
        charged_to=charged_to(claim),
        reference=reference(claim) + (f":{attempt}" if attempt > 1 else ""),
        actor=actor,
    )
    claim.payout_request = request
    return request


def pay_again(claim: Claim, *, actor: Actor = None) -> Claim:
    """What failed of a payout (a card closed since) is written down again, under a new key, and paid:
    the failed tenders stay, withdrawn in the ledger. Refused while nothing failed."""
    with transaction.atomic():
        current = locked(claim)
        if (
            current.state not in (states.GRANTED, states.SELLER_REFUNDED)
            or payout_status(current) != "failed"
        ):
            raise TransitionRefused(
                _("Only a granted claim whose payout failed is paid again."), current=current.state
            )
        tries = RefundRequest.objects.filter(
            store_id=current.store_id, idempotency_key__startswith=f"claim-{current.number}"
        ).count()
        failed = current.payout_request_id
        unpaid = Refund.objects.filter(request_id=failed, status=FAILED).aggregate(total=AmountSum("amount"))
        open_payout(current, current.money(unpaid["total"]), actor=actor, attempt=tries + 1)
        current.save(update_fields=["payout_request", "updated_at"])
        record_event(
            current,
            "payout_retried",
            actor=actor,
            data={"failed_request": failed, "amount": str(unpaid["total"]), "attempt": tries + 1},
        )
    return pay(current)


def pay(claim: Claim) -> Claim:
    """Call the gateways for the claim's payout (outside any transaction), then move a granted claim
    whose payout is paid in full to ``paid``."""
    if claim.payout_request_id is not None:
        paying.pay(RefundRequest.objects.get(pk=claim.payout_request_id))
    return settle(claim)


def payout_status(claim: Claim) -> str:
    """``none``, ``pending`` (a tender still on its way), ``paid`` (every tender), or ``failed`` (nothing
    pending, and a tender failed: what failed is to be paid again)."""
    if claim.payout_request_id is None:
        return "none"
    statuses = set(Refund.objects.filter(request_id=claim.payout_request_id).values_list("status", flat=True))
    if PENDING in statuses or not statuses:
        return "pending"
    return "failed" if FAILED in statuses else "paid"


def settle(claim: Claim) -> Claim:
    """A granted claim whose payout is paid in full becomes ``paid``, once (safe to call again)."""
    if claim.state != states.GRANTED or payout_status(claim) != "paid":
        return claim
    with transaction.atomic():
        current = locked(claim)
        if current.state != states.GRANTED:
            return current
        return transition(
            current,
            states.PAID,
            actor_label="system",
            data={"amount": str(current.payout), "currency": current.currency},
        )


def settle_payouts(limit: int = 500) -> int:
    """Every granted claim whose payout has since been paid (a manual refund confirmed, a provider that
    answered late) becomes ``paid``. Idempotent."""
    waiting = (
        Claim.objects.filter(state=states.GRANTED, payout_request__isnull=False)
        .exclude(payout_request__refunds__status__in=[PENDING, FAILED])
        .order_by("id")[:limit]
    )
    return sum(settle(claim).state == states.PAID for claim in waiting)


def reverse(claim: Claim) -> None:
    """An appeal reversed the grant of ``claim``: a seller who funded it owes nothing for it any more
    (recovered already: the seller is owed it back); the marketplace bears what the buyer was paid."""
    if claim.funded_by != Claim.Funding.SELLER or not claim.payout:
        return
    books.post(
        ledger.claim_reversed(claim.money(claim.payout)),
        store_id=claim.store_id,
        currency=claim.currency,
        reference=reference(claim),
    )


@dataclass(frozen=True)
class Balance:
    seller: Seller
    owed: Money  # positive: the seller owes the marketplace; negative: the marketplace owes the seller


def _of_seller(seller: Seller) -> Q:
    # Claims postings carry the seller's reference; a return's items charged back to a marketplace seller
    # are posted under the memo "seller <code>" (refunds.services.refund_ledger).
    return Q(transaction__reference__startswith=seller_prefix(seller.pk)) | Q(
        transaction__store_id=seller.store_id, transaction__memo=f"seller {seller.code}"
    )


def seller_balance(seller: Seller, currency: str) -> Money:
    """What ``seller`` owes the marketplace in ``currency``: its receivable, from the ledger."""
    totals = LedgerEntry.objects.filter(
        _of_seller(seller), account=ledger.SELLER_RECEIVABLE, transaction__currency=currency
    ).aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    return Money(Decimal(totals["debit"] or 0) - Decimal(totals["credit"] or 0), currency)


def seller_balances(store: Store) -> list[Balance]:
    """Every seller of ``store`` with a balance, per currency, the largest debt first."""
    found = []
    for seller in Seller.objects.filter(store=store).order_by("code"):
        currencies = (
            LedgerEntry.objects.filter(_of_seller(seller), account=ledger.SELLER_RECEIVABLE)
            .values_list("transaction__currency", flat=True)
            .distinct()
        )
        for currency in sorted(set(currencies)):
            owed = seller_balance(seller, currency)
            if owed:
                found.append(Balance(seller, owed))
    return sorted(found, key=lambda b: (-b.owed.amount, b.seller.code))


def recover(seller: Seller, amount: Money, *, reference: str, actor: Actor = None) -> LedgerTransaction:
    """Withhold ``amount`` of what ``seller`` owes from the seller's next payout (``reference``: that
    payout's, once per seller). The same reference again returns the first posting."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 200:
        raise RecoveryRefused(_("Give the payout's reference (1 to 200 characters)."))
    full = f"{seller_prefix(seller.pk)}recovery:{reference}"
    with transaction.atomic():
        Seller.objects.select_for_update().filter(pk=seller.pk).first()  # one recovery at a time
        found = LedgerTransaction.objects.filter(
            store_id=seller.store_id, memo="claim recovery", reference=full
        ).first()
        if found is not None:
            return found
        owed = seller_balance(seller, amount.currency)
        if amount.amount <= 0 or amount.rounded() != amount or amount > owed:
            raise RecoveryRefused(
                _("Recover a positive amount of at most what the seller owes (%(owed)s).")
                % {"owed": owed.rounded().format()},
                owed=str(owed.amount),
            )
        posted = books.post(
            ledger.claim_recovered(amount),
            store_id=seller.store_id,
            currency=amount.currency,
            reference=full,
        )
        assert posted is not None  # the reference was free under the seller's lock
    return posted


@dataclass(frozen=True)
class Movement:
    """One posting on a seller's receivable: what was charged to the seller (+) or recovered / given back
    (-), as the ledger has it."""

    at: datetime
    memo: str
    reference: str
    amount: Money


def seller_statement(seller: Seller, limit: int = 200) -> list[Movement]:
    """The seller's receivable postings, newest first (its balance is their sum: ``seller_balance``)."""
    entries = (
        LedgerEntry.objects.filter(_of_seller(seller), account=ledger.SELLER_RECEIVABLE)
        .select_related("transaction")
        .order_by("-transaction__created_at", "-id")[:limit]
    )
    return [
        Movement(
            at=entry.transaction.created_at,
            memo=entry.transaction.memo,
            reference=entry.transaction.reference,
            amount=Money(Decimal(entry.debit) - Decimal(entry.credit), entry.transaction.currency),
        )
        for entry in entries
    ]
