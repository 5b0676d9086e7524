"""Store credit counts against the payments it pays back, and gift cards get their own balance."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from integration.refunds.helpers import account, balanced, returned
from retour.core.money import Money
from retour.refunds.models import GiftCard, GiftCardMovement, Refund
from retour.refunds.services import gift_cards, store_credit
from retour.refunds.services.paying import (
    RefundExceedsRefundable,
    RefundRefused,
    confirm_manual,
    refundable,
    request_refund,
)

pytestmark = pytest.mark.django_db


def test_store_credit_reduces_what_is_left_to_refund_on_the_card(order):
    card = order.payments.get()
    first = returned(order, {0: 2})  # 120.00 as store credit
    request_refund(first, idempotency_key="credit", method="store_credit")
    assert refundable(card) == Decimal("25.00")  # 145.00 captured - 120.00 paid back as credit
    second = returned(order, {1: 1})  # the scarf, 25.00: exactly what is left
    request, _ = request_refund(second, idempotency_key="card")
    assert request.refunds.get().amount == Decimal("25.00")
    assert refundable(card) == 0


def test_store_credit_never_exceeds_what_was_captured_the_bonus_comes_on_top(make_order):
    order = make_order("#T001", payments=[{"method": "card", "amount": "100.00"}])
    with pytest.raises(RefundExceedsRefundable):
        request_refund(returned(order, {0: 2}), idempotency_key="too-much", method="store_credit")
    assert not Refund.objects.exists()
    small = make_order("#T002", payments=[{"method": "card", "amount": "145.00"}])
    request, _ = request_refund(returned(small, {0: 2}), idempotency_key="ok", method="store_credit")
    refund = request.refunds.get()
    assert (refund.amount, refund.bonus) == (Decimal("120.00"), Decimal("12.00"))
    assert store_credit.balance(small.customer, "EUR") == Money.of("132.00", "EUR")
    assert account("store_credit_liability") == Decimal("132.00")
    assert account("marketing_expense") == Decimal("-12.00")  # the bonus is an expense, not a refund
    assert balanced()


def test_split_tenders_as_store_credit_take_the_gift_card_first(make_order):
    order = make_order(
        "#T003",
        payments=[
            {"method": "card", "amount": "125.00"},
            {"method": "gift_card", "amount": "20.00", "reference": "GC-7"},
        ],
    )
    request, _ = request_refund(returned(order, {0: 2}), idempotency_key="split", method="store_credit")
    rows = [(r.payment.method, r.gateway, r.amount, r.bonus) for r in request.refunds.order_by("id")]
    assert rows == [
        ("gift_card", "store_credit", Decimal("20.00"), Decimal("12.00")),
        ("card", "store_credit", Decimal("100.00"), Decimal("0")),
    ]
    assert [refundable(p) for p in order.payments.order_by("position")] == [Decimal("25.00"), Decimal("0")]
    assert balanced()


def test_store_credit_needs_a_customer_account(make_order):
    order = make_order("#T004", customer=None)
    with pytest.raises(RefundRefused):
        request_refund(returned(order, {0: 1}), idempotency_key="guest", method="store_credit")


def test_a_gift_card_is_refunded_to_its_own_balance_even_without_a_customer(make_order, settings):
    order = make_order(
        "#T005",
        customer=None,
        payments=[
            {"method": "gift_card", "amount": "50.00", "reference": "GC-2042"},
            {"method": "card", "amount": "95.00"},
        ],
    )
    request, _ = request_refund(returned(order, {0: 2}), idempotency_key="gift")
    gift = request.refunds.order_by("id").first()
    assert (gift.gateway, gift.status, gift.amount) == ("gift_card", "succeeded", Decimal("50.00"))
    card = GiftCard.objects.get(code="GC-2042")
    assert gift_cards.balance(card) == Money.of("50.00", "EUR")
    assert account("gift_card_liability") == Decimal("50.00")
    assert account("store_credit_liability") == 0  # not store credit
    confirm_manual(request.refunds.order_by("id").last(), actor=None)
    # Store credit's expiry does not touch gift cards.
    settings.STORE_CREDIT_DAYS = 1
    assert store_credit.expire(timezone.localdate() + timedelta(days=400)) == 0
    assert gift_cards.balance(card) == Money.of("50.00", "EUR")
    assert GiftCardMovement.objects.filter(card=card).count() == 1
    assert balanced()


def test_a_gift_card_balance_is_spent_once_per_reference_never_below_zero(make_order):
    order = make_order("#T006", payments=[{"method": "gift_card", "amount": "145.00", "reference": "GC-9"}])
    request_refund(returned(order, {1: 1}), idempotency_key="gift")
    card = GiftCard.objects.get(code="GC-9")
    _movement, created = gift_cards.spend(card, Money.of("20.00", "EUR"), reference="#W1")
    _again, created_again = gift_cards.spend(card, Money.of("20.00", "EUR"), reference="#W1")
    assert (created, created_again) == (True, False)
    assert gift_cards.balance(card) == Money.of("5.00", "EUR")
    with pytest.raises(gift_cards.NotEnoughOnGiftCard):
        gift_cards.spend(card, Money.of("5.01", "EUR"), reference="#W2")
    assert account("gift_card_liability") == Decimal("5.00")
    assert balanced()
