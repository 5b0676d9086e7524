"""Stripe refunds with the official ``stripe`` package; every request carries the row's idempotency key.

Stripe answers a repeated request with the same key with the first answer, so asking again after a
crash or a timeout cannot refund twice: reconciliation simply repeats the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import stripe

from retour.core.money import Money
from retour.refunds.gateways.base import FAILED, PENDING, SUCCEEDED, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Refund

STATUSES = {"succeeded": SUCCEEDED, "pending": PENDING, "requires_action": PENDING}


class StripeGateway:
    name = "stripe"

    def __init__(self, api_key: str, api_base: str = "", *, timeout: float = 20) -> None:
        options: dict[str, Any] = {"max_network_retries": 0}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self.client = stripe.StripeClient(
            api_key, http_client=stripe.RequestsClient(timeout=timeout), **options
        )

    def refund(self, refund: Refund) -> GatewayResult:
        payment = refund.payment
        reference = payment.reference if payment is not None else ""
        params: dict[str, Any] = {
            "amount": Money(refund.amount, refund.currency).minor(),
            "metadata": {"retour_refund": str(refund.pk)},
        }
        params["payment_intent" if reference.startswith("pi_") else "charge"] = reference
        try:
            created = self.client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": refund.idempotency_key},
            )
        except stripe.APIConnectionError as error:  # sent or not, we cannot tell: pending, reconcile later
            return GatewayResult(PENDING, error=str(error.user_message or error))
        except stripe.StripeError as error:
            status = getattr(error, "http_status", None) or 0
            if status >= 500 or status == 409:
                return GatewayResult(PENDING, error=str(error.user_message or error))
            return GatewayResult(FAILED, error=str(error.user_message or error))
        return GatewayResult(STATUSES.get(created.status or "", FAILED), reference=created.id)

    def retrieve(self, refund: Refund) -> GatewayResult:
        if refund.provider_reference:
            try:
                found = self.client.v1.refunds.retrieve(refund.provider_reference)
            except stripe.StripeError as error:
                return GatewayResult(PENDING, error=str(error.user_message or error))
            return GatewayResult(STATUSES.get(found.status or "", FAILED), reference=found.id)
        return self.refund(refund)  # the same key: Stripe replays the first answer, or makes it now
