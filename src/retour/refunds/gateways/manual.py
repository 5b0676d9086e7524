"""Money moved by hand (a bank transfer, the shop's card terminal): a refund to send or a payment to
collect, pending until staff confirm it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from retour.refunds.gateways.base import PENDING, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Charge, Refund


class ManualGateway:
    name = "manual"

    def refund(self, refund: Refund) -> GatewayResult:
        return GatewayResult(PENDING)

    def retrieve(self, refund: Refund) -> GatewayResult:
        return GatewayResult(PENDING)

    def charge(self, charge: Charge) -> GatewayResult:
        return GatewayResult(PENDING)  # a payment due: staff mark it collected

    def retrieve_charge(self, charge: Charge) -> GatewayResult:
        return GatewayResult(PENDING)
