"""The EU withdrawal function (art. 11a of Directive 2011/83/EU): "Withdraw from contract here" on the
order, "Confirm withdrawal" on the next page, the statement kept with its date and time, a return for the
items, and an acknowledgement by email to the address given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from integration.portal.steps import alert, french, lines, look_up, text
from retour.notifications.tasks import send_notification
from retour.orders.models import Order
from retour.policies import services as policies
from retour.refunds.services import deadlines
from retour.returns.models import Return, ReturnEvent, Withdrawal

pytestmark = pytest.mark.django_db

BUTTON = "Withdraw from contract here"
BUTTON_FR = "Se rétracter du contrat ici"


def order_page(client: Client, order: Order) -> str:
    response = client.get(reverse("portal:order", args=[order.pk]))
    assert response.status_code == 200
    return text(response)


def withdraw(
    client: Client, order: Order, line_ids: list[int], email: str = "zoe.perso@example.com", **extra
):
    data = {"lines": line_ids, "name": "Zoé Lefèvre", "email": email}
    return client.post(reverse("portal:withdraw", args=[order.pk]), data, **extra)


def test_an_eu_shopper_within_14_days_withdraws_in_two_steps(shopper: Client, order: Order):
    assert BUTTON in order_page(shopper, order)
    page = shopper.get(reverse("portal:withdraw", args=[order.pk]))
    assert page.status_code == 200
    assert "Confirm withdrawal" in text(page)
    assert 'value="1001@example.com"' in page.content.decode()  # the order's address, to change if wished
    ids = [line.pk for line in lines(order)]
    response = withdraw(shopper, order, ids)
    statement = Withdrawal.objects.get()
    ret = Return.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:return", args=[ret.number]) + "?withdrawn=1"
    assert (statement.order, statement.ret, statement.channel) == (order, ret, "portal")
    assert (statement.name, statement.email) == ("Zoé Lefèvre", "zoe.perso@example.com")
    assert sorted(ret.lines.values_list("order_line_id", flat=True)) == sorted(ids)
    assert sorted(ret.lines.values_list("quantity", flat=True)) == [1, 2]  # every unit
    event = ReturnEvent.objects.get(ret=ret, kind="withdrawal")
    assert event.actor_label == "shopper"
    assert event.data["email"] == "zoe.perso@example.com"
    acknowledged = text(shopper.get(response["Location"]))
    assert "Withdrawal received" in acknowledged
    assert "An acknowledgement was sent to zoe.perso@example.com." in acknowledged
    assert "You withdrew from the contract." in acknowledged  # the timeline
    # In the store's time zone (Paris), as in the email.
    local = timezone.localtime(statement.at, order.store.zone)
    assert f"on {formats.date_format(local, 'DATE_FORMAT')} at {local:%H:%M} (Europe/Paris)." in acknowledged


def test_the_withdrawal_function_in_french(make_order: Callable[..., Order]):
    order = make_order()
    client = french()
    look_up(client, order)
    assert BUTTON_FR in order_page(client, order)
    assert "Confirmer la rétractation" in text(client.get(reverse("portal:withdraw", args=[order.pk])))
    withdraw(client, order, [lines(order)[0].pk])
    assert Withdrawal.objects.get().ret.language == "fr"


def acknowledge(statement: Withdrawal):
    """Send the acknowledgement as the worker does, once the withdrawal is committed; the email sent."""
    notification = statement.ret.notifications.get(kind="withdrawal")
    assert mail.outbox == []  # nothing is sent while the shopper waits
    assert send_notification.call(notification.pk) == "sent"
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_acknowledgement_email_has_the_date_and_time_of_the_withdrawal(shopper: Client, order: Order):
    withdraw(shopper, order, [line.pk for line in lines(order)])
    statement = Withdrawal.objects.get()
    sent = acknowledge(statement)
    assert sent.subject == "Acknowledgement of your withdrawal from order #1001"
    local = timezone.localtime(statement.at, order.store.zone)
    assert format_date(local.date(), "long", locale="en_GB") in sent.body
    assert local.strftime("%H:%M") in sent.body
    assert statement.ret.number in sent.body


def test_the_acknowledgement_goes_to_the_address_the_shopper_gave(shopper: Client, order: Order):
    withdraw(shopper, order, [lines(order)[0].pk], email="zoe.perso@example.com")
    assert acknowledge(Withdrawal.objects.get()).to == ["zoe.perso@example.com"]


def test_confirming_twice_records_one_withdrawal_and_lands_on_it(shopper: Client, order: Order):
    ids = [line.pk for line in lines(order)]
    first = withdraw(shopper, order, ids)
    second = withdraw(shopper, order, ids)
    ret = Withdrawal.objects.get().ret
    assert Return.objects.count() == 1
    assert ReturnEvent.objects.filter(kind="withdrawal").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"].startswith(reverse("portal:return", args=[ret.number]))


def test_the_shopper_may_withdraw_from_some_items_and_later_from_the_others(shopper: Client, order: Order):
    pull, scarf = lines(order)
    withdraw(shopper, order, [scarf.pk])
    assert BUTTON in order_page(shopper, order)  # the pull is still covered
    page = text(shopper.get(reverse("portal:withdraw", args=[order.pk])))
    assert "2 × Pull en laine" in page
    assert "Écharpe" not in page
    withdraw(shopper, order, [pull.pk])
    assert Withdrawal.objects.count() == 2
    assert BUTTON not in order_page(shopper, order)  # nothing left to withdraw from
    assert shopper.get(reverse("portal:withdraw", args=[order.pk])).status_code == 404


def test_withdrawing_needs_items_a_name_and_an_email(shopper: Client, order: Order):
    nothing = withdraw(shopper, order, [])
    assert nothing.status_code == 400
    assert alert(nothing) == "Choose the items you withdraw from."
    no_email = shopper.post(
        reverse("portal:withdraw", args=[order.pk]),
        {"lines": [lines(order)[0].pk], "name": "Zoé", "email": "zoé"},
    )
    assert no_email.status_code == 400
    assert "Enter a valid email address." in text(no_email)
    assert not Withdrawal.objects.exists()
    assert not Return.objects.exists()


def test_an_item_the_right_does_not_cover_cannot_be_slipped_in(
    shopper: Client, order: Order, make_order: Callable[..., Order]
):
    someone_else_s = lines(make_order("#2002"))[0]
    refused = withdraw(shopper, order, [lines(order)[0].pk, someone_else_s.pk])
    assert refused.status_code == 400
    assert alert(refused) == "The right of withdrawal does not cover these items (any more)."
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize(
    ("number", "overrides"),
    [
        ("#3001", {"customer": {"email": "3001@example.com", "country": "US"}, "shipping_country": "US"}),
        ("#3002", {"customer": {"email": "3002@example.com", "country": "GB"}, "shipping_country": "GB"}),
        ("#3003", {"delivered": datetime.now(UTC) - timedelta(days=20)}),
    ],
    ids=["us-shopper", "gb-shopper", "past-14-days"],
)
def test_no_withdrawal_function_outside_the_eu_right(make_shopper, number: str, overrides: dict):
    order, client = make_shopper(number, **overrides)
    page = order_page(client, order)
    assert BUTTON not in page
    assert "What would you like to return?" in page  # an ordinary return is still possible
    assert client.get(reverse("portal:withdraw", args=[order.pk])).status_code == 404
    assert withdraw(client, order, [lines(order)[0].pk]).status_code == 404
    assert not Withdrawal.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_acknowledgement_in_the_shopper_s_language(make_order: Callable[..., Order]):
    order = make_order()
    client = french()
    look_up(client, order)
    withdraw(client, order, [lines(order)[0].pk], email="zoe.perso@example.com")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    acknowledgements = [m for m in mail.outbox if "rétractation" in m.subject]
    assert len(acknowledgements) == 1
    sent = acknowledgements[0]
    assert sent.subject == "Accusé de réception de votre rétractation pour la commande #1001"
    statement = Withdrawal.objects.get()
    local = timezone.localtime(statement.at, order.store.zone)
    assert format_date(local.date(), "long", locale="fr_FR") in sent.body
    assert local.strftime("%H:%M") in sent.body


GENEROUS = """\
format: retour-policy/1
name: sixty-days
rules:
  - id: sixty-days
    when: {days_since_delivery: {max: 60}}
    then: {eligible: true, code: standard, refund_percent: 100, resolutions: [refund, store_credit]}
  - id: later
    then: {eligible: false, code: window_expired}
"""


def test_a_store_policy_more_generous_than_the_law_keeps_the_withdrawal_function(
    shopper: Client, order: Order
):
    """It used to vanish: the right existed only when the store's own rule was labelled a withdrawal."""
    policies.load_policy(order.store, GENEROUS)
    assert BUTTON in order_page(shopper, order)
    response = withdraw(shopper, order, [line.pk for line in lines(order)])
    assert response.status_code == 302
    ret = Return.objects.get()
    assert Withdrawal.objects.get().ret == ret
    # the 14-day legal deadline and the L242-4 surcharge are tracked as under the law's own terms
    found = deadlines.for_return(ret)
    requested = timezone.localdate(ret.created_at, ret.store.zone)
    assert (found.legal_basis, found.legal_due) == ("eu_withdrawal", requested + timedelta(days=14))
    assert found.surcharge
    # and the store's own terms decide the money: in full, no fee
    decision = ret.lines.order_by("id").first().decision
    assert (decision.code, decision.refund_percent, decision.legal_basis) == (
        "standard",
        100,
        "eu_withdrawal",
    )
