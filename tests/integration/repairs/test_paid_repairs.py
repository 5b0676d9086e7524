"""A repair out of guarantee is paid through refunds' charge lifecycle, exactly once: an accepted quote is
charged on the original card (Stripe's fake) however often the answer is given (a double click, a replayed
API call, concurrent calls); a declined quote sends the item back and charges the diagnosis fee once, or
nothing without a fee; a failed charge is shown and paid again once per key; the shopper is told by email,
in their language, and reads the quote, the amount paid and its state on the repair's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from concurrency import at_once_possible, run_at_once
from integration.portal.steps import french, text
from integration.refunds.helpers import account, balanced
from retour.api.models import ApiToken
from retour.core.money import Money
from retour.orders.models import Order
from retour.refunds.models import Charge
from retour.refunds.services import charging
from retour.refunds.services.store_credit import NotEnoughStoreCredit
from retour.repairs.domain.states import REPAIRER, STAFF
from retour.repairs.emails import render
from retour.repairs.errors import RepairInvalid, RepairRefused
from retour.repairs.models import Repair, RepairEvent, RepairNotification
from retour.repairs.services import paying, policy, steps

from .conftest import ask_repair
from .test_portal import shopper_of

pytestmark = pytest.mark.django_db
CARD = "ch_1PgafuB7WZ01zgkW"


def card_order(make_order: Callable[..., Order], number: str = "#2101", **extra: object) -> Order:
    """Delivered 120 days ago, paid by card through Stripe (a card the fake knows was saved)."""
    return make_order(
        number,
        delivered=datetime.now(UTC) - timedelta(days=120),
        payments=[{"method": "card", "gateway": "stripe", "reference": CARD, "amount": "145.00"}],
        **extra,
    )


def quoted(order: Order, amount: str = "89.90", fee: str = "25") -> Repair:
    """A repair the guarantee does not cover, diagnosed and quoted; ``fee`` is the store's diagnosis fee
    (its repair settings), which the quote records."""
    policy.update_settings(order.store, {"diagnosis_fee": fee})
    repair = Repair.objects.get(ret=ask_repair(order))
    Repair.objects.filter(pk=repair.pk).update(under_guarantee=False)  # out of guarantee: paid
    steps.update(repair, "sent", role=STAFF, tracking="6A1")
    steps.update(repair, "received", role=REPAIRER)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Écran fendu")
    steps.update(repair, "quoted", role=REPAIRER, amount=amount)
    return Repair.objects.get(pk=repair.pk)


@pytest.fixture
def staff_api(db: None) -> Client:
    user = User.objects.create_user("ops", "ops@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="repairs", codename__in=["view_repair", "change_repair"]
        )
    )
    _token, raw = ApiToken.issue(user, "repairs")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_an_accepted_quote_is_charged_on_the_card_once_whatever_the_clicks(make_order, workshop, fake_stripe):
    order = card_order(make_order)
    repair = quoted(order)

    steps.accept_quote(repair)
    steps.accept_quote(repair)  # a double click: the answer is given, nothing more is charged

    charge = Charge.objects.get(repair=repair)
    assert (charge.reason, charge.gateway, charge.status, charge.amount) == (
        "repair_quote",
        "stripe",
        "succeeded",
        Decimal("89.90"),
    )
    assert charge.exchange_id is None
    assert fake_stripe.charges_made == 1
    assert (charge.payment.order_id, charge.payment.amount) == (order.pk, Decimal("89.90"))
    assert Order.objects.get(pk=order.pk).financial_status == order.financial_status  # the order's own
    assert account("sales") == Decimal("89.90")
    assert balanced()
    assert RepairEvent.objects.filter(repair=repair, kind="quote_accepted").count() == 1
    assert RepairEvent.objects.filter(repair=repair, kind="charge_succeeded").count() == 1
    assert paying.owed(repair).amount == 0
    # the repair goes on as usual
    assert steps.update(repair, "repaired", role=REPAIRER).state == "repaired"


def test_a_replayed_api_accept_charges_once_and_answers_the_same(
    make_order, workshop, fake_stripe, staff_api
):
    repair = quoted(card_order(make_order))
    first = staff_api.post(f"/api/v1/repairs/{repair.number}/accept")
    replay = staff_api.post(f"/api/v1/repairs/{repair.number}/accept")
    assert (first.status_code, replay.status_code) == (200, 200), replay.content
    assert first.json()["charges"] == replay.json()["charges"]
    shown = replay.json()
    assert (shown["state"], shown["quote"], shown["charged"], shown["unpaid"]) == (
        "quote_accepted",
        "89.90",
        "89.90",
        None,
    )
    assert [(c["reason"], c["amount"], c["status"]) for c in shown["charges"]] == [
        ("repair_quote", "89.90", "succeeded")
    ]
    assert fake_stripe.charges_made == 1
    declined = staff_api.post(f"/api/v1/repairs/{repair.number}/decline")  # the other answer: refused
    assert declined.status_code == 409
    assert Charge.objects.filter(repair=repair).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_charge_once(make_order, workshop, fake_stripe):
    """On PostgreSQL, threads on their own connections at once; on SQLite in turn."""
    repair = quoted(card_order(make_order))
    workers = 10 if at_once_possible() else 4

    def accept() -> None:
        steps.accept_quote(Repair.objects.get(pk=repair.pk))

    errors = run_at_once(accept, workers)
    assert not errors, errors
    assert Charge.objects.filter(repair=repair).count() == 1
    assert fake_stripe.charges_made == 1
    assert RepairEvent.objects.filter(repair=repair, kind="quote_accepted").count() == 1
    assert balanced()


def test_a_declined_quote_sends_the_item_back_and_charges_the_fee_once(make_order, workshop, agent):
    order = make_order("#2102", delivered=datetime.now(UTC) - timedelta(days=120))  # paid by hand
    repair = quoted(order, fee="25")

    steps.decline_quote(repair)
    steps.decline_quote(repair)  # replayed

    charge = Charge.objects.get(repair=repair)
    assert (charge.reason, charge.gateway, charge.status, charge.amount) == (
        "diagnosis_fee",
        "manual",
        "pending",
        Decimal("25.00"),
    )
    assert paying.owed(repair).amount == Decimal("25.00")
    charging.confirm_collected(charge, actor=agent)
    charging.confirm_collected(charge, actor=agent)  # twice: collected once
    charge.refresh_from_db()
    assert charge.status == "succeeded"
    assert Order.objects.get(pk=order.pk).payments.filter(amount=Decimal("25.00")).count() == 1
    assert RepairEvent.objects.filter(repair=repair, kind="charge_succeeded").count() == 1
    assert balanced()
    assert Repair.objects.get(pk=repair.pk).state == "quote_declined"
    assert steps.update(repair, "shipped_back", role=REPAIRER, tracking="6B2").state == "shipped_back"


def test_a_declined_quote_without_a_fee_charges_nothing(make_order, workshop):
    repair = quoted(make_order("#2103", delivered=datetime.now(UTC) - timedelta(days=120)), fee="0")
    steps.decline_quote(repair)
    assert not Charge.objects.filter(repair=repair).exists()
    assert paying.owed(repair).amount == 0


def test_a_failed_charge_is_shown_and_paid_again_once_per_key(make_order, workshop, fake_stripe, staff_api):
    fake_stripe.fail_next = True
    repair = quoted(card_order(make_order))
    steps.accept_quote(repair)
    failed = Charge.objects.get(repair=repair)
    assert (failed.status, failed.last_error) == ("failed", "Your card was declined.")
    assert RepairEvent.objects.filter(repair=repair, kind="charge_failed").count() == 1

    shown = staff_api.get(f"/api/v1/repairs/{repair.number}").json()
    assert (shown["charged"], shown["unpaid"]) == ("0.00", "89.90")
    no_key = staff_api.post(f"/api/v1/repairs/{repair.number}/pay")
    assert no_key.status_code == 400
    url = f"/api/v1/repairs/{repair.number}/pay"
    paid = staff_api.post(url, headers={"Idempotency-Key": "again-1"})
    replay = staff_api.post(url, headers={"Idempotency-Key": "again-1"})
    assert (paid.status_code, replay.status_code) == (201, 200), paid.content
    assert paid.json()["unpaid"] is None
    assert fake_stripe.charges_made == 1
    assert list(Charge.objects.filter(repair=repair).values_list("status", flat=True).order_by("id")) == [
        "failed",
        "succeeded",
    ]
    nothing = staff_api.post(url, headers={"Idempotency-Key": "again-2"})
    assert nothing.status_code == 409  # nothing is owed any more
    assert balanced()


def test_not_enough_store_credit_refuses_the_answer_and_changes_nothing(make_order, workshop):
    repair = quoted(make_order("#2104", delivered=datetime.now(UTC) - timedelta(days=120)))
    with pytest.raises(NotEnoughStoreCredit):
        steps.accept_quote(repair, method="store_credit")
    assert Repair.objects.get(pk=repair.pk).state == "quoted"
    assert not Charge.objects.filter(repair=repair).exists()
    assert not RepairEvent.objects.filter(repair=repair, kind="quote_accepted").exists()


def test_the_database_refuses_a_charge_for_both_or_neither(make_order, workshop):
    repair = quoted(make_order("#2105", delivered=datetime.now(UTC) - timedelta(days=120)))
    for owner in ({}, {"repair": repair, "exchange_id": None}):
        values = {"store_id": repair.store_id, "order_id": repair.ret.order_id, "gateway": "manual"}
        values |= {"reason": "repair_quote", "amount": Decimal(1), "currency": "EUR"}
        if not owner:
            with pytest.raises(IntegrityError), transaction.atomic():
                Charge.objects.create(idempotency_key="neither", **values)
        else:
            assert Charge.objects.create(idempotency_key="one", **values, **owner).repair_id == repair.pk


def test_the_shopper_reads_the_quote_and_the_payment_in_french(make_order, workshop, fake_stripe):
    fake_stripe.fail_next = True
    order = card_order(make_order, "#2106")
    repair = quoted(order)
    client = shopper_of(order, french())
    page = reverse("portal:repair", args=[repair.number])
    client.post(reverse("portal:repair_choose", args=[repair.number]), {"choice": "quote_accepted"})
    client.post(reverse("portal:repair_choose", args=[repair.number]), {"choice": "quote_accepted"})
    shown = text(client.get(page))
    assert "Devis : 89,90" in shown
    assert "Le paiement a échoué" in shown
    assert Charge.objects.filter(repair=repair).count() == 1
    key = client.get(page).content.decode().split('name="key" value="')[1].split('"')[0]
    client.post(reverse("portal:repair_pay", args=[repair.number]), {"key": key})
    client.post(reverse("portal:repair_pay", args=[repair.number]), {"key": key})  # double click
    shown = text(client.get(page))
    assert "Payé : 89,90" in shown
    assert fake_stripe.charges_made == 1
    assert Charge.objects.filter(repair=repair).count() == 2

    emails = {
        n.event.kind: render(n.event)
        for n in RepairNotification.objects.filter(repair=repair).select_related("event")
    }
    assert "89,90" in emails["quote_accepted"].text
    assert "Nous n’avons pas pu encaisser 89,90" in emails["charge_failed"].text
    assert "Nous avons bien reçu votre paiement de 89,90" in emails["charge_succeeded"].text


def test_an_english_shopper_is_told_the_fee_of_a_declined_quote(make_order, workshop):
    order = make_order("#2107", delivered=datetime.now(UTC) - timedelta(days=120), language="en")
    repair = quoted(order, fee="25")
    steps.decline_quote(repair)
    event = RepairEvent.objects.get(repair=repair, kind="quote_declined")
    email = render(event)
    assert "Diagnosis fee: €25.00" in email.text
    with pytest.raises(RepairRefused):
        steps.accept_quote(repair)


def test_the_cli_records_the_answer_and_pays_again_once_per_key(make_order, workshop, fake_stripe):
    fake_stripe.fail_next = True
    repair = quoted(card_order(make_order))
    answered = StringIO()
    call_command("repairs", "accept", repair.number, stdout=answered)
    call_command("repairs", "accept", repair.number, stdout=StringIO())  # replayed: nothing more
    assert "quote_accepted" in answered.getvalue()
    assert "unpaid 89.90 EUR" in answered.getvalue()
    for _ in range(2):
        paid = StringIO()
        call_command("repairs", "pay", repair.number, "--key", "cli-1", stdout=paid)
    assert "\t89.90 EUR" in paid.getvalue()
    assert "unpaid" not in paid.getvalue()
    assert fake_stripe.charges_made == 1
    assert Charge.objects.filter(repair=repair).count() == 2
    with pytest.raises(CommandError, match="Nothing is owed"):
        call_command("repairs", "pay", repair.number, "--key", "cli-2", stdout=StringIO())


def test_a_declined_quote_charges_the_stores_fee_as_it_was_when_quoted_once(make_order, workshop, agent):
    order = make_order("#2110", delivered=datetime.now(UTC) - timedelta(days=120))  # paid by hand
    repair = quoted(order, fee="25")  # the store's fee when quoted, recorded on the repair
    assert repair.diagnosis_fee == Decimal("25")
    policy.update_settings(order.store, {"diagnosis_fee": "40"})  # changed since: this quote keeps 25

    steps.decline_quote(repair)
    steps.decline_quote(Repair.objects.get(pk=repair.pk))  # replayed

    charge = Charge.objects.get(repair=repair)
    assert (charge.reason, charge.amount) == ("diagnosis_fee", Decimal("25.00"))
    charging.confirm_collected(charge, actor=agent)
    charging.confirm_collected(charge, actor=agent)
    assert Order.objects.get(pk=order.pk).payments.filter(amount=Decimal("25.00")).count() == 1
    assert paying.owed(repair).amount == 0
    assert balanced()


def test_a_quote_above_the_stores_fee_is_refused_and_changes_nothing(make_order, workshop):
    order = make_order("#2111", delivered=datetime.now(UTC) - timedelta(days=120), language="fr")
    policy.update_settings(order.store, {"diagnosis_fee": "20"})
    repair = Repair.objects.get(ret=ask_repair(order))
    Repair.objects.filter(pk=repair.pk).update(under_guarantee=False)
    steps.update(repair, "sent", role=STAFF, tracking="6A1")
    steps.update(repair, "received", role=REPAIRER)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Écran fendu")
    with pytest.raises(RepairInvalid, match=r"20\.00 EUR"):
        steps.update(repair, "quoted", role=REPAIRER, amount="89.90", fee="20.01")
    with translation.override("fr"), pytest.raises(RepairInvalid, match="ne peuvent dépasser"):
        steps.update(repair, "quoted", role=REPAIRER, amount="89.90", fee="35")
    assert Repair.objects.get(pk=repair.pk).state == "diagnosed"
    done = steps.update(repair, "quoted", role=REPAIRER, amount="89.90", fee="12")  # lower: kept
    assert done.diagnosis_fee == Decimal("12")


def test_a_charged_quote_of_an_unrepairable_item_is_shown_as_owed_back(
    make_order, workshop, fake_stripe, staff_api
):
    repair = quoted(card_order(make_order, "#2112"))
    steps.accept_quote(repair)
    assert paying.quote_refund_owed(Repair.objects.get(pk=repair.pk)) is None  # being repaired

    steps.update(repair, "unrepairable", role=REPAIRER, note="Carte mère grillée")
    current = Repair.objects.get(pk=repair.pk)
    assert paying.quote_refund_owed(current) == Money(Decimal("89.90"), "EUR")
    shown = staff_api.get(f"/api/v1/repairs/{repair.number}").json()
    assert (shown["charged"], shown["quote_refund_owed"]) == ("89.90", "89.90")
    line = StringIO()
    call_command("repairs", "show", repair.number, stdout=line)
    assert "quote to refund 89.90 EUR" in line.getvalue()
    steps.update(current, "refund_chosen", role=STAFF)  # the shopper's remedy: still owed
    assert paying.quote_refund_owed(Repair.objects.get(pk=repair.pk)) == Money(Decimal("89.90"), "EUR")
    assert fake_stripe.charges_made == 1

    # staff refund it by hand and record it, once: then nothing is owed back
    with pytest.raises(CommandError, match="reference"):
        call_command("repairs", "quote-refunded", repair.number, "--reference", " ", stdout=StringIO())
    done = StringIO()
    call_command("repairs", "quote-refunded", repair.number, "--reference", "re_3Pq", stdout=done)
    assert "quote to refund" not in done.getvalue()
    with pytest.raises(CommandError, match="Nothing is owed back"):
        call_command("repairs", "quote-refunded", repair.number, "--reference", "re_3Pq", stdout=StringIO())
    assert RepairEvent.objects.filter(repair=repair, kind="quote_refunded").count() == 1
    assert staff_api.get(f"/api/v1/repairs/{repair.number}").json()["quote_refund_owed"] is None


def test_a_declined_quotes_fee_is_never_owed_back(make_order, workshop, agent):
    repair = quoted(make_order("#2113", delivered=datetime.now(UTC) - timedelta(days=120)), fee="25")
    steps.decline_quote(repair)
    charging.confirm_collected(Charge.objects.get(repair=repair), actor=agent)
    assert paying.quote_refund_owed(Repair.objects.get(pk=repair.pk)) is None
