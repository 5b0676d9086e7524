"""What refunds tell returns through ``returns.hooks``: returns quote, resolve and close exchanges without
importing refunds (refunds are downstream of returns, as the import contracts check).

A return's quote starts after the units the order's live refunds (a tender pending or paid) already cover
and refunds an express delivery at the store's standard price; an exchange's difference is charged, and a
return's label cost booked, by the refunds app's charges and books.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from retour.core.money import Money
from retour.orders.models import Customer, Order
from retour.refunds.gateways.base import PENDING, SUCCEEDED
from retour.refunds.models import Charge, DeliveryPrices, Refund, RefundRequest
from retour.refunds.services import charging, labels
from retour.returns import hooks
from retour.returns.models import Exchange, Return

LIVE = (PENDING, SUCCEEDED)  # a request with a tender in one of these covers its units


def refunded(order_id: int) -> list[hooks.Refunded]:
    rows = (
        RefundRequest.objects.filter(ret__order_id=order_id, refunds__status__in=LIVE)
        .distinct()
        .only("ret_id", "breakdown")
    )
    return [hooks.Refunded(row.ret_id, row.breakdown) for row in rows if row.ret_id is not None]


def standard_delivery(order: Order) -> Money | None:
    prices = DeliveryPrices.objects.filter(store_id=order.store_id, currency=order.currency).first()
    return Money(Decimal(prices.standard_delivery), order.currency) if prices is not None else None


class ChargedExchanges:
    """``hooks.ExchangePayments`` by the refunds app's charges (one payment-attempt lifecycle)."""

    def check_method(self, customer: Customer | None, method: str, amount: Money) -> None:
        charging.check_method(customer, method, amount)

    def open_charge(
        self, exchange: Exchange, *, reason: str, key: str, method: str = "original", actor: Any = None
    ) -> Charge | None:
        return charging.open_charge(
            exchange, reason=Charge.Reason(reason), key=key, method=method, actor=actor
        )

    def attempt(self, charge: Any) -> Charge:
        return charging.attempt(charge)

    def owed(self, exchange: Exchange) -> Money:
        return charging.owed(exchange)

    def refund_pending(self, ret: Return) -> bool:
        return Refund.objects.filter(request__ret=ret, status=PENDING).exists()

    def book_label_cost(self, ret: Return) -> None:
        labels.book_label_cost(ret)


def register() -> None:
    hooks.on_refunded(refunded)
    hooks.on_standard_delivery(standard_delivery)
    hooks.on_exchange_payments(ChargedExchanges())
