"""A prepaid return label's cost, booked once per return as a shipping cost when the return is settled
(refunded, exchanged or repaired), from the store's delivery prices."""

from __future__ import annotations

from decimal import Decimal

from retour.core.money import Money
from retour.refunds.domain import ledger
from retour.refunds.models import DeliveryPrices
from retour.refunds.services import books
from retour.returns.models import Return


def book_label_cost(ret: Return) -> None:
    """Idempotent: the posting's reference is the return's number."""
    if ret.return_method != Return.Method.LABEL or not ret.tracking_number:
        return
    currency = ret.order.currency
    prices = DeliveryPrices.objects.filter(store_id=ret.store_id, currency=currency).first()
    if prices is None or not prices.return_label:
        return
    books.post(
        ledger.label_cost(Money(Decimal(prices.return_label), currency)),
        store_id=ret.store_id,
        currency=currency,
        reference=ret.number,
    )
