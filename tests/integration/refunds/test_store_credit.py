"""Store credit: a balance per customer, spent never below zero, expired once, all in the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from retour.core.aggregates import AmountSum
from retour.core.money import Money
from retour.refunds.models import LedgerEntry, StoreCreditAccount, StoreCreditMovement
from retour.refunds.services import store_credit
from retour.refunds.services.paying import request_refund
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def credited(order) -> Money:
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    request_refund(ret, idempotency_key="credit", method="store_credit")
    return store_credit.balance(order.customer, "EUR")


def balanced() -> bool:
    totals = LedgerEntry.objects.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    return totals["debit"] == totals["credit"]


def test_balance_use_and_never_below_zero(order):
    amount = credited(order)  # 60.00 + 10 % bonus
    assert amount == Money.of("66.00", "EUR")
    assert store_credit.balance(order.customer, "EUR") == amount
    store_credit.use(order.customer, Money.of("50.00", "EUR"), reference="#2001")
    assert store_credit.balance(order.customer, "EUR") == Money.of("16.00", "EUR")
    with pytest.raises(store_credit.NotEnoughStoreCredit):
        store_credit.use(order.customer, Money.of("16.01", "EUR"), reference="#2002")
    assert store_credit.balance(order.customer, "EUR") == Money.of("16.00", "EUR")
    assert balanced()


def test_expiry_writes_off_what_is_left_once(order):
    credited(order)
    store_credit.use(order.customer, Money.of("6.00", "EUR"), reference="#2001")
    today = timezone.localdate()
    assert store_credit.expire(today) == 0  # not yet
    after = today + timedelta(days=400)
    assert store_credit.expire(after) == 1
    assert store_credit.expire(after) == 0
    assert store_credit.balance(order.customer, "EUR") == Money.zero("EUR")
    account = StoreCreditAccount.objects.get(customer=order.customer)
    assert StoreCreditMovement.objects.get(account=account, reason="expired").amount == Decimal("-60.00")
    assert balanced()


def test_a_balance_of_many_small_movements_is_exact(order):
    """SQLite adds amounts as binary floats (1,000 x 0.10 = 99.9999999999986); the balance must not."""
    account = StoreCreditAccount.objects.create(customer=order.customer, currency="EUR")
    StoreCreditMovement.objects.bulk_create(
        StoreCreditMovement(account=account, amount=Decimal("0.10"), reason="refund") for _ in range(1000)
    )
    total = account.movements.aggregate(total=AmountSum("amount"))["total"]
    assert total == Decimal("100.00")
    assert str(total) == "100.0000"
    assert store_credit.balance(order.customer, "EUR") == Money.of("100.00", "EUR")
