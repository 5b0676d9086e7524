"""The shopper follows a repair in the portal: a line on the return's status page with the next step and
its expected date, the repair's own page with the law's deadline and the choices open now; a choice not
open is refused; another shopper's session sees nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integration.portal.steps import french, look_up, text
from retour.repairs.domain.states import REPAIRER, STAFF
from retour.repairs.models import Repair, RepairSettings
from retour.repairs.services import steps

from .conftest import ask_repair

pytestmark = pytest.mark.django_db


def shopper_of(order, client: Client | None = None) -> Client:
    client = client or Client()
    assert look_up(client, order).status_code == 302
    return client


def test_the_status_page_has_a_line_per_repair_with_its_expected_date(old_order, workshop):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    steps.update(repair, "sent", role=STAFF, tracking="6A1")
    client = shopper_of(old_order)

    page = text(client.get(reverse("portal:return", args=[ret.number])))
    assert f"Repairs {old_order.lines.order_by('position').first().title} · {repair.number}" in page
    assert "sent to the repairer" in page
    assert "Next: received by the repairer, expected by" in page

    own = text(client.get(reverse("portal:repair", args=[repair.number])))
    assert "Under the legal guarantee the repair is free and must be done by" in own
    assert "Code de la consommation L217-10" in own
    assert "Le zip est cassé" in own


def test_in_french_an_unrepairable_item_offers_a_replacement_or_a_refund(old_order, workshop):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    steps.update(repair, "sent", role=STAFF)
    steps.update(repair, "received", role=REPAIRER)
    steps.update(repair, "unrepairable", role=REPAIRER, note="Moteur grillé")
    client = shopper_of(old_order, french())

    page = text(client.get(reverse("portal:repair", args=[repair.number])))
    assert "irréparable" in page
    assert "Envoyez-moi un remplacement" in page
    assert "Remboursez-moi" in page

    refused = client.post(
        reverse("portal:repair_choose", args=[repair.number]), {"choice": "price_reduction_chosen"}
    )
    repair.refresh_from_db()
    assert repair.state == "unrepairable"
    assert "Ce choix n’est pas ouvert" in text(client.get(refused["Location"]))

    client.post(reverse("portal:repair_choose", args=[repair.number]), {"choice": "refund_chosen"})
    repair.refresh_from_db()
    assert repair.state == "refund_chosen"


def test_past_the_deadline_the_page_offers_a_refund_or_a_price_reduction(old_order, workshop):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    steps.update(repair, "sent", role=STAFF)
    client = shopper_of(old_order)
    assert "Refund me" not in text(client.get(reverse("portal:repair", args=[repair.number])))

    Repair.objects.filter(pk=repair.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    page = text(client.get(reverse("portal:repair", args=[repair.number])))
    assert "The repair is late: you may now ask for a refund or a price reduction instead." in page
    client.post(reverse("portal:repair_choose", args=[repair.number]), {"choice": "price_reduction_chosen"})
    repair.refresh_from_db()
    assert repair.state == "price_reduction_chosen"


def test_another_shoppers_session_sees_no_repair(old_order, make_order, workshop):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    other = shopper_of(make_order("#3001"))

    assert other.get(reverse("portal:repair", args=[repair.number])).status_code == 404
    assert (
        other.post(
            reverse("portal:repair_choose", args=[repair.number]), {"choice": "refund_chosen"}
        ).status_code
        == 404
    )
    assert Client().get(reverse("portal:repair", args=[repair.number])).status_code == 404


def test_the_shopper_accepts_a_quote_online(old_order, workshop):
    repair = Repair.objects.get(ret=ask_repair(old_order))
    Repair.objects.filter(pk=repair.pk).update(under_guarantee=False)  # out of guarantee: paid
    steps.update(repair, "sent", role=STAFF)
    steps.update(repair, "received", role=REPAIRER)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Écran fendu")
    RepairSettings.objects.create(store_id=repair.store_id, diagnosis_fee=Decimal("25"))  # the store's fee
    steps.update(repair, "quoted", role=REPAIRER, amount="89.90")
    client = shopper_of(old_order, french())

    page = text(client.get(reverse("portal:repair", args=[repair.number])))
    assert "La réparation coûte 89,90" in page
    assert "Si vous refusez, les frais de diagnostic sont de 25,00" in page
    client.post(reverse("portal:repair_choose", args=[repair.number]), {"choice": "quote_accepted"})
    repair.refresh_from_db()
    assert repair.state == "quote_accepted"
