"""The refund quoted is the refund paid (issue 10, item 1): a discounted album of 32.50 with a 9.75 line
discount, bought by a French shopper, is worth what was paid for it, 22.75. Returned under the right of
withdrawal, less the 4.95 return shipping, it refunds 17.80 everywhere: the policy's explanation, the
choice, the summary, the status page, the API's decision, the refund and its email, the L242-4 surcharge,
and as store credit 10 % more of that, 19.58."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from factories import delivered_line
from integration.portal.steps import choose_items, confirm, lines, look_up, pick, resolution, text
from integration.refunds.helpers import inspect_all
from retour.api.v1.returns import present
from retour.core.money import Money
from retour.notifications.emails import render
from retour.refunds.domain.timing import france_late_refund_surcharge
from retour.refunds.services import deadlines, store_credit
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.models import Return

pytestmark = pytest.mark.django_db

# What the page said before: the list price less the fee, the price paid, a bonus on the list price.
WRONG = ("27,55", "22,75", "20,56")


def euros(amount: str) -> str:
    """An amount as a French page reads once its white space is collapsed: "17,80 €"."""
    return " ".join(Money(Decimal(amount), "EUR").format("fr_FR").split())


@pytest.fixture
def album_order(make_order):
    def make(number: str):
        return make_order(
            number,
            lines=[delivered_line("Album", 1, "32.50", discount="9.75")],
            payments=[{"method": "card", "amount": "22.75"}],
        )

    return make


def ask_in_french(order, chosen: str) -> tuple[Client, str, Return]:
    """The French shopper asks for the album back in the portal: the options page, then the return."""
    client = Client(headers={"Accept-Language": "fr"})
    assert look_up(client, order).status_code == 302
    album = lines(order)[0]
    options = text(choose_items(client, order, pick(album, 1, "changed_mind", "unopened"), follow=True))
    confirm(client, order, {**resolution(album, chosen), "method": "label"})
    return client, options, Return.objects.get(order=order)


def test_a_discounted_album_is_quoted_and_refunded_17_80_everywhere(album_order, settings):
    settings.FR_LEGAL_INTEREST_RATE = "6.00"
    order = album_order("#ALBUM1")
    client, options, ret = ask_in_french(order, "refund")

    # Before confirming: the explanation, the choice, the summary and the store credit.
    assert (
        "Vous êtes dans votre délai de rétractation de 14 jours : l’article est remboursé en totalité, soit "
        f"{euros('17.80')} après les frais de retour." in options
    )
    assert f"{euros('17.80')} remboursés sur " in options  # the refund choice
    assert "(avant les frais de retour)" not in options  # its amount is after them, as everywhere
    assert f"Remboursement sur votre moyen de paiement {euros('17.80')}" in options
    assert f"Frais de retour, déduits {euros('4.95')}" in options  # the return shipping, once
    assert f"Ou en avoir {euros('19.58')}" in options  # 17.80 and 10 % more
    assert not [wrong for wrong in WRONG if wrong in options]

    # What is stored and what the API and the status page show.
    decision = ret.lines.get().decision
    assert (decision.item_refund, decision.fees, decision.refund_amount, decision.store_credit_amount) == (
        Decimal("22.75"),
        Decimal("4.95"),
        Decimal("17.80"),
        Decimal("19.58"),
    )
    assert decision.unit_price == Decimal("22.75")  # the policy decided on the price paid
    assert euros("17.80") in " ".join(decision.explanation_fr.split())
    api = present(ret).lines[0].decisions[0]
    assert (api.refund_amount, api.fees) == (Decimal("17.80"), Decimal("4.95"))
    status = text(client.get(reverse("portal:return", args=[ret.number])))
    assert euros("17.80") in status
    assert "27,55" not in status

    # The L242-4 surcharge counts on what the refund pays: 5 % of 17.80 is 0.89, not 5 % of 27.55.
    found = deadlines.for_return(ret)
    due = found.refund_due_by or found.legal_due
    assert due is not None
    assert found.surcharge
    paid = Money.of("17.80", "EUR")
    for day, step in found.surcharge:
        assert step == france_late_refund_surcharge(paid, due, day, legal_rate=Decimal("6.00"))
    steps = found.surcharge
    by_percent = {step.percent: step.amount.amount for _day, step in steps if step.rule == "percent"}
    assert (by_percent[Decimal(5)], by_percent[Decimal(50)]) == (Decimal("0.89"), Decimal("8.90"))

    # What is paid, and what the email says.
    ret = inspect_all(ret)
    request, _ = request_refund(ret, idempotency_key="album")
    assert (request.amount, request.fees) == (Decimal("17.80"), Decimal("4.95"))
    confirm_manual(request.refunds.get(), actor=None)
    email = render(ret.events.get(kind="refunded"))
    assert euros("17.80") in " ".join(email.text.split())
    assert euros("17.80") in text(client.get(reverse("portal:return", args=[ret.number])))


def test_the_album_as_store_credit_is_10_percent_more_than_its_refund(album_order):
    order = album_order("#ALBUM2")
    client, options, ret = ask_in_french(order, "store_credit")
    assert "10 % de plus qu’un remboursement, à dépenser dans la boutique" in options
    assert f"Ou en avoir {euros('19.58')}" in options
    assert ret.lines.get().decision.store_credit_amount == Decimal("19.58")
    ret = inspect_all(ret)
    request, _ = request_refund(ret, idempotency_key="album-credit", method="store_credit")
    refund = request.refunds.get()
    assert (refund.amount, refund.bonus) == (Decimal("17.80"), Decimal("1.78"))
    assert store_credit.balance(order.customer, "EUR").amount == Decimal("19.58")
    assert f"{euros('19.58')} · envoyé" in text(client.get(reverse("portal:return", args=[ret.number])))
    email = render(ret.events.get(kind="refunded"))
    assert euros("19.58") in " ".join(email.text.split())
