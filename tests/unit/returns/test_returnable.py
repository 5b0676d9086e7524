"""One rule for the units of an order line that can go back now."""

from __future__ import annotations

from datetime import date

import pytest

from retour.returns.domain.returnable import IN_RETURN, NOT_DELIVERED, LineUnits, Returnable, returnable

pytestmark = pytest.mark.unit
DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (LineUnits(delivered=2, delivered_on=DAY, in_returns=0), Returnable(2)),
        (LineUnits(delivered=2, delivered_on=DAY, in_returns=1), Returnable(1)),
        (LineUnits(delivered=2, delivered_on=DAY, in_returns=2), Returnable(0, IN_RETURN)),
        (LineUnits(delivered=1, delivered_on=DAY, in_returns=3), Returnable(0, IN_RETURN)),
        # fulfilled but not known to have arrived: on its way
        (LineUnits(delivered=2, delivered_on=None, in_returns=0), Returnable(0, NOT_DELIVERED)),
        (LineUnits(delivered=0, delivered_on=DAY, in_returns=0), Returnable(0, NOT_DELIVERED)),
    ],
)
def test_units_that_can_go_back_and_why_not(line: LineUnits, expected: Returnable) -> None:
    assert returnable(line) == expected
