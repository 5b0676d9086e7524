"""Legal refund deadlines only for withdrawals: 14 days after it, held until the goods or proof of sending
arrive; the French L242-4 surcharge recorded when a refund is paid late; business days of the store."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from integration.refunds.helpers import inspect_all
from retour.refunds.services import deadlines
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.models import Return, ReturnEvent
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def german(make_order, number="#D001"):
    return make_order(
        number,
        language="en",
        shipping_country="DE",
        customer={"email": f"{number[1:]}@example.de", "country": "DE"},
    )


def withdrawn(order, reason="size_fit", **options) -> Return:
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, reason, "unopened")], **options)


def test_a_french_withdrawal_is_due_14_days_after_it_and_may_wait_for_the_goods(order, settings):
    settings.FR_LEGAL_INTEREST_RATE = "6.00"
    ret = withdrawn(order)
    found = deadlines.for_return(ret)
    requested = timezone.localdate(ret.created_at, ret.store.zone)
    assert (found.legal_basis, found.legal_due) == ("eu_withdrawal", requested + timedelta(days=14))
    assert found.may_wait_for_goods
    assert (found.goods_back_on, found.proof_of_sending_on, found.refund_due_by) == (None, None, None)
    assert found.surcharge[0][0] == found.legal_due + timedelta(
        days=1
    )  # shown from the earliest it can start
    handling.mark_in_transit(ret)
    sent = deadlines.for_return(ret)
    assert sent.proof_of_sending_on == timezone.localdate(timezone.now(), ret.store.zone)
    assert sent.refund_due_by == sent.legal_due  # proof came early: the 14 days hold


def paid_late(order, days_ago: int = 40) -> Return:
    """A withdrawal asked for ``days_ago`` days ago, sent back at once, refunded today."""
    ret = withdrawn(order)
    handling.mark_in_transit(ret)
    # Noon, store time, ``days_ago`` calendar days before today: the same count of days at any hour and
    # across a change of summer time (a plain "now - 40 days" is the day before after 22:00 in winter).
    zone = ret.store.zone
    day = timezone.localdate(timezone.now(), zone) - timedelta(days=days_ago)
    back = datetime.combine(day, time(12), zone)
    Return.objects.filter(pk=ret.pk).update(created_at=back)
    ReturnEvent.objects.filter(ret=ret).update(at=back + timedelta(days=5))
    ret = inspect_all(Return.objects.get(pk=ret.pk))
    request, _ = request_refund(ret, idempotency_key="late")
    confirm_manual(request.refunds.get(), actor=None)
    return ret


def test_a_french_shopper_refunded_late_is_owed_the_l242_4_surcharge(order, settings):
    settings.FR_LEGAL_INTEREST_RATE = "6.00"
    ret = paid_late(order)
    request = ret.refund_requests.get()
    assert request.days_late == 26  # due 14 days after the request, paid 40 days after it
    assert (request.late_surcharge_rule, request.late_surcharge) == (
        "percent",
        Decimal("5.51"),
    )  # 10 % of 55.05, half-up
    assert ret.events.get(kind="refunded").data["late_surcharge"] == "5.51"
    found = deadlines.for_return(ret)
    assert found.surcharge_owed is not None
    assert found.surcharge_owed.amount == Decimal("5.51")


def test_the_admin_shows_staff_the_surcharge_owed(admin_client, order, settings):
    settings.FR_LEGAL_INTEREST_RATE = "6.00"
    paid_late(order)
    page = admin_client.get(reverse("admin:refunds_refundrequest_changelist")).content.decode()
    assert "5,51" in page or "5.51" in page
    assert "26" in page


def test_a_german_shopper_has_the_14_days_but_no_french_surcharge(make_order):
    ret = paid_late(german(make_order))
    request = ret.refund_requests.get()
    assert request.legal_due_on is not None
    assert (request.days_late, request.late_surcharge, request.late_surcharge_rule) == (26, Decimal("0"), "")
    found = deadlines.for_return(ret)
    assert (found.country, found.surcharge, found.surcharge_owed) == ("DE", [], None)


def test_a_return_that_is_no_withdrawal_has_no_legal_deadline(order):
    ret = withdrawn(order, reason="defective")  # the seller's fault: the policy's terms, not the right
    found = deadlines.for_return(ret)
    assert (found.legal_due, found.may_wait_for_goods, found.surcharge, found.refund_due_by) == (
        None,
        False,
        [],
        None,
    )


def test_expected_dates_count_the_business_days_of_the_stores_country(make_order):
    ret = withdrawn(german(make_order))  # a French store, a German shopper
    # 14 July is a holiday in France, not in Germany: a manual refund sent on 13 July arrives from 15 July.
    found = deadlines.for_return(ret, today=date(2027, 7, 13))
    assert found.expected.earliest == date(2027, 7, 15)
    assert deadlines.expected_for_new_return(
        ret.order, store_credit=False, returnless=True, today=date(2027, 7, 13)
    ).earliest == date(2027, 7, 15)
