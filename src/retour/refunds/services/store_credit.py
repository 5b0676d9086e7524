"""A customer's store credit: its balance, spending it, and letting what is past its date expire.

The balance is the sum of the account's movements (credits from refunds and bonuses, minus uses and
expiries); uses come out of the oldest credits first, so what is left past a credit's date is written
off. Every movement posts to the ledger. Spending is once per reference: asking again with it returns
the first use.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Customer
from retour.refunds.domain import ledger
from retour.refunds.errors import ReferenceReused
from retour.refunds.models import StoreCreditAccount, StoreCreditMovement
from retour.refunds.services import books, spending


class NotEnoughStoreCredit(DomainError):
    code = "not_enough_store_credit"
    status = 409


def balance(customer: Customer, currency: str, today: date | None = None) -> Money:
    account = StoreCreditAccount.objects.filter(customer=customer, currency=currency).first()
    if account is None:
        return Money.zero(currency)
    return _balance(account)


def _balance(account: StoreCreditAccount) -> Money:
    total = account.movements.aggregate(total=AmountSum("amount"))["total"] or Decimal(0)
    return Money(Decimal(total), account.currency).rounded()


def balances(customer: Customer) -> list[Money]:
    """Every currency the customer holds credit in (zero balances too: the account exists)."""
    return [_balance(account) for account in customer.store_credit_accounts.order_by("currency")]


def _post(account: StoreCreditAccount, entry: ledger.Transaction, reference: str = "") -> None:
    books.post(entry, store_id=account.customer.store_id, currency=account.currency, reference=reference)


def use(customer: Customer, amount: Money, *, reference: str) -> StoreCreditMovement:
    """Spend ``amount`` of the customer's store credit (an order paid with it); never below zero."""
    return spend(customer, amount, reference=reference)[0]


def _refuse_amount(amount: Money, _account: StoreCreditAccount | None) -> DomainError | None:
    return NotEnoughStoreCredit(_("The amount to use must be positive.")) if amount.amount <= 0 else None


def _not_enough(available: Money) -> DomainError:
    return NotEnoughStoreCredit(
        _("Only %(available)s of store credit is available.") % {"available": available.format()},
        available=str(available.amount),
    )


STORE_CREDIT: spending.Balance[StoreCreditAccount, StoreCreditMovement] = spending.Balance(
    movements=StoreCreditMovement,
    holder="account",
    store_of=lambda account: account.customer.store_id,
    posting=ledger.store_credit_used,
    ledger_reference=lambda account, reference: f"{account.pk}:{reference}",
    refuse_amount=_refuse_amount,
    refuse_reference=lambda: ReferenceReused(
        _("Say what the store credit pays for (a reference of 1 to 300 characters).")
    ),
    reused=lambda reference: ReferenceReused(
        _("This reference already spent a different amount of store credit."), reference=reference
    ),
    not_enough=_not_enough,
)


def spend(customer: Customer, amount: Money, *, reference: str) -> tuple[StoreCreditMovement, bool]:
    """``use``, saying whether this call spent it (False: the reference was spent already)."""

    def lock() -> StoreCreditAccount | None:
        return (
            StoreCreditAccount.objects.select_for_update()
            .select_related("customer")
            .filter(customer=customer, currency=amount.currency)
            .first()
        )

    return spending.spend(STORE_CREDIT, lock, amount, reference=reference)


def expire(today: date | None = None) -> int:
    """Write off each account's balance that only expired credits still hold. Safe to run twice a day:
    what was written off is no longer in the balance."""
    written = 0
    for account_id in StoreCreditAccount.objects.values_list("pk", flat=True):
        with transaction.atomic():
            account = (
                StoreCreditAccount.objects.select_for_update(of=("self",))
                .select_related("customer__store")
                .get(pk=account_id)
            )
            day = today or timezone.localdate(timezone=account.customer.store.zone)  # the store's day
            movements = account.movements.all()
            total = Decimal(movements.aggregate(total=AmountSum("amount"))["total"] or 0)
            live = Decimal(
                movements.filter(amount__gt=0)
                .exclude(expires_on__lt=day)
                .aggregate(total=AmountSum("amount"))["total"]
                or 0
            )
            lapsed = total - live  # what only credits past their date still hold (uses come out oldest first)
            if lapsed <= 0:
                continue
            StoreCreditMovement.objects.create(account=account, amount=-lapsed, reason="expired")
            _post(account, ledger.store_credit_expired(Money(lapsed, account.currency)))
            written += 1
    return written
