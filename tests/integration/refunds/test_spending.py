"""The one ``spend`` both movement balances use (refunds/services/spending.py): store credit and a gift
card spent once per reference, never below zero, each use in the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retour.core.money import Money
from retour.refunds.errors import ReferenceReused
from retour.refunds.models import (
    GiftCard,
    GiftCardMovement,
    LedgerTransaction,
    StoreCreditAccount,
    StoreCreditMovement,
)
from retour.refunds.services import gift_cards, spending, store_credit

pytestmark = pytest.mark.django_db

EUR = "EUR"


def credited(order, amount: str) -> StoreCreditAccount:
    account = StoreCreditAccount.objects.create(customer=order.customer, currency=EUR)
    StoreCreditMovement.objects.create(account=account, amount=Decimal(amount), reason="refund")
    return account


def loaded(order, amount: str) -> GiftCard:
    card = GiftCard.objects.create(store_id=order.store_id, code="GC-1", currency=EUR)
    GiftCardMovement.objects.create(card=card, amount=Decimal(amount), reason="refund")
    return card


def test_both_movement_tables_share_one_abstract_model():
    assert StoreCreditMovement.__mro__[1] is GiftCardMovement.__mro__[1]
    assert StoreCreditMovement.__mro__[1]._meta.abstract


def test_store_credit_is_spent_once_per_reference_and_posted_once(order):
    account = credited(order, "30.00")
    first, spent = store_credit.spend(order.customer, Money.of("12.50", EUR), reference=" order-9 ")
    again, spent_again = store_credit.spend(order.customer, Money.of("12.50", EUR), reference="order-9")
    assert (spent, spent_again, again.pk) == (True, False, first.pk)
    assert (first.amount, first.reason, first.reference) == (Decimal("-12.50"), "used", "order-9")
    assert spending.total(store_credit.STORE_CREDIT, account) == Money.of("17.50", EUR)
    assert LedgerTransaction.objects.filter(reference=f"{account.pk}:order-9").count() == 1


def test_a_gift_card_is_spent_once_per_reference_and_posted_once(order):
    card = loaded(order, "40.00")
    first, spent = gift_cards.spend(card, Money.of("15.00", EUR), reference="order-10")
    _again, spent_again = gift_cards.spend(card, Money.of("15.00", EUR), reference="order-10")
    assert (spent, spent_again) == (True, False)
    assert gift_cards.balance(card) == Money.of("25.00", EUR)
    assert LedgerTransaction.objects.filter(reference=f"gift card {card.pk}:order-10").count() == 1
    assert first.card_id == card.pk


@pytest.mark.parametrize("kind", ["store_credit", "gift_card"])
def test_a_reference_that_spent_another_amount_is_refused_and_changes_nothing(order, kind):
    if kind == "store_credit":
        credited(order, "30.00")
        store_credit.spend(order.customer, Money.of("10.00", EUR), reference="r")
        with pytest.raises(ReferenceReused) as raised:
            store_credit.spend(order.customer, Money.of("11.00", EUR), reference="r")
        assert store_credit.balance(order.customer, EUR) == Money.of("20.00", EUR)
    else:
        card = loaded(order, "30.00")
        gift_cards.spend(card, Money.of("10.00", EUR), reference="r")
        with pytest.raises(ReferenceReused) as raised:
            gift_cards.spend(card, Money.of("11.00", EUR), reference="r")
        assert gift_cards.balance(card) == Money.of("20.00", EUR)
    assert raised.value.code == "reference_reused"


def test_spending_more_than_the_balance_is_refused_and_writes_nothing(order):
    credited(order, "5.00")
    card = loaded(order, "5.00")
    with pytest.raises(store_credit.NotEnoughStoreCredit) as credit:
        store_credit.spend(order.customer, Money.of("5.01", EUR), reference="big")
    with pytest.raises(gift_cards.NotEnoughOnGiftCard) as on_card:
        gift_cards.spend(card, Money.of("5.01", EUR), reference="big")
    assert credit.value.message == "Only €5.00 of store credit is available."
    assert on_card.value.message == "Only €5.00 is left on the gift card."
    assert StoreCreditMovement.objects.filter(reason="used").count() == 0
    assert GiftCardMovement.objects.filter(reason="used").count() == 0
    assert LedgerTransaction.objects.count() == 0


def test_no_account_no_positive_amount_or_no_reference_is_refused(order):
    with pytest.raises(store_credit.NotEnoughStoreCredit):
        store_credit.spend(order.customer, Money.of("1.00", EUR), reference="none")
    card = loaded(order, "5.00")
    with pytest.raises(gift_cards.NotEnoughOnGiftCard):
        gift_cards.spend(card, Money.of("1.00", "USD"), reference="usd")
    with pytest.raises(gift_cards.NotEnoughOnGiftCard):
        gift_cards.spend(card, Money.of("0", EUR), reference="zero")
    with pytest.raises(ReferenceReused):
        gift_cards.spend(card, Money.of("1.00", EUR), reference="  ")
    assert gift_cards.balance(card) == Money.of("5.00", EUR)
