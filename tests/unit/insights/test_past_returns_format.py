"""The past-returns format read on its own: what makes two records the same, which units were delivered."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from retour.insights.importers.past_returns import PastReturnRecord, read
from retour.insights.services.importing import delivered_units
from retour.orders.importers.records import RowError

pytestmark = pytest.mark.unit


def record(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "number": "OLD-1",
        "order": "ML-1",
        "requested_at": "2026-02-03T10:15:00+01:00",
        "status": "refunded",
        "lines": [
            {"sku": "A", "quantity": 1, "reason": "size_fit", "resolution": "refund", "amount": "59.90"}
        ],
    }
    values.update(overrides)
    return values


def parsed(*items: dict[str, Any]) -> list[PastReturnRecord | list[RowError]]:
    return list(read(io.StringIO("".join(json.dumps(item) + "\n" for item in items))))


def test_the_same_amounts_and_instants_written_differently_are_the_same_record():
    first, second = parsed(
        record(refunded="54.9"),
        record(
            refunded="54.90",
            requested_at="2026-02-03T09:15:00Z",
            lines=[{"sku": "A", "quantity": 1, "reason": "size_fit", "resolution": "refund", "amount": 59.9}],
        ),
    )
    assert isinstance(first, PastReturnRecord)
    assert isinstance(second, PastReturnRecord)
    assert first.fingerprint() == second.fingerprint()


def test_any_change_is_a_different_record():
    base, *changed = parsed(
        record(), record(status="store_credit"), record(received_at="2026-02-05T10:00:00Z")
    )
    assert isinstance(base, PastReturnRecord)
    for other in changed:
        assert isinstance(other, PastReturnRecord)
        assert other.fingerprint() != base.fingerprint()


def test_the_money_figures_default_to_zero_and_the_times_to_none():
    (only,) = parsed(record())
    assert isinstance(only, PastReturnRecord)
    value = only.value
    assert (value.refunded, value.store_credit, value.fees_charged, value.label_cost) == (0, 0, 0, 0)
    assert value.received_at is None
    assert value.resolved_at is None
    assert value.lines[0].condition == ""


def test_each_problem_of_a_record_is_placed_on_its_row_and_field():
    (_good, errors) = parsed(
        record(),
        record(status="lost", requested_at="2026-02-03T10:15:00", lines=[{"sku": "A", "quantity": 0}]),
    )
    assert isinstance(errors, list)
    assert {(error.row, error.column) for error in errors} == {
        (2, "status"),
        (2, "requested_at"),
        (2, "lines.0.quantity"),
        (2, "lines.0.reason"),
        (2, "lines.0.resolution"),
        (2, "lines.0.amount"),
    }


@pytest.mark.parametrize(
    ("quantity", "fulfilled", "status", "shipment", "parcels", "expected"),
    [
        (3, 2, "partial", None, {1: True}, 2),  # what was fulfilled, once delivered
        (3, 0, "fulfilled", None, {1: True}, 3),  # the order says all of it was
        (3, 0, "unfulfilled", None, {1: True}, 3),  # the order says nothing, its parcel arrived
        (3, 0, "partial", None, {1: True}, 0),  # part of the order shipped, not this line
        (3, 3, "fulfilled", None, {1: True, 2: False}, 0),  # a parcel still on its way
        (3, 3, "fulfilled", 1, {1: True, 2: False}, 3),  # but not this line's own parcel
        (3, 3, "fulfilled", 2, {1: True, 2: False}, 0),  # this line's own parcel is on its way
        (3, 3, "fulfilled", None, {}, 0),  # never shipped
    ],
)
def test_delivered_units(
    quantity: int, fulfilled: int, status: str, shipment: int | None, parcels: dict[int, bool], expected: int
):
    assert delivered_units(quantity, fulfilled, status, shipment, parcels) == expected
