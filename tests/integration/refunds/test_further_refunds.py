"""A line accepted after a first refund is refunded by a second one: exactly once per key, the fee once,
never more than was captured."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integration.refunds.helpers import balanced
from retour.refunds.models import RefundRequest
from retour.refunds.services.paying import (
    RefundExceedsRefundable,
    RefundRefused,
    confirm_manual,
    request_refund,
)
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def one_line_to_review(order, reason="defective") -> Return:
    lines = list(order.lines.order_by("position"))
    ret = create_return(
        order,
        [LineRequest(lines[0].pk, 2, reason, "unopened"), LineRequest(lines[1].pk, 1, reason, "unopened")],
    )
    ret = handling.receive(ret, actor=None)
    first, second = ret.lines.order_by("id")
    return handling.inspect(
        ret,
        [handling.Grading(first.pk, "unopened"), handling.Grading(second.pk, "unopened", result="review")],
        actor=None,
    )


def test_a_line_accepted_after_a_first_refund_is_refunded_by_a_second(order):
    ret = one_line_to_review(order)
    assert ret.state == "received"
    first, _ = request_refund(ret, idempotency_key="first")
    assert first.amount == Decimal("120.00")
    confirm_manual(first.refunds.get(), actor=None)
    assert Return.objects.get(pk=ret.pk).state == "received"  # a line is still to review: not resolved
    review = ret.lines.get(inspection="review")
    ret = handling.inspect(ret, [handling.Grading(review.pk, "unopened")], actor=None)
    assert ret.state == "inspected"
    second, created = request_refund(ret, idempotency_key="second")
    assert (created, second.amount) == (True, Decimal("25.00"))
    assert second.breakdown["units"] == {str(review.order_line_id): 1}
    assert Decimal(second.breakdown["outbound_shipping"]) == 0  # the order had no shipping to refund
    again, created_again = request_refund(ret, idempotency_key="second")
    assert (created_again, again.pk) == (False, second.pk)
    with pytest.raises(RefundRefused, match="already been refunded"):
        request_refund(ret, idempotency_key="third")
    confirm_manual(second.refunds.get(), actor=None)
    ret.refresh_from_db()
    assert (ret.state, ret.outcome) == ("resolved", "refunded")
    assert ret.events.filter(kind="refunded").count() == 2
    assert sum(r.amount for r in RefundRequest.objects.filter(ret=ret)) == Decimal("145.00")
    assert balanced()


def test_the_return_fee_is_kept_once_across_refunds_of_one_parcel(make_order):
    order = make_order("#F001", payments=[{"method": "card", "amount": "145.00"}])
    ret = one_line_to_review(order, reason="size_fit")  # not the seller's fault: the 4.95 fee applies
    # One fee for the parcel, shared by its lines as each was quoted: 120.00 bears 4.10, 25.00 bears 0.85.
    shares = [line.decision.fees for line in ret.lines.order_by("id")]
    assert shares == [Decimal("4.10"), Decimal("0.85")]
    first, _ = request_refund(ret, idempotency_key="first")
    assert (first.amount, first.fees) == (Decimal("115.90"), Decimal("4.10"))
    review = ret.lines.get(inspection="review")
    ret = handling.inspect(ret, [handling.Grading(review.pk, "unopened")], actor=None)
    second, _ = request_refund(ret, idempotency_key="second")
    assert (second.amount, second.fees) == (Decimal("24.15"), Decimal("0.85"))
    assert first.fees + second.fees == Decimal("4.95")  # kept once in all


def test_a_further_refund_never_exceeds_what_was_captured(make_order):
    order = make_order("#F002", payments=[{"method": "card", "amount": "130.00"}])
    ret = one_line_to_review(order)
    request_refund(ret, idempotency_key="first")  # 120.00 of 130.00
    review = ret.lines.get(inspection="review")
    ret = handling.inspect(ret, [handling.Grading(review.pk, "unopened")], actor=None)
    with pytest.raises(RefundExceedsRefundable):
        request_refund(ret, idempotency_key="second")  # 25.00 more than the 10.00 left
    assert RefundRequest.objects.filter(ret=ret).count() == 1
