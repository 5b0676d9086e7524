"""Stripe with the official ``stripe`` package: refunds, and charges (a PaymentIntent confirmed off
session on the card of the original payment); every request carries the row's idempotency key.

Stripe answers a repeated request with the same key with the first answer, so asking again after a
crash or a timeout cannot refund or charge twice: reconciliation simply repeats the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import stripe

from retour.core.money import Money
from retour.refunds.gateways.base import FAILED, PENDING, SUCCEEDED, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Charge, Refund

STATUSES = {"succeeded": SUCCEEDED, "pending": PENDING, "requires_action": PENDING}
# An off-session PaymentIntent: anything but these (authentication needed, no card) is a failed charge.
INTENT_STATUSES = {"succeeded": SUCCEEDED, "processing": PENDING}


def _error(error: stripe.StripeError) -> GatewayResult:
    """A connection error, a server error or a conflict may or may not have been acted on: pending, to be
    asked again with the same key; anything else (a card error, a bad request) failed."""
    message = str(error.user_message or error)
    if isinstance(error, stripe.APIConnectionError):
        return GatewayResult(PENDING, error=message)
    status = getattr(error, "http_status", None) or 0
    return GatewayResult(PENDING if status >= 500 or status == 409 else FAILED, error=message)


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
        except stripe.StripeError as error:
            return _error(error)
        return GatewayResult(STATUSES.get(created.status or "", FAILED), reference=created.id)

    def retrieve(self, refund: Refund) -> GatewayResult:
        if refund.provider_reference:
            try:
                found = self.client.v1.refunds.retrieve(refund.provider_reference)
            except stripe.StripeError as error:
                return GatewayResult(PENDING, error=str(error.user_message or error))
            return GatewayResult(STATUSES.get(found.status or "", FAILED), reference=found.id)
        return self.refund(refund)  # the same key: Stripe replays the first answer, or makes it now

    def _card_of(self, reference: str) -> tuple[str, str]:
        """The customer and saved payment method behind the original payment (a PaymentIntent or a charge)."""
        if reference.startswith("pi_"):
            intent = self.client.v1.payment_intents.retrieve(reference)
            method = intent.payment_method
            customer = intent.customer
        else:
            paid = self.client.v1.charges.retrieve(reference)
            method = paid.payment_method
            customer = paid.customer
        return (
            customer if isinstance(customer, str) else getattr(customer, "id", "") or "",
            method if isinstance(method, str) else getattr(method, "id", "") or "",
        )

    def charge(self, charge: Charge) -> GatewayResult:
        try:
            customer, method = self._card_of(charge.source_reference)
            if not customer or not method:
                return GatewayResult(FAILED, error="the original payment left no saved card to charge")
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": Money(charge.amount, charge.currency).minor(),
                    "currency": charge.currency.lower(),
                    "customer": customer,
                    "payment_method": method,
                    "confirm": True,
                    "off_session": True,
                    "metadata": {"retour_charge": str(charge.pk)},
                },
                options={"idempotency_key": charge.idempotency_key},
            )
        except stripe.StripeError as error:
            return _error(error)
        status = INTENT_STATUSES.get(intent.status or "", FAILED)
        why = "" if status != FAILED else f"the payment needs the shopper ({intent.status})"
        return GatewayResult(status, reference=intent.id, error=why)

    def retrieve_charge(self, charge: Charge) -> GatewayResult:
        if charge.provider_reference:
            try:
                found = self.client.v1.payment_intents.retrieve(charge.provider_reference)
            except stripe.StripeError as error:
                return GatewayResult(PENDING, error=str(error.user_message or error))
            return GatewayResult(INTENT_STATUSES.get(found.status or "", FAILED), reference=found.id)
        return self.charge(charge)
