"""Store credit (and gift cards, a balance of the same kind): credited at once, exactly once per refund."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.refunds.gateways.base import FAILED, SUCCEEDED, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Refund


class StoreCreditGateway:
    def __init__(self, name: str = "store_credit") -> None:
        self.name = name

    def refund(self, refund: Refund) -> GatewayResult:
        from retour.refunds.models import StoreCreditAccount, StoreCreditMovement

        customer = refund.order.customer
        if customer is None:
            return GatewayResult(FAILED, error="the order has no customer to credit")
        expires = timezone.localdate() + timedelta(days=settings.STORE_CREDIT_DAYS)
        try:
            with transaction.atomic():
                account, _created = StoreCreditAccount.objects.get_or_create(
                    customer=customer, currency=refund.currency
                )
                StoreCreditMovement.objects.create(
                    account=account, amount=refund.amount, reason="refund", refund=refund, expires_on=expires
                )
        except IntegrityError:
            pass  # credited by an earlier call for this refund: once is enough
        return GatewayResult(SUCCEEDED, reference=f"credit-{refund.pk}")

    def retrieve(self, refund: Refund) -> GatewayResult:
        return self.refund(refund)
