"""A claim from filing to payout to the seller's recovery, appeals that reverse it, the automatic grant at
``respond_by``, and concurrent grants: every step an event, the ledger balanced at each step."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from concurrency import at_once_possible, run_at_once
from integration.claims.helpers import account, balanced
from retour.claims.errors import (
    AppealRefused,
    ClaimExists,
    ClaimNotEligible,
    RecoveryRefused,
    ResponseTooLate,
    TransitionRefused,
)
from retour.claims.models import Claim, ClaimEvent
from retour.claims.services.deciding import Answer, appeal, decide, grant_overdue, respond
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.claims.services.money import (
    pay_again,
    payout_status,
    recover,
    seller_balance,
    seller_balances,
    settle_payouts,
)
from retour.core.money import Money
from retour.refunds.errors import IdempotencyKeyReused
from retour.refunds.models import LedgerEntry, LedgerTransaction, Refund, RefundRequest
from retour.refunds.services.paying import confirm_manual

EUR = "EUR"


def file_for(order, claim_type="not_received", key="", now=None, **stated) -> Claim:
    line = order.lines.get()
    claim, _created = file_claim(
        order,
        Filing(claim_type, [ClaimedLine(line.pk, line.quantity)], message="It never came.", stated=stated),
        key=key,
        now=now,
    )
    return claim


def kinds(claim: Claim) -> list[str]:
    return list(claim.events.order_by("at", "id").values_list("kind", flat=True))


def paid_out(claim: Claim, agent) -> Claim:
    """Staff confirm the manual payout; the periodic job marks the claim paid."""
    claim.refresh_from_db()
    for refund in claim.payout_request.refunds.all():
        confirm_manual(refund, actor=agent)
    settle_payouts()
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
def test_a_claim_goes_from_filing_to_payout_to_seller_recovery_with_the_ledger_balanced(
    marketplace_order, claims_agent
):
    order = marketplace_order()
    claim = file_for(order, key="buyer-1")
    assert claim.state == "awaiting_seller"
    assert (claim.item_price, claim.shipping_paid, claim.claimable) == (
        Decimal("80.00"),
        Decimal("5.00"),
        Decimal("85.00"),
    )
    assert claim.respond_by == claim.filed_at + timedelta(hours=72)
    assert claim.assessment["decision"] == "granted"  # the rules' view, stored with its facts
    assert claim.facts["claim_type"] == "not_received"
    assert claim.facts["delivered_at"] is None
    assert not LedgerEntry.objects.exists()

    respond(
        claim, Answer("evidence", tracking_number="1Z999AA1", message="Sent on time."), actor=claims_agent
    )
    claim.refresh_from_db()
    assert (claim.state, claim.tracking_number) == ("seller_responded", "1Z999AA1")

    claim, changed = decide(
        claim, "granted", note="The parcel never reached you.", key="d-1", actor=claims_agent
    )
    assert changed
    assert claim.state == "granted"
    assert (claim.decision, claim.decision_reason, claim.funded_by) == ("granted", "not_delivered", "seller")
    assert claim.payout == Decimal("85.00")
    refund = claim.payout_request.refunds.get()
    assert (refund.gateway, refund.status, refund.amount, refund.order_id) == (
        "manual",
        "pending",
        85,
        order.pk,
    )
    assert account("seller_receivable") == Decimal("85.00")  # the seller owes it
    assert account("refunds_payable") == Decimal("-85.00")  # owed to the buyer until paid
    assert balanced()

    claim = paid_out(claim, claims_agent)
    assert claim.state == "paid"
    assert account("refunds_payable") == 0
    assert account("payment_clearing") == Decimal("-85.00")
    assert balanced()
    seller = claim.seller
    assert seller_balance(seller, EUR) == Money.of("85.00", EUR)
    assert [(b.seller.code, b.owed) for b in seller_balances(order.store)] == [
        ("atelier-nord", Money.of("85.00", EUR))
    ]

    recover(seller, Money.of("50.00", EUR), reference="payout-2026-12", actor=claims_agent)
    assert seller_balance(seller, EUR) == Money.of("35.00", EUR)
    assert balanced()
    again = recover(seller, Money.of("50.00", EUR), reference="payout-2026-12")  # the same payout: once
    assert again.reference.endswith("payout-2026-12")
    assert seller_balance(seller, EUR) == Money.of("35.00", EUR)
    with pytest.raises(RecoveryRefused):
        recover(seller, Money.of("35.01", EUR), reference="payout-2027-01")
    recover(seller, Money.of("35.00", EUR), reference="payout-2027-01")
    assert seller_balance(seller, EUR) == Money.zero(EUR)
    assert account("seller_payable") == Decimal("85.00")  # withheld from the seller's payouts
    assert seller_balances(order.store) == []
    assert balanced()
    assert kinds(claim) == ["filed", "seller_responded", "granted", "paid"]
    assert RefundRequest.objects.count() == 1


@pytest.mark.django_db
def test_an_appeal_that_reverses_a_paid_grant_moves_the_money_back_with_its_own_entries(
    marketplace_order, claims_agent
):
    order = marketplace_order()
    claim, _ = decide(file_for(order), "granted", note="Never delivered.", key="d", actor=claims_agent)
    claim = paid_out(claim, claims_agent)
    seller = claim.seller
    recover(seller, Money.of("85.00", EUR), reference="payout-1")
    assert seller_balance(seller, EUR) == Money.zero(EUR)

    claim = appeal(claim, "seller", reason="The buyer's neighbour signed for it.", actor=claims_agent)
    assert (claim.state, claim.appeal_from, claim.appealed_by) == ("appealed", "paid", "seller")
    assert balanced()
    claim, _ = decide(
        claim, "denied", note="The seller showed the parcel was delivered.", key="a", actor=claims_agent
    )
    assert (claim.state, claim.decision, claim.appeal_outcome) == ("denied", "denied", "reversed")
    assert account("claims_expense") == Decimal("85.00")  # the marketplace bears what the buyer keeps
    assert seller_balance(seller, EUR) == Money.of("-85.00", EUR)  # what was recovered is owed back
    assert balanced()
    memos = list(LedgerTransaction.objects.order_by("id").values_list("memo", flat=True))
    assert memos == ["claim payout", "refund paid", "claim recovery", "claim reversed"]
    assert kinds(claim) == ["filed", "granted", "paid", "appealed", "appeal_reversed"]
    with pytest.raises(AppealRefused):
        appeal(claim, "buyer", reason="Again.")
    assert Refund.objects.count() == 1  # nothing paid twice, nothing deleted


@pytest.mark.django_db
def test_a_denial_reversed_on_the_buyers_appeal_pays_the_buyer(marketplace_order, claims_agent):
    order = marketplace_order()
    claim = file_for(order)
    delivered = timezone.now() - timedelta(days=5)
    respond(claim, Answer("evidence", proof_of_delivery=True, delivered_at=delivered), actor=claims_agent)
    claim.refresh_from_db()
    assert claim.assessment["decision"] == "denied"  # the evidence changed the rules' answer
    claim, _ = decide(claim, "denied", note="Delivered, with a signature.", key="d", actor=claims_agent)
    assert (claim.decision_reason, claim.payout, claim.payout_request) == ("delivered_with_proof", 0, None)
    assert not LedgerEntry.objects.exists()

    appeal(claim, "buyer", reason="The signature is not mine.")
    claim, _ = decide(claim, "granted", note="The signature was forged.", key="a", actor=claims_agent)
    assert (claim.state, claim.appeal_outcome, claim.decision_reason) == (
        "granted",
        "reversed",
        "marketplace_decision",
    )
    assert account("seller_receivable") == Decimal("85.00")
    assert balanced()
    claim = paid_out(claim, claims_agent)
    assert claim.state == "paid"
    assert balanced()
    assert kinds(claim) == ["filed", "seller_responded", "denied", "appealed", "appeal_reversed", "paid"]


@pytest.mark.django_db
def test_an_upheld_appeal_puts_the_claim_back_and_moves_no_money(marketplace_order, claims_agent):
    claim, _ = decide(file_for(marketplace_order()), "granted", note="Lost.", key="d", actor=claims_agent)
    appeal(claim, "seller", reason="It was delivered.")
    claim, _ = decide(claim, "granted", note="No proof was shown.", key="a", actor=claims_agent)
    assert (claim.state, claim.appeal_outcome) == ("granted", "upheld")
    assert LedgerTransaction.objects.count() == 1
    assert RefundRequest.objects.count() == 1
    assert balanced()


@pytest.mark.django_db
def test_a_marketplace_fulfilled_claim_is_the_marketplaces_expense_not_the_sellers(
    marketplace_order, claims_agent
):
    claim = file_for(marketplace_order(), fulfilled_by="marketplace")
    claim, _ = decide(claim, "granted", note="Lost in our warehouse.", key="d", actor=claims_agent)
    assert claim.funded_by == "marketplace"
    assert account("claims_expense") == Decimal("85.00")
    assert account("seller_receivable") == 0
    assert seller_balance(claim.seller, EUR) == Money.zero(EUR)
    assert balanced()


@pytest.mark.django_db
def test_a_seller_who_refunds_in_full_closes_the_claim_at_its_own_cost(marketplace_order, claims_agent):
    claim = file_for(marketplace_order())
    claim = respond(claim, Answer("refund", message="Sorry, refunded."), actor=claims_agent)
    assert (claim.state, claim.funded_by, claim.decision) == ("seller_refunded", "seller", "")
    assert claim.payout == claim.payout_request.amount == Decimal("85.00")
    assert seller_balance(claim.seller, EUR) == Money.of("85.00", EUR)
    assert balanced()
    with pytest.raises(TransitionRefused):
        decide(claim, "granted", note="Too late.", key="d", actor=claims_agent)
    assert RefundRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_seller_answers_before_respond_by_only(marketplace_order):
    claim = file_for(marketplace_order())
    with pytest.raises(ResponseTooLate):
        respond(claim, Answer("evidence", message="Late."), now=claim.respond_by + timedelta(seconds=1))
    claim.refresh_from_db()
    assert claim.state == "awaiting_seller"
    assert kinds(claim) == ["filed"]


@pytest.mark.django_db
def test_an_appeal_comes_within_30_days_of_the_decision(marketplace_order, claims_agent):
    claim, _ = decide(file_for(marketplace_order()), "denied", note="No.", key="d", actor=claims_agent)
    with pytest.raises(AppealRefused):
        appeal(claim, "buyer", reason="Late.", now=claim.decided_at + timedelta(days=30, seconds=1))
    assert (
        appeal(claim, "buyer", reason="In time.", now=claim.decided_at + timedelta(days=30)).state
        == "appealed"
    )


@pytest.mark.django_db
def test_the_rules_refuse_an_ineligible_claim_and_nothing_is_made(marketplace_order):
    order = marketplace_order()
    with pytest.raises(ClaimNotEligible) as refused:
        file_for(order, chargeback_filed=True)
    assert refused.value.details["reason"] == "chargeback_filed"
    early = order.ordered_at + timedelta(days=2)
    with pytest.raises(ClaimNotEligible) as too_early:
        file_for(order, now=early)
    assert too_early.value.details["reason"] == "too_early"
    assert too_early.value.details["file_from"]
    assert not Claim.objects.exists()
    assert not ClaimEvent.objects.exists()


@pytest.mark.django_db
def test_filing_is_idempotent_on_the_key_and_an_item_is_claimed_once(marketplace_order):
    order = marketplace_order()
    first = file_for(order, key="same")
    line = order.lines.get()
    again, created = file_claim(order, Filing("not_received", [ClaimedLine(line.pk, 1)]), key="same")
    assert (again.pk, created) == (first.pk, False)
    with pytest.raises(ClaimExists):
        file_claim(order, Filing("not_received", [ClaimedLine(line.pk, 1)]), key="other")
    with pytest.raises(IdempotencyKeyReused):
        file_for(marketplace_order("#5002"), key="same")
    assert Claim.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_automatic_grant_at_respond_by_runs_once_across_two_workers(marketplace_order):
    claim = file_for(marketplace_order())
    assert grant_overdue(now=claim.respond_by) == 0  # the seller still has this very instant
    late = claim.respond_by + timedelta(minutes=1)
    granted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        count = grant_overdue(now=late)
        with lock:
            granted.append(count)

    errors = run_at_once(worker, 2)
    assert not errors, errors
    assert sorted(granted) == [0, 1]
    assert grant_overdue(now=late) == 0  # a third run later: nothing left
    claim.refresh_from_db()
    assert (claim.state, claim.decision_reason, claim.funded_by) == (
        "granted",
        "seller_no_response",
        "seller",
    )
    assert claim.events.filter(kind="granted").count() == 1
    assert claim.events.get(kind="granted").actor_label == "system"
    assert RefundRequest.objects.count() == 1
    assert Refund.objects.count() == 1
    assert balanced()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_grants_pay_once(marketplace_order, fake_stripe, claims_agent):
    """On PostgreSQL, 50 threads on their own connections; on SQLite's in-memory test database the same
    calls queue up (see concurrency.py)."""
    order = marketplace_order(
        payments=[
            {"method": "card", "gateway": "stripe", "reference": "ch_1PgafuB7WZ01zgkW", "amount": "85.00"}
        ]
    )
    claim = file_for(order)
    workers = 50 if at_once_possible() else 8
    keys = itertools.count()
    lock = threading.Lock()
    made: list[bool] = []

    def grant() -> None:
        with lock:
            key = f"grant-{next(keys) % 2}"  # two clients, each clicking many times
        _claim, changed = decide(Claim.objects.get(pk=claim.pk), "granted", note="Lost.", key=key, actor=None)
        with lock:
            made.append(changed)

    errors = run_at_once(grant, workers)
    assert all(isinstance(error, TransitionRefused) for error in errors), [
        e for e in errors if not isinstance(e, TransitionRefused)
    ]
    assert made.count(True) == 1
    assert len(made) + len(errors) == workers
    claim.refresh_from_db()
    assert claim.state == "paid"  # Stripe answered at once
    assert RefundRequest.objects.count() == 1
    assert Refund.objects.count() == 1
    assert fake_stripe.creates == 1
    assert fake_stripe.total_refunded() == 8500
    assert claim.events.filter(kind="granted").count() == 1
    assert balanced()


@pytest.mark.django_db
def test_a_payout_that_failed_is_withdrawn_and_paid_again_under_a_new_key(
    marketplace_order, fake_stripe, claims_agent
):
    order = marketplace_order(
        payments=[
            {"method": "card", "gateway": "stripe", "reference": "ch_1PgafuB7WZ01zgkW", "amount": "85.00"}
        ]
    )
    fake_stripe.fail_next = True
    claim, _ = decide(file_for(order), "granted", note="Lost.", key="d", actor=claims_agent)
    assert payout_status(claim) == "failed"
    assert claim.state == "granted"
    assert seller_balance(claim.seller, EUR) == Money.zero(EUR)  # the promise was withdrawn
    assert balanced()
    claim = pay_again(claim, actor=claims_agent)
    assert (claim.state, payout_status(claim)) == ("paid", "paid")
    assert RefundRequest.objects.count() == 2  # the failed payout stays
    assert seller_balance(claim.seller, EUR) == Money.of("85.00", EUR)
    assert fake_stripe.total_refunded() == 8500
    assert "payout_retried" in kinds(claim)
    assert balanced()
    with pytest.raises(TransitionRefused):
        pay_again(claim)


@pytest.mark.django_db
def test_the_sellers_claim_rate_counts_grants_against_the_seller_over_60_days(
    marketplace_order, claims_agent
):
    from retour.claims.queries import claim_rate

    orders = [marketplace_order(f"#6{n:03d}") for n in range(3)]
    granted, _ = decide(file_for(orders[0]), "granted", note="Lost.", key="g", actor=claims_agent)
    decide(file_for(orders[1]), "denied", note="Delivered.", key="d", actor=claims_agent)
    rate = claim_rate(granted.seller)
    assert (rate.claimed_orders, rate.orders) == (1, 3)
    assert rate.at_risk
    assert claim_rate(granted.seller, at=granted.decided_at + timedelta(days=61)).claimed_orders == 0
    appeal(granted, "seller", reason="Delivered.")
    decide(granted, "denied", note="Proof shown.", key="a", actor=claims_agent)
    assert claim_rate(granted.seller).claimed_orders == 0  # reversed: no longer against the seller


@pytest.mark.django_db
def test_only_the_part_of_a_payout_that_failed_is_paid_again(marketplace_order, fake_stripe, claims_agent):
    order = marketplace_order(
        payments=[
            {"method": "gift_card", "amount": "20.00", "reference": "GC-7"},
            {"method": "card", "gateway": "stripe", "reference": "ch_1PgafuB7WZ01zgkW", "amount": "65.00"},
        ]
    )
    fake_stripe.fail_next = True
    claim, _ = decide(file_for(order), "granted", note="Lost.", key="d", actor=claims_agent)
    tenders = sorted(claim.payout_request.refunds.values_list("gateway", "amount", "status"))
    assert tenders == [("gift_card", Decimal("20.00"), "succeeded"), ("stripe", Decimal("65.00"), "failed")]
    assert payout_status(claim) == "failed"
    assert seller_balance(claim.seller, EUR) == Money.of("20.00", EUR)  # only what reached the buyer
    claim = pay_again(claim, actor=claims_agent)
    assert claim.payout_request.amount == Decimal("65.00")
    assert claim.state == "paid"
    assert seller_balance(claim.seller, EUR) == Money.of("85.00", EUR)
    assert fake_stripe.total_refunded() == 6500
    assert balanced()


@pytest.mark.django_db
def test_the_worker_job_grants_overdue_claims_and_marks_paid_payouts(marketplace_order, claims_agent):
    from retour.claims.tasks import grant_overdue_claims
    from retour.config.schedule import JOBS

    assert "retour.claims.tasks.grant_overdue_claims" in {job.task for job in JOBS}
    ordered = timezone.now() - timedelta(days=20)
    order = marketplace_order(
        ordered_at=ordered.isoformat(),
        shipments=[{"estimated_delivery_latest": str((ordered + timedelta(days=4)).date())}],
    )
    claim = file_for(order, now=timezone.now() - timedelta(hours=73))
    assert grant_overdue_claims.call() == 1
    claim.refresh_from_db()
    assert claim.state == "granted"
    for refund in claim.payout_request.refunds.all():
        confirm_manual(refund, actor=claims_agent)  # staff pay it by hand, later
    assert grant_overdue_claims.call() == 0
    claim.refresh_from_db()
    assert claim.state == "paid"
    assert kinds(claim) == ["filed", "granted", "paid"]
