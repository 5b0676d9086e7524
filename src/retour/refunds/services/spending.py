"""Spending a balance kept as movements (store credit, a gift card), once per reference.

Under the holder's row lock (the account, the card): a reference already spent returns its movement when
the amount is the same and is refused when it differs; otherwise the balance (the sum of the movements)
must cover the amount, one ``used`` movement is written and its ledger transaction posted. A ``Balance``
names what differs: the tables, the holder's lock, the errors' words and the ledger posting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import transaction

from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.refunds.domain import ledger
from retour.refunds.models import GiftCard, GiftCardMovement, StoreCreditAccount, StoreCreditMovement
from retour.refunds.services import books

Holder = TypeVar("Holder", StoreCreditAccount, GiftCard)
Movement = TypeVar("Movement", StoreCreditMovement, GiftCardMovement)


@dataclass(frozen=True)
class Balance(Generic[Holder, Movement]):
    """One kind of balance: ``holder`` is the movements' foreign key to what holds the balance."""

    movements: type[Movement]
    holder: str
    store_of: Callable[[Holder], int]
    posting: Callable[[Money], ledger.Transaction]
    ledger_reference: Callable[[Holder, str], str]
    refuse_amount: Callable[[Money, Holder | None], DomainError | None]  # before anything is locked
    refuse_reference: Callable[[], DomainError]  # a reference missing or too long
    reused: Callable[[str], DomainError]  # a reference that spent another amount
    not_enough: Callable[[Money], DomainError]  # what is available


def total(kind: Balance[Holder, Movement], holder: Holder) -> Money:
    """The holder's balance: the sum of its movements."""
    rows = kind.movements.objects.filter(**{kind.holder: holder})
    return Money(Decimal(rows.aggregate(total=AmountSum("amount"))["total"] or 0), holder.currency).rounded()


def spend(
    kind: Balance[Holder, Movement],
    lock: Callable[[], Holder | None],
    amount: Money,
    *,
    reference: str,
    holder: Holder | None = None,
) -> tuple[Movement, bool]:
    """Spend ``amount`` of the balance ``lock`` locks and returns (None: there is none), never below
    zero, once per ``reference``; says whether this call spent it (False: the reference had). ``holder``
    is the unlocked holder, when known, for checks made before the lock."""
    reference = reference.strip()
    refused = kind.refuse_amount(amount, holder)
    if refused is not None:
        raise refused
    if not reference or len(reference) > 300:
        raise kind.refuse_reference()
    rounded = amount.rounded()
    with transaction.atomic():
        locked = lock()
        where: dict[str, Any] = {kind.holder: locked, "reference": reference}
        earlier = kind.movements.objects.filter(**where).first() if locked is not None else None
        if earlier is not None:
            if -Decimal(earlier.amount) != rounded.amount:
                raise kind.reused(reference)
            return earlier, False
        available = total(kind, locked) if locked is not None else Money.zero(amount.currency)
        if locked is None or available.amount < amount.amount:
            raise kind.not_enough(available)
        movement = kind.movements.objects.create(
            **{kind.holder: locked}, amount=-rounded.amount, reason="used", reference=reference
        )
        books.post(
            kind.posting(rounded),
            store_id=kind.store_of(locked),
            currency=locked.currency,
            reference=kind.ledger_reference(locked, reference),
        )
    return movement, True
