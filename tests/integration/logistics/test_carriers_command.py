"""``retour carriers``: return addresses and their rules, a label bought again, parcels tracked now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from retour.logistics.models import ReturnAddress, Shipment
from retour.logistics.services import issue_label
from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("carriers", *args, stdout=out)
    return out.getvalue()


ADDRESS = ["--label", "Lyon", "--name", "Service retours", "--street1", "12 rue de l’Atelier"]
ADDRESS += ["--postal-code", "69002", "--city", "Lyon"]


def test_an_address_is_added_listed_and_deactivated(shopper_order):
    said = run("add-address", *ADDRESS, "--country", "fr", "--countries", "fr, be", "--priority", "5")
    address = ReturnAddress.objects.get()
    assert said.strip() == f"Return address {address.pk} added."
    assert (address.country, address.countries, address.priority) == ("FR", "BE,FR", 5)
    listed = run("addresses")
    assert "Lyon" in listed
    assert "countries=BE,FR" in listed
    assert "active" in listed
    run("remove-address", str(address.pk))
    assert not ReturnAddress.objects.get().active


def test_a_wrong_address_is_refused_and_nothing_is_saved(shopper_order):
    with pytest.raises(CommandError, match="country"):
        run("add-address", *ADDRESS, "--country", "France")
    with pytest.raises(CommandError, match="no seller"):
        run("add-address", *ADDRESS, "--country", "FR", "--seller", "nobody")
    assert not ReturnAddress.objects.exists()


def test_a_label_the_carrier_failed_to_give_is_bought_again_then_tracked(
    approved, fake_easypost, lyon_warehouse
):
    fake_easypost.fail_next = True
    ret = issue_label(approved())
    assert ret.state == "approved"
    said = run("label", ret.number)
    shipment = Shipment.objects.get(ret=ret)
    assert said.strip() == f"Label {shipment.tracking_number} (LaPoste) for return {ret.number}."
    fake_easypost.move(shipment.tracking_number, "in_transit", datetime.now(UTC) + timedelta(minutes=1))
    assert run("track").strip() == "applied\t1"
    assert Return.objects.get(pk=ret.pk).state == "in_transit"
    assert run("events").strip() == "applied\t1"


def test_a_carrier_refusal_is_a_clear_error(approved, fake_easypost, lyon_warehouse):
    fake_easypost.fail_next = True
    ret = issue_label(approved())
    fake_easypost.fail_next = True
    with pytest.raises(CommandError, match="carrier refused or did not answer"):
        run("label", ret.number)
    assert Return.objects.get(pk=ret.pk).state == "approved"
    assert not Shipment.objects.exists()
