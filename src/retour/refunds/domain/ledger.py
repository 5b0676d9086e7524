"""Double-entry bookkeeping as values: a transaction whose debits equal its credits, per currency.

The services persist what these build; a transaction that does not balance cannot even be made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from retour.core.money import Money

SALES_RETURNS = "sales_returns"  # contra-revenue: what goes back to shoppers
PAYMENT_CLEARING = "payment_clearing"  # money leaving through a payment provider or by hand
REFUNDS_PAYABLE = "refunds_payable"  # promised when asked for, settled as each tender is paid
STORE_CREDIT_LIABILITY = "store_credit_liability"
GIFT_CARD_LIABILITY = "gift_card_liability"
FEE_INCOME = "fee_income"
MARKETING_EXPENSE = "marketing_expense"  # store-credit bonuses
SHIPPING_COST = "shipping_cost"  # outbound shipping refunded, return labels paid
SELLER_RECEIVABLE = "seller_receivable"
STORE_CREDIT_BREAKAGE = "store_credit_breakage"  # income: store credit that expired unused
SALES = "sales"  # a purchase paid with store credit or a gift card, an exchange charged
CLAIMS_EXPENSE = "claims_expense"  # guarantee claims the marketplace bears itself
SELLER_PAYABLE = "seller_payable"  # what the marketplace owes its sellers (their next payouts)
ACCOUNTS = (
    SALES_RETURNS,
    PAYMENT_CLEARING,
    REFUNDS_PAYABLE,
    STORE_CREDIT_LIABILITY,
    GIFT_CARD_LIABILITY,
    FEE_INCOME,
    MARKETING_EXPENSE,
    SHIPPING_COST,
    SELLER_RECEIVABLE,
    STORE_CREDIT_BREAKAGE,
    SALES,
    CLAIMS_EXPENSE,
    SELLER_PAYABLE,
)


class Unbalanced(ValueError):
    pass


@dataclass(frozen=True)
class Posting:
    account: str
    debit: Money
    credit: Money


@dataclass(frozen=True)
class Transaction:
    memo: str
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        currencies = {p.debit.currency for p in self.postings} | {p.credit.currency for p in self.postings}
        if self.postings and len(currencies) != 1:  # no postings: nothing moved (nothing to save)
            raise Unbalanced(f"one currency per transaction, not {sorted(currencies)}")
        if any(p.account not in ACCOUNTS for p in self.postings):
            raise Unbalanced("unknown account")
        debit = sum(p.debit.amount for p in self.postings)
        credit = sum(p.credit.amount for p in self.postings)
        if debit != credit:
            raise Unbalanced(f"debits {debit} != credits {credit}")


def _debit(account: str, amount: Money) -> Posting:
    return Posting(account, amount, Money.zero(amount.currency))


def _credit(account: str, amount: Money) -> Posting:
    return Posting(account, Money.zero(amount.currency), amount)


def _non_zero(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    return tuple(p for p in postings if p.debit.amount or p.credit.amount)


def refund_promised(goods: Money, shipping: Money, fees: Money) -> Transaction:
    """A refund is asked for: the sale of the goods (merchandise and tax) is reversed, the outbound
    shipping paid back is a shipping cost, the fees kept are income, and the rest is owed to the shopper
    (refunds payable) until each tender is paid."""
    owed = goods + shipping - fees
    return Transaction(
        "refund promised",
        _non_zero(
            [
                _debit(SALES_RETURNS, goods),
                _debit(SHIPPING_COST, shipping),
                _credit(FEE_INCOME, fees),
                _credit(REFUNDS_PAYABLE, owed),
            ]
        ),
    )


def settle_payable(amount: Money, *, paid_to: str = PAYMENT_CLEARING) -> Transaction:
    """A tender of a promised refund is paid: through a provider or by hand (payment clearing), or as
    store credit or back to a gift card (their liabilities)."""
    return Transaction("refund paid", (_debit(REFUNDS_PAYABLE, amount), _credit(paid_to, amount)))


def refund_failed(amount: Money, *, charged_to: str = SALES_RETURNS) -> Transaction:
    """A tender could not be paid: that part of the promise is withdrawn from the account it was charged
    to (sales returns for a return's refund, the seller or the marketplace for a claim's payout)."""
    return Transaction("refund failed", (_debit(REFUNDS_PAYABLE, amount), _credit(charged_to, amount)))


def payout_promised(amount: Money, *, charged_to: str) -> Transaction:
    """A payout that is no return's refund (a guarantee claim's) is owed to the buyer, at the cost of
    ``charged_to``: a receivable from the seller who funds it, or the marketplace's claims expense."""
    return Transaction("claim payout", (_debit(charged_to, amount), _credit(REFUNDS_PAYABLE, amount)))


def claim_reversed(amount: Money) -> Transaction:
    """An appeal reversed a seller-funded claim: the seller owes nothing for it; the marketplace bears
    the payout the buyer keeps."""
    return Transaction("claim reversed", (_debit(CLAIMS_EXPENSE, amount), _credit(SELLER_RECEIVABLE, amount)))


def claim_recovered(amount: Money) -> Transaction:
    """What a seller owes is withheld from the payout the marketplace owes the seller."""
    return Transaction("claim recovery", (_debit(SELLER_PAYABLE, amount), _credit(SELLER_RECEIVABLE, amount)))


def closing(memo: str, balances: dict[str, Money]) -> Transaction:
    """What brings each account of ``balances`` (debit minus credit) back to zero: a promise withdrawn."""
    return Transaction(
        memo,
        _non_zero(
            _credit(account, amount) if amount.amount > 0 else _debit(account, -amount)
            for account, amount in sorted(balances.items())
        ),
    )


def label_cost(amount: Money) -> Transaction:
    """A prepaid return label the store pays the carrier for."""
    return Transaction("return label", (_debit(SHIPPING_COST, amount), _credit(PAYMENT_CLEARING, amount)))


def label_voided(amount: Money) -> Transaction:
    """An unused return label given back to the carrier: its postage comes back."""
    return Transaction(
        "return label voided", (_debit(PAYMENT_CLEARING, amount), _credit(SHIPPING_COST, amount))
    )


def charge_collected(amount: Money) -> Transaction:
    """The shopper paid for an exchange (a dearer item's difference, an instant exchange kept)."""
    return Transaction("charge collected", (_debit(PAYMENT_CLEARING, amount), _credit(SALES, amount)))


def store_credit_bonus(bonus: Money) -> Transaction:
    return Transaction(
        "store credit bonus", (_debit(MARKETING_EXPENSE, bonus), _credit(STORE_CREDIT_LIABILITY, bonus))
    )


def store_credit_used(amount: Money) -> Transaction:
    return Transaction("store credit used", (_debit(STORE_CREDIT_LIABILITY, amount), _credit(SALES, amount)))


def gift_card_used(amount: Money) -> Transaction:
    return Transaction("gift card used", (_debit(GIFT_CARD_LIABILITY, amount), _credit(SALES, amount)))


def store_credit_expired(amount: Money) -> Transaction:
    return Transaction(
        "store credit expired",
        (_debit(STORE_CREDIT_LIABILITY, amount), _credit(STORE_CREDIT_BREAKAGE, amount)),
    )


def seller_charged_back(amount: Money) -> Transaction:
    return Transaction(
        "seller charged back", (_debit(SELLER_RECEIVABLE, amount), _credit(SALES_RETURNS, amount))
    )


def balances(transactions: Iterable[Transaction]) -> dict[str, Money]:
    """Debits minus credits per account (one currency)."""
    totals: dict[str, Money] = {}
    for transaction in transactions:
        for p in transaction.postings:
            totals[p.account] = totals.get(p.account, Money.zero(p.debit.currency)) + p.debit - p.credit
    return totals


def trial_balance(transactions: Iterable[Transaction]) -> dict[str, Money]:
    """Debits minus credits per currency over every posting: zero for each currency, always."""
    totals: dict[str, Money] = {}
    for transaction in transactions:
        for p in transaction.postings:
            totals[p.debit.currency] = (
                totals.get(p.debit.currency, Money.zero(p.debit.currency)) + p.debit - p.credit
            )
    return totals
