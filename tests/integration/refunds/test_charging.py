"""A dearer exchange is charged its difference exactly once (by hand, by Stripe, with store credit), the
payment is recorded on the exchange order and in the ledger, and the exchange closes only once paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concurrency import at_once_possible, run_at_once
from integration.refunds.helpers import account, balanced, returned
from retour.catalog.models import Product, Variant
from retour.core.money import Money
from retour.notifications.emails import render
from retour.notifications.models import Notification
from retour.orders.models import Order
from retour.refunds.models import Charge, StoreCreditAccount, StoreCreditMovement
from retour.refunds.services import charging, store_credit
from retour.refunds.services.store_credit import NotEnoughStoreCredit
from retour.returns.errors import ExchangeUnpaid
from retour.returns.models import Exchange, Return
from retour.returns.services.resolutions import close_exchanged, exchange

pytestmark = pytest.mark.django_db


def variant(store, sku: str, price: str, stock: int | None = None) -> Variant:
    product = Product.objects.filter(store=store).order_by("pk").first()
    return Variant.objects.create(
        store=store, product=product, sku=sku, title=sku, price=Decimal(price), stock=stock
    )


def dearer(order: Order, store, **options) -> tuple[Return, Exchange]:
    """Two pullovers paid 60.00 each exchanged for size L at 75.00: 30.00 to pay."""
    ret = returned(order, {0: 2}, reason="size_fit", resolution="exchange")
    made = exchange(ret, ret.lines.get(), variant(store, "PULL-L", "75.00"), actor=None, **options)
    return ret, made


def stripe_order(make_order, number="#C001", reference="ch_1PgafuB7WZ01zgkW"):
    return make_order(
        number,
        payments=[{"method": "card", "gateway": "stripe", "reference": reference, "amount": "145.00"}],
    )


def test_a_dearer_exchange_paid_by_hand_is_a_payment_due_that_staff_collect(order, policy_store, agent):
    ret, made = dearer(order, policy_store)
    charge = Charge.objects.get(exchange=made)
    assert (charge.gateway, charge.status, charge.amount, charge.reason) == (
        "manual",
        "pending",
        Decimal("30.00"),
        "difference",
    )
    assert charging.owed(made) == Money.of("30.00", "EUR")
    with pytest.raises(ExchangeUnpaid):
        close_exchanged(ret, actor=agent)
    charging.confirm_collected(charge, actor=agent)
    charging.confirm_collected(charge, actor=agent)  # twice: collected once
    charge.refresh_from_db()
    assert charge.status == "succeeded"
    new = Order.objects.get(pk=made.order_id)
    payment = new.payments.get()
    assert (payment.amount, payment.method, new.financial_status) == (Decimal("30.00"), "manual", "paid")
    assert charge.payment == payment
    assert account("sales") == Decimal("30.00")
    assert balanced()
    assert ret.events.filter(kind="exchange_paid").count() == 1
    assert close_exchanged(ret, actor=agent).outcome == "exchanged"


def test_a_dearer_exchange_is_charged_on_the_original_card_through_stripe_once(
    make_order, policy_store, fake_stripe
):
    ret, made = dearer(stripe_order(make_order), policy_store)
    charge = Charge.objects.get(exchange=made)
    assert (charge.gateway, charge.status, charge.provider_reference) == ("stripe", "succeeded", "pi_fake1")
    assert fake_stripe.charges_made == 1
    assert fake_stripe.total_charged() == 3000
    intent = fake_stripe.intents["pi_fake1"]
    assert (intent["customer"], intent["payment_method"], intent["currency"]) == (
        "cus_fake",
        "pm_fake",
        "eur",
    )
    assert fake_stripe.by_key[charge.idempotency_key] is intent  # the request carried the charge's key
    assert charging.reconcile_pending() == 0
    assert fake_stripe.charges_made == 1
    assert Order.objects.get(pk=made.order_id).payments.get().reference == "pi_fake1"
    assert account("payment_clearing") == Decimal("-30.00")  # money in
    assert balanced()
    assert close_exchanged(ret, actor=None).outcome == "exchanged"


def test_a_crash_after_stripe_charged_is_reconciled_exactly_once(make_order, policy_store, fake_stripe):
    fake_stripe.crash_next = True
    _ret, made = dearer(stripe_order(make_order), policy_store)
    charge = Charge.objects.get(exchange=made)
    assert charge.status == "pending"  # Stripe charged; we never heard
    assert charging.reconcile_pending() == 1
    assert charging.reconcile_pending() == 0
    charge.refresh_from_db()
    assert (charge.status, charge.provider_reference) == ("succeeded", "pi_fake1")
    assert fake_stripe.charges_made == 1
    assert Order.objects.get(pk=made.order_id).payments.count() == 1
    assert charge.ledger.filter(memo="charge collected").count() == 1
    assert balanced()


def test_a_declined_card_fails_the_charge_and_another_way_pays_it(make_order, policy_store, fake_stripe):
    fake_stripe.fail_next = True
    ret, made = dearer(stripe_order(make_order), policy_store)
    failed = Charge.objects.get(exchange=made)
    assert (failed.status, failed.last_error) == ("failed", "Your card was declined.")
    assert ret.events.filter(kind="exchange_charge_failed").count() == 1
    assert charging.owed(made) == Money.of("30.00", "EUR")
    with pytest.raises(ExchangeUnpaid):
        close_exchanged(ret, actor=None)
    again, created = charging.charge_exchange(made, idempotency_key="retry-1")
    replay, created_again = charging.charge_exchange(made, idempotency_key="retry-1")
    assert (created, created_again, replay.pk, again.status) == (True, False, again.pk, "succeeded")
    assert fake_stripe.charges_made == 1
    with pytest.raises(charging.ChargeRefused):
        charging.charge_exchange(made, idempotency_key="retry-2")  # nothing is owed any more
    assert close_exchanged(ret, actor=None).outcome == "exchanged"


def test_an_original_payment_with_no_saved_card_fails_without_charging(make_order, policy_store, fake_stripe):
    fake_stripe.unsaved.add("ch_nosave")
    _ret, made = dearer(stripe_order(make_order, reference="ch_nosave"), policy_store)
    charge = Charge.objects.get(exchange=made)
    assert charge.status == "failed"
    assert "no saved card" in charge.last_error
    assert fake_stripe.charges_made == 0


def credit(order: Order, amount: str) -> None:
    account_ = StoreCreditAccount.objects.create(customer=order.customer, currency="EUR")
    StoreCreditMovement.objects.create(account=account_, amount=Decimal(amount), reason="refund")


def test_the_difference_paid_with_store_credit(order, policy_store):
    credit(order, "50.00")
    ret, made = dearer(order, policy_store, pay_with="store_credit")
    charge = Charge.objects.get(exchange=made)
    assert (charge.gateway, charge.status) == ("store_credit", "succeeded")
    assert store_credit.balance(order.customer, "EUR") == Money.of("20.00", "EUR")
    assert account("store_credit_liability") == Decimal("-30.00")  # only the use is booked here
    assert account("sales") == Decimal("30.00")
    assert Order.objects.get(pk=made.order_id).financial_status == "paid"
    assert close_exchanged(ret, actor=None).outcome == "exchanged"


def test_not_enough_store_credit_refuses_the_exchange_and_changes_nothing(order, policy_store):
    credit(order, "10.00")
    ret = returned(order, {0: 2}, reason="size_fit", resolution="exchange")
    size = variant(policy_store, "PULL-L", "75.00", stock=3)
    with pytest.raises(NotEnoughStoreCredit):
        exchange(ret, ret.lines.get(), size, actor=None, pay_with="store_credit")
    size.refresh_from_db()
    assert size.stock == 3
    assert not Exchange.objects.exists()
    assert not Charge.objects.exists()
    assert store_credit.balance(order.customer, "EUR") == Money.of("10.00", "EUR")


def test_same_price_and_cheaper_exchanges_charge_nothing(order, policy_store):
    ret = returned(order, {0: 2}, reason="size_fit", resolution="exchange")
    exchange(ret, ret.lines.get(), variant(policy_store, "PULL-M", "60.00"), actor=None)
    assert not Charge.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_with_one_key_charge_once(make_order, policy_store, fake_stripe):
    """On PostgreSQL, threads on their own connections; on SQLite (one in-memory connection) in turn."""
    fake_stripe.fail_next = True
    _ret, made = dearer(stripe_order(make_order), policy_store)
    workers = 20 if at_once_possible() else 5
    results: list[int] = []

    def pay() -> None:
        charge, _created = charging.charge_exchange(Exchange.objects.get(pk=made.pk), idempotency_key="race")
        results.append(charge.pk)

    errors = run_at_once(pay, workers)
    assert not errors, errors
    assert len(set(results)) == 1
    assert fake_stripe.charges_made == 1
    assert Charge.objects.filter(status="succeeded").count() == 1
    assert balanced()


def test_the_shopper_is_told_in_their_language_when_the_difference_is_paid(order, policy_store, agent):
    ret, made = dearer(order, policy_store)
    charging.confirm_collected(Charge.objects.get(exchange=made), actor=agent)
    paid = ret.events.get(kind="exchange_paid")
    assert Notification.objects.filter(event=paid, kind="exchange_paid").exists()
    email = render(paid)
    assert email.language == "fr"
    assert email.subject == f"Paiement reçu pour votre commande d’échange {made.order.number}"
    assert "30,00" in email.text
