"""Gift cards: a balance per card, known by its code (the payment's reference), kept apart from store
credit: its own ledger account (gift-card liability), no store-credit expiry, no customer needed.

The balance is the sum of the card's movements; spending is once per reference.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Payment
from retour.refunds.domain import ledger
from retour.refunds.errors import ReferenceReused
from retour.refunds.models import GiftCard, GiftCardMovement
from retour.refunds.services import spending


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


def _refuse_amount(amount: Money, card: GiftCard | None) -> DomainError | None:
    if amount.amount <= 0 or (card is not None and amount.currency != card.currency):
        return NotEnoughOnGiftCard(_("The amount to use must be positive, in the card's currency."))
    return None


def _not_enough(available: Money) -> DomainError:
    return NotEnoughOnGiftCard(
        _("Only %(available)s is left on the gift card.") % {"available": available.format()},
        available=str(available.amount),
    )


GIFT_CARD: spending.Balance[GiftCard, GiftCardMovement] = spending.Balance(
    movements=GiftCardMovement,
    holder="card",
    store_of=lambda card: card.store_id,
    posting=ledger.gift_card_used,
    ledger_reference=lambda card, reference: f"gift card {card.pk}:{reference}",
    refuse_amount=_refuse_amount,
    refuse_reference=lambda: ReferenceReused(
        _("Say what the gift card pays for (a reference of 1 to 300 characters).")
    ),
    reused=lambda reference: ReferenceReused(
        _("This reference already spent a different amount of the gift card."), reference=reference
    ),
    not_enough=_not_enough,
)


def spend(card: GiftCard, amount: Money, *, reference: str) -> tuple[GiftCardMovement, bool]:
    """Spend ``amount`` of the card (an order paid with it), never below zero, once per ``reference``."""
    return spending.spend(
        GIFT_CARD,
        lambda: GiftCard.objects.select_for_update().get(pk=card.pk),
        amount,
        reference=reference,
        holder=card,
    )
