"""Gift card back to gift card: the refund goes onto the card's own balance (keyed by the payment's
reference), once per refund; no customer needed, no store-credit expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from retour.refunds.gateways.base import FAILED, SUCCEEDED, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Charge, Refund


class GiftCardGateway:
    name = "gift_card"

    def refund(self, refund: Refund) -> GatewayResult:
        from retour.refunds.models import GiftCardMovement
        from retour.refunds.services import gift_cards

        if refund.payment is None:
            return GatewayResult(FAILED, error="no gift card payment to refund to")
        card = gift_cards.card_for(refund.order.store_id, gift_cards.code_of(refund.payment), refund.currency)
        if card.currency != refund.currency:
            return GatewayResult(FAILED, error=f"the gift card {card.code} holds {card.currency}")
        try:
            with transaction.atomic():
                GiftCardMovement.objects.create(
                    card=card, amount=refund.amount, reason="refund", refund=refund
                )
        except IntegrityError:
            pass  # put back on the card by an earlier call for this refund
        return GatewayResult(SUCCEEDED, reference=f"gift-card-{card.code}")

    def retrieve(self, refund: Refund) -> GatewayResult:
        return self.refund(refund)

    def charge(self, charge: Charge) -> GatewayResult:
        return GatewayResult(FAILED, error="an exchange is not charged to a gift card")

    def retrieve_charge(self, charge: Charge) -> GatewayResult:
        return self.charge(charge)
