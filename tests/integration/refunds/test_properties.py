"""Property: any sequence of partial returns, refunds (to the card, as store credit, in several steps) and
exchanges over split tenders never pays back more than each payment captured, and the ledger balances."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from integration.refunds.helpers import account, balanced
from retour.catalog.models import Product, Variant
from retour.core.aggregates import AmountSum
from retour.core.money import Money
from retour.orders.models import Payment
from retour.refunds.models import Charge, Refund, RefundRequest
from retour.refunds.services import charging, store_credit
from retour.refunds.services.paying import (
    RefundExceedsRefundable,
    RefundRefused,
    confirm_manual,
    request_refund,
)
from retour.returns.errors import LineNotReturnable, QuantityUnavailable, ReturnInvalid
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.resolutions import exchange

NUMBERS = itertools.count(1)
KINDS = ["refund", "store_credit", "cheaper_exchange", "dearer_exchange"]
step = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 2),  # which order line
    st.integers(1, 3),  # how many units
    st.sampled_from(["defective", "size_fit", "changed_mind"]),
    st.booleans(),  # inspected in two goes: part accepted and refunded, the rest after review
)
LIVE = ["pending", "succeeded"]


def captured_never_exceeded(payment: Payment) -> bool:
    paid_back = Refund.objects.filter(payment=payment, status__in=LIVE).aggregate(t=AmountSum("amount"))["t"]
    return (paid_back or Decimal(0)) <= payment.amount


def pay_manual(ret: Return) -> None:
    for refund in Refund.objects.filter(request__ret=ret, status="pending", gateway="manual"):
        confirm_manual(refund, actor=None)


def refund(ret: Return, key: str, method: str) -> None:
    try:
        request_refund(ret, idempotency_key=key, method=method)
    except (RefundRefused, RefundExceedsRefundable):
        return
    pay_manual(ret)


def inspected(ret: Return, in_two_goes: bool, key: str, method: str) -> Return:
    """Received and accepted; in two goes, the first line is accepted and refunded while the others are
    to review, then they are accepted too."""
    ret = handling.receive(ret, actor=None)
    first, *others = list(ret.lines.order_by("id"))
    if not in_two_goes or not others:
        return handling.inspect(
            ret, [handling.Grading(x.pk, "unopened") for x in (first, *others)], actor=None
        )
    review = [handling.Grading(x.pk, "unopened", result="review") for x in others]
    ret = handling.inspect(ret, [handling.Grading(first.pk, "unopened"), *review], actor=None)
    refund(ret, f"{key}-first", method)
    return handling.inspect(ret, [handling.Grading(x.pk, "unopened") for x in others], actor=None)


def exchange_for(ret: Return, variant: Variant) -> None:
    made = exchange(ret, ret.lines.get(), variant, actor=None)
    for charge in Charge.objects.filter(exchange=made, status="pending"):
        charging.confirm_collected(charge, actor=None)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(step, min_size=1, max_size=6),
    prices=st.lists(st.integers(100, 9999), min_size=3, max_size=3),
    gift_card=st.integers(0, 100),  # percent of the order paid by gift card (0: one tender)
)
def test_never_more_than_captured_per_payment_and_the_ledger_balances(
    make_order, policy_store, steps, prices, gift_card
):
    number = f"#P{next(NUMBERS)}"
    lines = [
        {"title": f"Article {i}", "quantity": 3, "unit_price": str(Decimal(p) / 100), "fulfilled_quantity": 3}
        for i, p in enumerate(prices)
    ]
    paid = sum(Decimal(p) / 100 * 3 for p in prices) + Decimal("4.90")
    on_gift_card = (Money(paid * gift_card / 100, "EUR")).rounded().amount
    payments = (
        [{"method": "gift_card", "amount": str(on_gift_card), "reference": f"GC{number}"}]
        if on_gift_card
        else []
    )
    if paid - on_gift_card:
        payments.append({"method": "card", "amount": str(paid - on_gift_card)})
    order = make_order(number, lines=lines, shipping="4.90", payments=payments)
    product = Product.objects.filter(store=policy_store).first()
    cheap = Variant.objects.create(store=policy_store, product=product, price=Decimal("0.50"), stock=None)
    dear = Variant.objects.create(store=policy_store, product=product, price=Decimal("150.00"), stock=None)
    ordered = list(order.lines.order_by("position"))
    for index, (kind, which, units, reason, in_two_goes) in enumerate(steps):
        resolution = "exchange" if kind.endswith("exchange") else "refund"
        picked = [LineRequest(ordered[which].pk, units, reason, "unopened", resolution)]
        if in_two_goes and resolution == "refund":
            picked.append(LineRequest(ordered[(which + 1) % 3].pk, 1, reason, "unopened", resolution))
        try:
            ret = create_return(order, picked)
        except (ReturnInvalid, QuantityUnavailable, LineNotReturnable):
            continue
        if ret.state != "approved":
            continue
        method = "store_credit" if kind == "store_credit" else "original"
        key = f"{number}-{index}"
        ret = inspected(ret, in_two_goes, key, method)
        if kind.endswith("exchange"):
            exchange_for(ret, cheap if kind == "cheaper_exchange" else dear)
        refund(ret, key, method)
    for request in RefundRequest.objects.filter(ret__order=order):
        again = " after a first one" if request.ret.refund_requests.count() > 1 else ""
        event(f"{request.method} refund{again}")
    for payment in order.payments.all():
        assert captured_never_exceeded(payment), payment
    asked = RefundRequest.objects.filter(ret__order=order, refunds__status__in=LIVE).distinct()
    assert sum((r.amount for r in asked), Decimal(0)) <= paid  # store-credit bonuses come on top
    bonuses = Refund.objects.filter(order=order, status="succeeded").aggregate(t=AmountSum("bonus"))["t"] or 0
    credited = Refund.objects.filter(order=order, status="succeeded", gateway="store_credit")
    as_credit = (credited.aggregate(t=AmountSum("amount"))["t"] or 0) + bonuses
    assert store_credit.balance(order.customer, "EUR").amount == as_credit
    assert balanced()
    assert account("refunds_payable") == 0  # every promise paid, none left hanging
