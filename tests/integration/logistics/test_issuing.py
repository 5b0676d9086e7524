"""Issuing the label: once, only for an approved return that goes back by label, with its event."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from retour.logistics.domain.parcels import BoughtLabel, LabelRequest
from retour.logistics.services import has_label, issue_label
from retour.returns.models import Return, ReturnEvent
from retour.returns.services import handling

pytestmark = pytest.mark.django_db


class NumberedCarrier:
    """A carrier of our own for the test (the store's kind: no postage, no address needed): its tracking
    numbers are not the return's number."""

    name = "store"

    def __init__(self) -> None:
        self.calls = 0

    def rates(self, request: LabelRequest) -> list[object]:
        return []

    def buy_label(self, request: LabelRequest) -> BoughtLabel:
        self.calls += 1
        return BoughtLabel(self.name, f"TC{self.calls:06d}", postage_paid=False)

    def void_label(self, label: BoughtLabel) -> bool:
        return True

    def track(self, label: BoughtLabel) -> None:
        return None


def test_an_approved_label_return_gets_its_tracking_number_and_moves_to_label_issued(approved):
    ret = issue_label(approved())
    assert ret.state == "label_issued"
    assert ret.tracking_number == ret.number  # store-made labels: the return number is the reference
    saved = Return.objects.get(pk=ret.pk)
    assert (saved.state, saved.tracking_number) == ("label_issued", ret.number)
    event = saved.events.get(kind="label_issued")
    assert (event.from_state, event.to_state) == ("approved", "label_issued")
    assert event.data == {"tracking": ret.number}
    assert has_label(saved)


def test_issuing_twice_issues_once(approved):
    carrier = NumberedCarrier()
    ret = approved()
    first = issue_label(ret, carrier=carrier)
    again = issue_label(ret, carrier=carrier)
    assert carrier.calls == 1
    assert again.tracking_number == first.tracking_number == "TC000001"
    assert ReturnEvent.objects.filter(ret=ret, kind="label_issued").count() == 1


@pytest.mark.parametrize("method", ["drop_off", "in_store", "keep", ""])
def test_a_return_sent_back_another_way_gets_no_label(approved: Callable[..., Return], method: str):
    ret = issue_label(approved(method))
    assert (ret.state, ret.tracking_number) == ("approved", "")
    assert not ret.events.filter(kind="label_issued").exists()
    assert not has_label(ret)


def test_a_return_waiting_for_review_gets_no_label_until_approved(review_policy, make_order, agent):
    from retour.returns.services.creating import LineRequest, create_return

    order = make_order("#3001")
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "damaged")])
    assert ret.state == "requested"
    Return.objects.filter(pk=ret.pk).update(return_method="label")
    ret = issue_label(Return.objects.get(pk=ret.pk))
    assert (ret.state, ret.tracking_number) == ("requested", "")
    handling.approve(ret, actor=agent)
    assert issue_label(ret).state == "label_issued"


def test_a_cancelled_return_has_no_label_any_more(labelled: Return, agent):
    handling.cancel(labelled, actor=agent)
    assert not has_label(Return.objects.get(pk=labelled.pk))
