"""A repair opens with its return, is approved with it, goes to the repairer the rules choose and back;
each step is an event and an email (through the real worker and SMTP server); delivered back, a repair
under the guarantee extends it on the order line; unrepairable, the shopper chooses a refund; a bad step
is refused and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from retour.repairs.domain.states import REPAIRER, SHOPPER, STAFF
from retour.repairs.errors import RepairInvalid, RepairRefused
from retour.repairs.models import GuaranteeExtension, Repair, RepairEvent, RepairNotification
from retour.repairs.services import deadlines, extension, steps

from .conftest import ask_repair

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_repair_goes_to_the_partner_and_back_with_an_email_each_step(old_order, partner, workshop, smtp):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    # the policy approves a fault under the legal guarantee at once: the repair with it
    assert (repair.state, repair.under_guarantee, repair.country) == ("approved", True, "FR")
    assert repair.description == "Le zip est cassé"
    assert repair.due_legal
    assert repair.due_on == timezone.localtime(repair.requested_at, ret.store.zone).date() + timedelta(
        days=30
    )
    assert repair.repairer == partner  # the partner's rule matches every item

    steps.update(repair, "sent", role=SHOPPER, tracking="6A123")
    steps.update(repair, "received", role=REPAIRER)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Curseur du zip usé")
    steps.update(repair, "repaired", role=REPAIRER)
    steps.update(repair, "shipped_back", role=REPAIRER, tracking="6A999")
    done = steps.update(repair, "delivered", role=STAFF)

    assert done.state == "delivered"
    kinds = list(RepairEvent.objects.filter(repair=repair).values_list("kind", flat=True))
    assert kinds == [
        "requested",
        "approved",
        "sent",
        "received",
        "diagnosed",
        "repaired",
        "shipped_back",
        "delivered",
        "guarantee_extended",
    ]
    extended = GuaranteeExtension.objects.get(repair=repair)
    assert extension.extended_until(repair.line.order_line_id) == extended.until
    assert extended.until > extended.original_end
    assert extended.basis.startswith("Directive (EU) 2024/1799")

    run_worker()
    subjects = [str(m["Subject"]) for m in smtp.messages if repair.number in str(m["Subject"])]
    assert len(subjects) == RepairNotification.objects.filter(repair=repair).count() == 7  # no email for sent
    assert any("réparé" in s for s in subjects)  # the order is in French
    assert RepairNotification.objects.filter(repair=repair, status="sent").count() == 7
    run_worker()
    assert len([m for m in smtp.messages if repair.number in str(m["Subject"])]) == 7  # sent once


def test_unrepairable_offers_a_refund_which_the_return_line_takes_over(old_order, workshop):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    assert repair.repairer == workshop
    for target in ("sent", "received"):
        steps.update(repair, target, role=STAFF)
    steps.update(repair, "unrepairable", role=REPAIRER, note="Pièce introuvable")

    with pytest.raises(RepairRefused):
        steps.update(repair, "price_reduction_chosen", role=SHOPPER)
    chosen = steps.update(repair, "refund_chosen", role=SHOPPER)

    assert chosen.state == "refund_chosen"
    repair.line.refresh_from_db()
    assert repair.line.resolution == "refund"
    assert ret.events.filter(kind="repair_remedy", data__remedy="refund_chosen").count() == 1


def test_bad_steps_are_refused_and_change_nothing(old_order, workshop):
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    events = RepairEvent.objects.count()

    with pytest.raises(RepairRefused):
        steps.update(repair, "received", role=REPAIRER)  # not sent yet
    with pytest.raises(RepairRefused):
        steps.update(repair, "cancelled", role=REPAIRER)  # only staff or the shopper cancel
    with pytest.raises(RepairInvalid):
        steps.update(repair, "nonsense", role=STAFF)
    steps.update(repair, "sent", role=STAFF)
    steps.update(repair, "received", role=REPAIRER)
    with pytest.raises(RepairInvalid):
        steps.update(repair, "diagnosed", role=REPAIRER, note="  ")
    with pytest.raises(RepairInvalid):
        steps.update(repair, "diagnosed", role=REPAIRER, note="x" * 2001)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Usé")
    with pytest.raises(RepairInvalid):  # under the guarantee: free, never quoted
        steps.update(repair, "quoted", role=REPAIRER, amount="40")
    repair.refresh_from_db()
    assert repair.state == "diagnosed"
    assert repair.quote_amount is None
    assert RepairEvent.objects.count() == events + 3  # sent, received, diagnosed


def test_past_the_thirty_days_the_shopper_may_take_a_refund_and_staff_were_warned_once(
    old_order, workshop, smtp, django_user_model
):
    from django.contrib.auth.models import Permission

    boss = django_user_model.objects.create_user("boss", "boss@example.com", is_staff=True)
    boss.user_permissions.add(Permission.objects.get(codename="change_repair"))
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    steps.update(repair, "sent", role=STAFF)

    with pytest.raises(RepairRefused):
        steps.update(repair, "refund_chosen", role=SHOPPER)
    Repair.objects.filter(pk=repair.pk).update(due_on=timezone.localdate() + timedelta(days=3))
    assert deadlines.warn_staff() == 1
    assert deadlines.warn_staff() == 0  # once
    warned = [m for m in smtp.messages if "délai" in str(m["Subject"])]  # the store's French
    assert [m["To"] for m in warned] == ["boss@example.com"]
    assert str(warned[0]["Subject"]) == "1 réparation approche de son délai"
    body = warned[0].get_body(("plain",)).get_content()
    assert repair.number in body
    assert "à rendre au plus tard le" in body

    Repair.objects.filter(pk=repair.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    chosen = steps.update(repair, "refund_chosen", role=SHOPPER)
    assert chosen.state == "refund_chosen"


def test_staff_of_an_english_store_are_warned_in_english(old_order, workshop, smtp, django_user_model):
    from django.contrib.auth.models import Permission

    boss = django_user_model.objects.create_user("boss", "boss@example.com", is_staff=True)
    boss.user_permissions.add(Permission.objects.get(codename="change_repair"))
    repair = Repair.objects.get(ret=ask_repair(old_order))
    repair.store.languages = "en,fr"
    repair.store.save(update_fields=["languages"])
    Repair.objects.filter(pk=repair.pk).update(due_on=timezone.localdate() + timedelta(days=2))
    assert deadlines.warn_staff() == 1
    (warning,) = [m for m in smtp.messages if "deadline" in str(m["Subject"])]
    assert str(warning["Subject"]) == "1 repair is near its deadline"
    assert f"{repair.number}: due by " in warning.get_body(("plain",)).get_content()
