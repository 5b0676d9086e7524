"""The payment-attempt lifecycle refunds and charges share (refunds/services/attempts.py): each step
given its own gateway answers, on real rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retour.refunds.gateways.base import FAILED, PENDING, SUCCEEDED, GatewayResult
from retour.refunds.models import Refund, RefundRequest
from retour.refunds.services import attempts

pytestmark = pytest.mark.django_db


class Told:
    """A lifecycle whose gateway answers what it is told, and which writes down each call it gets."""

    def __init__(self, *answers: GatewayResult) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []
        self.settled: list[str] = []
        self.lifecycle = attempts.Lifecycle(
            model=Refund,
            first=lambda _gateway, row: self._answer("first", row),
            again=lambda _gateway, row: self._answer("again", row),
            lock=lambda row: Refund.objects.select_for_update().get(pk=row.pk),
            settled=lambda row: self.settled.append(row.status),
        )

    def _answer(self, step: str, row: Refund) -> GatewayResult:
        self.calls.append(step)
        return self.answers.pop(0)


def pending_refund(order, *, gateway: str = "stripe", amount: str = "10.00") -> Refund:
    request = RefundRequest.objects.create(
        store_id=order.store_id, idempotency_key=f"k-{gateway}-{amount}", amount=amount, currency="EUR"
    )
    return Refund.objects.create(
        request=request,
        order=order,
        gateway=gateway,
        amount=Decimal(amount),
        currency="EUR",
        idempotency_key=f"provider-{request.pk}",
    )


def test_the_first_call_moves_the_money_and_later_ones_ask_what_became_of_it(order):
    told = Told(GatewayResult(PENDING, reference="re_1"), GatewayResult(SUCCEEDED))
    row = pending_refund(order)
    first = attempts.attempt(told.lifecycle, row)
    assert (first.status, first.attempts, first.provider_reference) == (PENDING, 1, "re_1")
    second = attempts.attempt(told.lifecycle, first)
    assert (second.status, second.attempts, second.provider_reference) == (SUCCEEDED, 2, "re_1")
    assert second.completed_at is not None
    assert told.calls == ["first", "again"]
    assert told.settled == [SUCCEEDED]


def test_a_settled_attempt_is_recorded_once_whatever_comes_after(order):
    told = Told(GatewayResult(FAILED, error="card declined"))
    row = attempts.attempt(told.lifecycle, pending_refund(order))
    assert (row.status, row.last_error) == (FAILED, "card declined")
    late = attempts.record(told.lifecycle, row, GatewayResult(SUCCEEDED, reference="late"))
    again = attempts.attempt(told.lifecycle, late)
    assert (again.status, again.attempts, again.provider_reference) == (FAILED, 1, "")
    assert told.calls == ["first"]
    assert told.settled == [FAILED]


def test_nothing_to_pay_succeeds_without_asking_a_gateway(order):
    told = Told()
    row = attempts.attempt(told.lifecycle, pending_refund(order, amount="0"))
    assert (row.status, row.provider_reference) == (SUCCEEDED, "nothing-to-pay")
    assert told.calls == []
    assert told.settled == [SUCCEEDED]


def test_reconciling_asks_again_only_the_pending_attempts_of_a_provider(order):
    told = Told(GatewayResult(SUCCEEDED))
    waiting = pending_refund(order, amount="5.00")
    Refund.objects.filter(pk=waiting.pk).update(attempts=1, provider_reference="re_5")
    pending_refund(order, gateway="manual", amount="7.00")  # waits for staff, never asked
    assert attempts.reconcile_pending(told.lifecycle) == 1
    assert attempts.reconcile_pending(told.lifecycle) == 0
    assert told.calls == ["again"]
    assert Refund.objects.get(pk=waiting.pk).status == SUCCEEDED


def test_confirming_by_hand_records_who_said_so_once(order, agent, warehouse):
    told = Told()
    row = pending_refund(order, gateway="manual")
    done = attempts.confirm_by_hand(told.lifecycle, row, actor=agent, reference="by-hand")
    attempts.confirm_by_hand(told.lifecycle, done, actor=warehouse, reference="twice")
    row.refresh_from_db()
    assert (row.status, row.provider_reference, row.attempts) == (SUCCEEDED, "by-hand", 1)
    assert row.confirmed_by_id == agent.pk
    assert told.settled == [SUCCEEDED]
