"""A later request about a repaired line is decided with the guarantee the repair extended: after the
original two years and before the extended end, a fault is still the seller's (the legal floor), while the
order's other line, never repaired, is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from retour.repairs.domain.states import REPAIRER, STAFF
from retour.repairs.models import GuaranteeExtension, Repair
from retour.repairs.services import steps
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return, decide_lines

from .conftest import ask_repair

pytestmark = pytest.mark.django_db


def repaired_and_delivered(old_order) -> GuaranteeExtension:
    ret = ask_repair(old_order)
    repair = Repair.objects.get(ret=ret)
    for target, role in (("sent", STAFF), ("received", REPAIRER)):
        steps.update(repair, target, role=role)
    steps.update(repair, "diagnosed", role=REPAIRER, note="Zip")
    steps.update(repair, "repaired", role=REPAIRER)
    steps.update(repair, "shipped_back", role=REPAIRER, tracking="6A2")
    steps.update(repair, "delivered", role=STAFF)
    return GuaranteeExtension.objects.get(repair=repair)


def test_the_floor_of_a_later_request_runs_to_the_extended_end(old_order, workshop):
    extended = repaired_and_delivered(old_order)
    later = timezone.now() + (extended.original_end - timezone.localdate()) + timedelta(days=60)
    assert extended.original_end < timezone.localtime(later).date() <= extended.until

    pull, scarf = old_order.lines.order_by("position")
    repaired_line, other_line = decide_lines(
        old_order,
        [
            LineRequest(pull.pk, 1, "defective", "used", "refund"),
            LineRequest(scarf.pk, 1, "defective", "used"),
        ],
        now=later,
    )

    assert (repaired_line.decision.eligible, repaired_line.decision.legal_basis) == (True, "legal_guarantee")
    assert repaired_line.decision.trace[-1] == "extended_guarantee"
    assert other_line.decision.eligible is False


def test_inspection_decides_again_with_the_extended_guarantee(old_order, workshop):
    """The re-decision at inspection uses the same extended end as the request: the fault found after the
    original two years is still the seller's once the item is graded."""
    extended = repaired_and_delivered(old_order)
    later = timezone.now() + (extended.original_end - timezone.localdate()) + timedelta(days=60)
    pull = old_order.lines.order_by("position").first()
    ret = create_return(old_order, [LineRequest(pull.pk, 1, "defective", "used", "refund")], now=later)
    assert ret.lines.get().decision.legal_basis == "legal_guarantee"
    if ret.state == "requested":
        ret = handling.approve(ret, actor=None)
    ret = handling.receive(ret, actor=None, at=later)
    line = ret.lines.get()
    ret = handling.inspect(ret, [handling.Grading(line.pk, "damaged")], actor=None, at=later)

    line.refresh_from_db()
    regraded = line.inspection_decision
    assert (regraded.stage, regraded.eligible, regraded.legal_basis) == (
        "inspection",
        True,
        "legal_guarantee",
    )
    assert regraded.trace.split()[-1] == "extended_guarantee"
