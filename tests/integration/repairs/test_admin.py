"""Staff see repairs by deadline in the back office, the law's deadline and lateness in the list, each
repair's timeline read-only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from retour.repairs.models import Repair, RepairSettings
from retour.repairs.services import policy

from .conftest import ask_repair

pytestmark = pytest.mark.django_db


def test_staff_see_the_deadline_and_a_late_repair_and_cannot_edit_it(old_order, workshop):
    repair = Repair.objects.get(ret=ask_repair(old_order))
    Repair.objects.filter(pk=repair.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    staff = User.objects.create_user("desk", "desk@example.com", "pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_repair", "view_repairer"]))
    client = Client()
    client.force_login(staff)

    listing = client.get("/admin/repairs/repair/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert repair.number in page
    assert 'alt="True"' in page  # the law fixes the deadline (France), and the repair is late
    change = client.get(f"/admin/repairs/repair/{repair.pk}/change/")
    assert change.status_code == 200
    assert "Code de la consommation L217-10" in change.content.decode()
    assert client.post(f"/admin/repairs/repair/{repair.pk}/change/", {}).status_code == 403


def test_staff_set_the_stores_diagnosis_fee_in_the_back_office_and_a_bad_one_changes_nothing(old_order):
    staff = User.objects.create_user("desk", "desk@example.com", "pw", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_repairsettings", "add_repairsettings", "change_repairsettings"]
        )
    )
    client = Client()
    client.force_login(staff)
    form = {"store": old_order.store_id, "diagnosis_fee": "-5"}

    refused = client.post("/admin/repairs/repairsettings/add/", form)
    assert refused.status_code == 200  # the form again, with its error
    assert not RepairSettings.objects.exists()
    saved = client.post("/admin/repairs/repairsettings/add/", {**form, "diagnosis_fee": "25"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert policy.settings_of(old_order.store).diagnosis_fee == Decimal("25")
    assert "25" in client.get("/admin/repairs/repairsettings/").content.decode()
