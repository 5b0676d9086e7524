"""Refunds made by hand (a bank transfer, the shop's card terminal): pending until staff confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING

from retour.refunds.gateways.base import PENDING, GatewayResult

if TYPE_CHECKING:
    from retour.refunds.models import Refund


class ManualGateway:
    name = "manual"

    def refund(self, refund: Refund) -> GatewayResult:
        return GatewayResult(PENDING)

    def retrieve(self, refund: Refund) -> GatewayResult:
        return GatewayResult(PENDING)
