"""Property: any sequence of partial returns, refunds and exchanges never refunds more than was paid, and
the ledger always balances."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retour.catalog.models import Product, Variant
from retour.core.aggregates import AmountSum
from retour.refunds.models import LedgerEntry, Refund, RefundRequest
from retour.refunds.services.paying import (
    RefundExceedsRefundable,
    RefundRefused,
    confirm_manual,
    request_refund,
)
from retour.returns.errors import LineNotReturnable, QuantityUnavailable, ReturnInvalid
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.resolutions import exchange

NUMBERS = itertools.count(1)
step = st.tuples(
    st.sampled_from(["refund", "store_credit", "exchange"]),
    st.integers(0, 2),  # which order line
    st.integers(1, 3),  # how many units
    st.sampled_from(["defective", "size_fit", "changed_mind"]),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(step, min_size=1, max_size=6),
    prices=st.lists(st.integers(100, 9999), min_size=3, max_size=3),
)
def test_never_more_than_paid_and_the_ledger_balances(make_order, policy_store, steps, prices):
    number = f"#P{next(NUMBERS)}"
    lines = [
        {"title": f"Article {i}", "quantity": 3, "unit_price": str(Decimal(p) / 100), "fulfilled_quantity": 3}
        for i, p in enumerate(prices)
    ]
    paid = sum(Decimal(p) / 100 * 3 for p in prices) + Decimal("4.90")
    order = make_order(
        number, lines=lines, shipping="4.90", payments=[{"method": "card", "amount": str(paid)}]
    )
    product = Product.objects.filter(store=policy_store).first()
    variant = Variant.objects.create(store=policy_store, product=product, price=Decimal("20.00"), stock=None)
    ordered = list(order.lines.order_by("position"))
    for index, (kind, which, units, reason) in enumerate(steps):
        line = ordered[which]
        try:
            ret = create_return(
                order,
                [
                    LineRequest(
                        line.pk, units, reason, "unopened", "exchange" if kind == "exchange" else "refund"
                    )
                ],
            )
        except (ReturnInvalid, QuantityUnavailable, LineNotReturnable):
            continue
        if ret.state != "approved":
            continue
        ret = handling.receive(ret, actor=None)
        ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
        if kind == "exchange":
            exchange(ret, ret.lines.get(), variant, actor=None)
        try:
            request, _ = request_refund(
                ret,
                idempotency_key=f"{number}-{index}",
                method="store_credit" if kind == "store_credit" else "original",
            )
        except (RefundRefused, RefundExceedsRefundable):
            continue
        for refund in request.refunds.filter(status="pending", gateway="manual"):
            confirm_manual(refund, actor=None)
    to_card = Refund.objects.filter(order=order).exclude(gateway="store_credit").exclude(status="failed")
    assert (to_card.aggregate(total=AmountSum("amount"))["total"] or 0) <= paid
    merchandise = Refund.objects.filter(order=order, status="succeeded", request__method="original")
    assert (merchandise.aggregate(total=AmountSum("amount"))["total"] or 0) <= paid
    asked = RefundRequest.objects.filter(
        ret__order=order, refunds__status__in=["pending", "succeeded"]
    ).distinct()
    assert (
        sum((r.amount for r in asked), Decimal(0)) <= paid
    )  # store-credit bonuses come on top, as liability
    totals = LedgerEntry.objects.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    assert (totals["debit"] or 0) == (totals["credit"] or 0)
