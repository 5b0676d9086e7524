"""Chasing reads each return again under its lock: one that moved on meanwhile is skipped and the batch
goes on; the days come from the settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.tasks import chase

pytestmark = pytest.mark.django_db


def ask(order) -> Return:
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])


def test_a_return_that_shipped_after_it_was_read_is_not_expired(order):
    stale = ask(order)  # read now, as a chasing batch reads its returns
    handling.mark_in_transit(Return.objects.get(pk=stale.pk))  # the carrier scans it meanwhile
    assert stale.state == "approved"
    assert handling.expire(stale, days=14, now=stale.approved_at + timedelta(days=20)) is None
    current = Return.objects.get(pk=stale.pk)
    assert current.state == "in_transit"
    assert not current.events.filter(kind="expired").exists()


def test_a_return_not_due_yet_is_not_expired_whatever_the_caller_thought(order):
    ret = ask(order)
    assert handling.expire(ret, days=14, now=ret.approved_at + timedelta(days=3)) is None
    assert Return.objects.get(pk=ret.pk).state == "approved"


def test_the_batch_goes_on_past_returns_that_moved_on(make_order):
    returns = [ask(make_order(f"#41{i}")) for i in range(3)]
    handling.mark_in_transit(returns[1])
    handling.cancel(Return.objects.get(pk=returns[2].pk), actor=None)
    approved = min(Return.objects.get(pk=r.pk).approved_at for r in returns)
    done = chase(approved + timedelta(days=15))
    assert (done.expired, done.reminded) == (1, 0)
    states = [Return.objects.get(pk=r.pk).state for r in returns]
    assert states == ["expired", "in_transit", "cancelled"]


def test_reminder_and_expiry_days_come_from_the_settings(order, settings):
    settings.RETURN_REMINDER_DAYS = (2,)
    settings.RETURN_EXPIRY_DAYS = 4
    ret = ask(order)
    approved = Return.objects.get(pk=ret.pk).approved_at
    assert chase(approved + timedelta(days=1, hours=1)).reminded == 0
    assert chase(approved + timedelta(days=2, hours=1)).reminded == 1
    reminder = ret.events.get(kind="reminder")
    assert reminder.data == {"day": 2, "days_left": 2}
    assert chase(approved + timedelta(days=4, hours=1)).expired == 1


def test_the_charge_instant_exchanges_command_says_how_many(db, capsys):
    call_command("charge_instant_exchanges")
    assert "Instant exchanges charged: 0 (returns not sent back within 14 days)." in capsys.readouterr().out
