"""Outbound shipping refunded at the standard delivery's price, and the ledger's refunds payable and
shipping cost accounts: promised when asked for, settled as paid, withdrawn when a tender fails."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import delivered_line
from integration.refunds.helpers import account, balanced, inspect_all, returned
from retour.refunds.models import DeliveryPrices, LedgerTransaction
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def whole_order(make_order, number: str, method: str, shipping: str = "12.90"):
    return make_order(
        number,
        lines=[delivered_line("Lampe", 1, "80.00")],
        shipping=shipping,
        shipping_method=method,
        payments=[{"method": "card", "amount": str(Decimal("80.00") + Decimal(shipping))}],
    )


def test_an_express_delivery_refunds_the_standard_deliverys_price(make_order, policy_store):
    DeliveryPrices.objects.create(
        store=policy_store, currency="EUR", standard_delivery=Decimal("4.90"), return_label=Decimal("3.20")
    )
    order = whole_order(make_order, "#S001", "Chronopost Express")
    request, _ = request_refund(returned(order), idempotency_key="express")
    assert Decimal(request.breakdown["outbound_shipping"]) == Decimal("4.90")
    assert request.amount == Decimal("84.90")


def test_an_express_delivery_cheaper_than_the_standard_one_refunds_what_was_paid(make_order, policy_store):
    DeliveryPrices.objects.create(store=policy_store, currency="EUR", standard_delivery=Decimal("4.90"))
    order = whole_order(make_order, "#S002", "DHL Express", shipping="3.50")
    request, _ = request_refund(returned(order), idempotency_key="express")
    assert Decimal(request.breakdown["outbound_shipping"]) == Decimal("3.50")


def test_the_withdrawal_right_refunds_the_standard_price_of_an_express_delivery(make_order, policy_store):
    DeliveryPrices.objects.create(store=policy_store, currency="EUR", standard_delivery=Decimal("4.90"))
    order = whole_order(make_order, "#S003", "Chronopost Express")
    request, _ = request_refund(returned(order, reason="changed_mind"), idempotency_key="withdrawal")
    assert Decimal(request.breakdown["outbound_shipping"]) == Decimal("4.90")
    assert request.amount == Decimal("80.00") + Decimal("4.90") - Decimal("4.95")  # the return fee applies


def test_a_store_without_a_standard_price_refunds_the_express_price_paid(make_order):
    order = whole_order(make_order, "#S004", "Chronopost Express")
    request, _ = request_refund(returned(order), idempotency_key="express")
    assert Decimal(request.breakdown["outbound_shipping"]) == Decimal("12.90")


def test_a_refund_is_promised_in_refunds_payable_and_its_shipping_booked_as_a_cost(make_order, policy_store):
    DeliveryPrices.objects.create(store=policy_store, currency="EUR", standard_delivery=Decimal("4.90"))
    order = make_order(
        "#S005",
        lines=[delivered_line("Lampe", 1, "80.00")],
        shipping="4.90",
        payments=[
            {"method": "gift_card", "amount": "20.00", "reference": "GC-S5"},
            {"method": "card", "amount": "64.90"},
        ],
    )
    request, _ = request_refund(returned(order), idempotency_key="promise")
    promise = LedgerTransaction.objects.get(request=request, memo="refund promised")
    entries = {e.account: (e.debit, e.credit) for e in promise.entries.all()}
    assert entries["shipping_cost"] == (Decimal("4.90"), Decimal("0"))
    assert entries["sales_returns"] == (Decimal("80.00"), Decimal("0"))
    assert entries["refunds_payable"] == (Decimal("0"), Decimal("84.90"))
    assert account("refunds_payable") == Decimal("64.90")  # the gift card is paid at once, the card by hand
    confirm_manual(request.refunds.get(gateway="manual"), actor=None)
    assert account("refunds_payable") == 0
    assert account("shipping_cost") == Decimal("-4.90")
    assert balanced()


def test_a_return_label_is_booked_once_as_a_shipping_cost(make_order, policy_store):
    DeliveryPrices.objects.create(store=policy_store, currency="EUR", return_label=Decimal("3.20"))
    order = make_order("#S006")
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")], return_method="label")
    assert ret.tracking_number
    ret = inspect_all(ret)
    request, _ = request_refund(ret, idempotency_key="label")
    confirm_manual(request.refunds.get(), actor=None)
    label = LedgerTransaction.objects.get(memo="return label", reference=ret.number)
    assert {e.account: e.debit for e in label.entries.all()}["shipping_cost"] == Decimal("3.20")
    assert account("shipping_cost") == Decimal("-3.20")
    assert balanced()


def test_a_failed_tender_withdraws_its_promise_and_a_wholly_failed_refund_leaves_nothing(
    make_order, fake_stripe
):
    order = make_order(
        "#S007",
        payments=[{"method": "card", "gateway": "stripe", "reference": "ch_S7", "amount": "145.00"}],
    )
    ret = returned(order, {0: 2}, reason="size_fit")  # a 4.95 fee is kept
    fake_stripe.fail_next = True
    failed, _ = request_refund(ret, idempotency_key="declined")
    assert failed.refunds.get().status == "failed"
    for name in ("refunds_payable", "sales_returns", "fee_income", "shipping_cost"):
        assert account(name) == 0, name
    again, _ = request_refund(ret, idempotency_key="again")
    assert again.refunds.get().status == "succeeded"
    assert account("fee_income") == Decimal("4.95")  # kept once, not twice
    assert account("refunds_payable") == 0
    assert balanced()
