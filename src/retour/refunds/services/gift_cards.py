"""Gift cards: a balance per card, known by its code (the payment's reference), kept apart from store
credit: its own ledger account (gift-card liability), no store-credit expiry, no customer needed.

The balance is the sum of the card's movements; spending is once per reference.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Payment
from retour.refunds.domain import ledger
from retour.refunds.errors import ReferenceReused
from retour.refunds.models import GiftCard, GiftCardMovement
from retour.refunds.services import books


class NotEnoughOnGiftCard(DomainError):
    code = "not_enough_on_gift_card"
    status = 409


class GiftCardNotFound(DomainError):
    code = "gift_card_not_found"
    status = 404


def code_of(payment: Payment) -> str:
    """The card a payment was made with: its reference, or the order's number and the payment's place."""
    return payment.reference.strip() or f"{payment.order.number}/{payment.position + 1}"


def card_for(store_id: int, code: str, currency: str) -> GiftCard:
    card, _created = GiftCard.objects.get_or_create(
        store_id=store_id, code=code, defaults={"currency": currency}
    )
    return card


def find(store: Store, code: str) -> GiftCard:
    card = GiftCard.objects.filter(store=store, code=code.strip()).first()
    if card is None:
        raise GiftCardNotFound(_("There is no gift card %(code)s.") % {"code": code.strip()})
    return card


def balance(card: GiftCard) -> Money:
    total = card.movements.aggregate(total=AmountSum("amount"))["total"] or Decimal(0)
    return Money(Decimal(total), card.currency).rounded()


def spend(card: GiftCard, amount: Money, *, reference: str) -> tuple[GiftCardMovement, bool]:
    """Spend ``amount`` of the card (an order paid with it), never below zero, once per ``reference``."""
    reference = reference.strip()
    if amount.amount <= 0 or amount.currency != card.currency:
        raise NotEnoughOnGiftCard(_("The amount to use must be positive, in the card's currency."))
    if not reference or len(reference) > 300:
        raise ReferenceReused(_("Say what the gift card pays for (a reference of 1 to 300 characters)."))
    with transaction.atomic():
        locked = GiftCard.objects.select_for_update().get(pk=card.pk)
        earlier = locked.movements.filter(reference=reference).first()
        if earlier is not None:
            if -Decimal(earlier.amount) != amount.rounded().amount:
                raise ReferenceReused(
                    _("This reference already spent a different amount of the gift card."),
                    reference=reference,
                )
            return earlier, False
        available = balance(locked)
        if available.amount < amount.amount:
            raise NotEnoughOnGiftCard(
                _("Only %(available)s is left on the gift card.") % {"available": available.format()},
                available=str(available.amount),
            )
        movement = GiftCardMovement.objects.create(
            card=locked, amount=-amount.rounded().amount, reason="used", reference=reference
        )
        books.post(
            ledger.gift_card_used(amount.rounded()),
            store_id=locked.store_id,
            currency=locked.currency,
            reference=f"gift card {locked.pk}:{reference}",
        )
    return movement, True
