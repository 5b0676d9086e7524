"""Store credit: credited at once (with the policy's bonus on top), exactly once per refund; an exchange's
difference paid with it is spent once per charge."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.core.errors import DomainError
from retour.core.money import Money
from retour.refunds.gateways.base import FAILED, SUCCEEDED, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Charge, Refund


class StoreCreditGateway:
    name = "store_credit"

    def refund(self, refund: Refund) -> GatewayResult:
        from retour.refunds.models import StoreCreditAccount, StoreCreditMovement

        customer = refund.order.customer
        if customer is None:
            return GatewayResult(FAILED, error="the order has no customer to credit")
        today = timezone.localdate(timezone=refund.order.store.zone)  # the store's day, not the server's
        expires = today + timedelta(days=settings.STORE_CREDIT_DAYS)
        try:
            with transaction.atomic():
                account, _created = StoreCreditAccount.objects.get_or_create(
                    customer=customer, currency=refund.currency
                )
                for reason, amount in (("refund", refund.amount), ("bonus", refund.bonus)):
                    if amount:
                        StoreCreditMovement.objects.create(
                            account=account, amount=amount, reason=reason, refund=refund, expires_on=expires
                        )
        except IntegrityError:
            pass  # credited by an earlier call for this refund: once is enough
        return GatewayResult(SUCCEEDED, reference=f"credit-{refund.pk}")

    def retrieve(self, refund: Refund) -> GatewayResult:
        return self.refund(refund)

    def charge(self, charge: Charge) -> GatewayResult:
        from retour.refunds.services import store_credit

        customer = charge.order.customer
        if customer is None:
            return GatewayResult(FAILED, error="the order has no customer with store credit")
        try:
            movement = store_credit.use(
                customer, Money(charge.amount, charge.currency), reference=charge.idempotency_key
            )
        except DomainError as error:  # not enough credit: nothing was spent
            return GatewayResult(FAILED, error=error.message)
        return GatewayResult(SUCCEEDED, reference=f"store-credit-{movement.pk}")

    def retrieve_charge(self, charge: Charge) -> GatewayResult:
        return self.charge(charge)  # the same reference spends once
