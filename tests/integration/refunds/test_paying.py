"""Refunds paid exactly once: manual, store credit, Stripe (a local fake server), crashes, concurrency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concurrency import at_once_possible, run_at_once
from factories import delivered_line
from retour.core.aggregates import AmountSum
from retour.orders.models import Order
from retour.refunds.models import LedgerEntry, Refund, RefundRequest, StoreCreditMovement
from retour.refunds.services.paying import (
    IdempotencyKeyRequired,
    RefundExceedsRefundable,
    RefundRefused,
    confirm_manual,
    reconcile_pending,
    request_refund,
)
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return


def inspected(order: Order, quantities=None, reason="defective", condition="unopened") -> Return:
    """A return of ``quantities`` (order line position -> units) received and accepted."""
    lines = list(order.lines.order_by("position"))
    quantities = quantities or {0: lines[0].quantity}
    ret = create_return(
        order, [LineRequest(lines[i].pk, n, reason, condition) for i, n in quantities.items()]
    )
    ret = handling.receive(ret, actor=None)
    gradings = [handling.Grading(line.pk, condition) for line in ret.lines.all()]
    return handling.inspect(ret, gradings, actor=None)


def balanced() -> bool:
    totals = LedgerEntry.objects.aggregate(debit=AmountSum("debit"), credit=AmountSum("credit"))
    return (totals["debit"] or 0) == (totals["credit"] or 0)


def account(name: str) -> Decimal:
    """Credit minus debit on one ledger account (what it owes, for a liability)."""
    totals = LedgerEntry.objects.filter(account=name).aggregate(
        debit=AmountSum("debit"), credit=AmountSum("credit")
    )
    return (totals["credit"] or Decimal(0)) - (totals["debit"] or Decimal(0))


@pytest.mark.django_db
def test_a_manual_refund_waits_for_staff_then_resolves_the_return(order, agent):
    ret = inspected(order)
    request, created = request_refund(ret, idempotency_key="k1", actor=agent)
    assert created
    assert request.amount == Decimal("120.00")  # 2 x 60.00, defective: no fee
    refund = request.refunds.get()
    assert (refund.gateway, refund.status) == ("manual", "pending")
    assert account("refunds_payable") == Decimal("120.00")  # promised, not yet paid
    assert account("payment_clearing") == 0
    confirm_manual(refund, actor=agent)
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert account("refunds_payable") == 0  # settled on confirmation
    assert account("payment_clearing") == Decimal("120.00")
    assert balanced()
    ret.refresh_from_db()
    assert (ret.state, ret.outcome) == ("resolved", "refunded")
    assert ret.events.filter(kind="refunded").count() == 1


@pytest.mark.django_db
def test_the_same_key_returns_the_first_request_and_pays_nothing_more(order, agent):
    ret = inspected(order)
    first, created = request_refund(ret, idempotency_key="same", actor=agent)
    again, created_again = request_refund(ret, idempotency_key="same", actor=agent)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Refund.objects.count() == 1


@pytest.mark.django_db
def test_a_second_key_for_a_refunded_return_is_refused(order, agent):
    ret = inspected(order)
    request_refund(ret, idempotency_key="one", actor=agent)
    with pytest.raises(RefundRefused):
        request_refund(ret, idempotency_key="two", actor=agent)
    assert RefundRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_missing_key_is_refused(order, agent):
    with pytest.raises(IdempotencyKeyRequired):
        request_refund(inspected(order), idempotency_key=" ", actor=agent)


@pytest.mark.django_db
def test_never_more_than_was_captured(make_order, agent):
    order = make_order("#7001", payments=[{"method": "card", "amount": "50.00"}])
    ret = inspected(order)
    with pytest.raises(RefundExceedsRefundable):
        request_refund(ret, idempotency_key="k", actor=agent)
    assert not RefundRequest.objects.exists()
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_return_not_yet_inspected_is_not_refunded(order, agent):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "unopened")])
    with pytest.raises(RefundRefused):
        request_refund(ret, idempotency_key="k", actor=agent)


@pytest.mark.django_db
def test_partial_returns_of_every_unit_refund_exactly_what_was_paid_with_the_shipping_once(make_order, agent):
    order = make_order(
        "#8001",
        lines=[delivered_line("Verres", 3, "33.33", discount="0.01")],
        order_discount="10.00",
        shipping="4.90",
        payments=[{"method": "card", "amount": "94.88"}],
    )
    paid_merchandise = order.lines.get().net
    refunds = []
    for key, units in (("a", 1), ("b", 2)):
        request, _created = request_refund(inspected(order, {0: units}), idempotency_key=key, actor=agent)
        refunds.append(request)
    assert sum(r.amount for r in refunds) == paid_merchandise + Decimal("4.90")
    assert Decimal(refunds[0].breakdown["outbound_shipping"]) == 0
    assert Decimal(refunds[1].breakdown["outbound_shipping"]) == Decimal("4.90")


@pytest.mark.django_db
def test_store_credit_with_the_policy_bonus_credited_once(order, agent):
    ret = inspected(order)
    request, _ = request_refund(ret, idempotency_key="credit", method="store_credit", actor=agent)
    refund = request.refunds.get()
    assert (refund.gateway, refund.status) == ("store_credit", "succeeded")
    bonus = Decimal(request.breakdown["store_credit_bonus"])
    assert bonus > 0
    assert (refund.amount, refund.bonus) == (request.amount, bonus)  # the bonus is no payment refund
    assert refund.payment == order.payments.get()  # counted against what the card captured
    movements = StoreCreditMovement.objects.filter(account__customer=order.customer)
    assert movements.aggregate(total=AmountSum("amount"))["total"] == request.amount + bonus
    reconcile_pending()
    assert sorted(movements.values_list("reason", flat=True)) == ["bonus", "refund"]
    assert balanced()
    ret.refresh_from_db()
    assert ret.outcome == "store_credit"


def stripe_order(make_order, number="#9001"):
    return make_order(
        number,
        payments=[
            {"method": "card", "gateway": "stripe", "reference": "ch_1PgafuB7WZ01zgkW", "amount": "145.00"}
        ],
    )


@pytest.mark.django_db
def test_stripe_refund_through_the_official_package(make_order, fake_stripe, agent):
    ret = inspected(stripe_order(make_order))
    request, _ = request_refund(ret, idempotency_key="s1", actor=agent)
    refund = request.refunds.get()
    assert (refund.gateway, refund.status, refund.provider_reference) == ("stripe", "succeeded", "re_fake1")
    assert fake_stripe.total_refunded() == 12000
    assert balanced()


@pytest.mark.django_db
def test_a_card_error_fails_the_refund_and_frees_the_amount(make_order, fake_stripe, agent):
    ret = inspected(stripe_order(make_order))
    fake_stripe.fail_next = True
    request, _ = request_refund(ret, idempotency_key="s1", actor=agent)
    refund = request.refunds.get()
    assert refund.status == "failed"
    assert refund.last_error
    assert fake_stripe.creates == 0
    again, created = request_refund(ret, idempotency_key="s2", actor=agent)
    assert created
    assert again.refunds.get().status == "succeeded"


@pytest.mark.django_db
def test_a_crash_after_the_provider_paid_is_recovered_exactly_once(make_order, fake_stripe, agent):
    ret = inspected(stripe_order(make_order))
    fake_stripe.crash_next = True
    request, _ = request_refund(ret, idempotency_key="crash", actor=agent)
    refund = request.refunds.get()
    assert refund.status == "pending"  # the provider paid; we never heard
    assert fake_stripe.creates == 1
    assert reconcile_pending() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.provider_reference) == ("succeeded", "re_fake1")
    assert reconcile_pending() == 0
    assert fake_stripe.creates == 1
    assert fake_stripe.total_refunded() == 12000
    assert Refund.objects.get().ledger.filter(memo="refund paid").count() == 1
    assert balanced()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_requests_with_one_key_make_one_refund(make_order, fake_stripe, agent):
    """On PostgreSQL, 50 threads on their own connections; the SQLite test database lives in memory,
    shared by one connection per thread that cannot wait for a lock, so there the same requests queue."""
    ret = inspected(stripe_order(make_order))
    workers = 50 if at_once_possible() else 8
    results: list[int] = []

    def ask() -> None:
        request, _created = request_refund(Return.objects.get(pk=ret.pk), idempotency_key="race", actor=None)
        results.append(request.pk)

    errors = run_at_once(ask, workers)
    assert not errors, errors
    assert len(results) == workers
    assert len(set(results)) == 1
    assert RefundRequest.objects.count() == 1
    assert Refund.objects.count() == 1
    assert fake_stripe.creates == 1
    assert balanced()


@pytest.mark.django_db
def test_the_api_refunds_once_per_idempotency_key(order, agent, client_for, django_user_model):
    from django.contrib.auth.models import Permission

    finance = django_user_model.objects.create_user("finance", is_staff=True)
    finance.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_return", "refund_return"], content_type__app_label="returns"
        )
    )
    ret = inspected(order)
    client = client_for(finance)
    path = f"/api/v1/returns/{ret.number}/refund"
    first = client.post(path, {}, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert first.status_code == 201, first.content
    again = client.post(path, {}, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["refunds"][0]["expected_by"]
    missing = client.post(path, {}, content_type="application/json")
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")
    other = client_for(agent).post(
        path, {}, content_type="application/json", headers={"Idempotency-Key": "x"}
    )
    assert other.status_code == 403


@pytest.mark.django_db
def test_the_reconcile_command_completes_a_crashed_refund(make_order, fake_stripe, agent, capsys):
    from django.core.management import call_command

    ret = inspected(stripe_order(make_order, "#9101"))
    fake_stripe.crash_next = True
    request_refund(ret, idempotency_key="cmd", actor=agent)
    call_command("reconcile_refunds")
    assert "1" in capsys.readouterr().out
    assert Refund.objects.get().status == "succeeded"
    assert fake_stripe.creates == 1


@pytest.mark.django_db
def test_split_tenders_refund_the_gift_card_first(make_order, agent):
    order = make_order(
        "#9201",
        payments=[
            {"method": "card", "amount": "125.00"},
            {"method": "gift_card", "amount": "20.00", "reference": "GC-1"},
        ],
    )
    request, _ = request_refund(inspected(order), idempotency_key="split", actor=agent)
    tenders = [(r.gateway, r.amount, r.status) for r in request.refunds.order_by("id")]
    assert tenders == [("gift_card", Decimal("20.00"), "succeeded"), ("manual", Decimal("100.00"), "pending")]
    assert balanced()


@pytest.mark.django_db
def test_a_marketplace_sellers_item_is_charged_back_to_the_seller(make_order, agent):
    from retour.refunds.models import LedgerTransaction

    order = make_order(
        "#9301",
        lines=[delivered_line("Vase", 1, "80.00", seller="atelier-nord", seller_name="Atelier Nord")],
        payments=[{"method": "card", "amount": "80.00"}],
    )
    request, _ = request_refund(inspected(order), idempotency_key="mkt", actor=agent)
    assert request.breakdown["sellers"] == {"atelier-nord": "80.00"}
    confirm_manual(request.refunds.get(), actor=agent)
    charged = LedgerTransaction.objects.get(memo="seller atelier-nord")
    assert charged.entries.get(account="seller_receivable").debit == Decimal("80.00")
    assert balanced()
