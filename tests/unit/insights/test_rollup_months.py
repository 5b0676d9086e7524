"""The rollup's monthly cells (pure): a period cut into its ragged ends and its whole months, and a
month's cells the sums of its days'."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from retour.insights.domain import rollup
from retour.insights.domain.rollup import ALL, CATEGORY, Cell, CellKey, Split, months, next_month, split


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Ragged at both ends: the days of September and of December around three whole months.
        (
            date(2026, 9, 2),
            date(2026, 12, 3),
            Split(
                (date(2026, 9, 2), date(2026, 10, 1)),
                (date(2026, 10, 1), date(2026, 12, 1)),
                (date(2026, 12, 1), date(2026, 12, 3)),
            ),
        ),
        # Whole months only (a year up to the first of a month).
        (
            date(2025, 12, 1),
            date(2026, 12, 1),
            Split(
                (date(2025, 12, 1), date(2025, 12, 1)),
                (date(2025, 12, 1), date(2026, 12, 1)),
                (date(2026, 12, 1), date(2026, 12, 1)),
            ),
        ),
        # Within one month, or across a month's end without a whole month: days only.
        (
            date(2026, 2, 3),
            date(2026, 2, 11),
            Split(
                (date(2026, 2, 3), date(2026, 2, 11)),
                (date(2026, 2, 11), date(2026, 2, 11)),
                (date(2026, 2, 11), date(2026, 2, 11)),
            ),
        ),
        (
            date(2026, 1, 20),
            date(2026, 2, 27),
            Split(
                (date(2026, 1, 20), date(2026, 2, 27)),
                (date(2026, 2, 27), date(2026, 2, 27)),
                (date(2026, 2, 27), date(2026, 2, 27)),
            ),
        ),
        # From a month's first to the middle of the next: one whole month, then days.
        (
            date(2026, 2, 1),
            date(2026, 3, 15),
            Split(
                (date(2026, 2, 1), date(2026, 2, 1)),
                (date(2026, 2, 1), date(2026, 3, 1)),
                (date(2026, 3, 1), date(2026, 3, 15)),
            ),
        ),
    ],
)
def test_a_period_is_its_ragged_ends_and_its_whole_months(start: date, end: date, expected: Split):
    parts = split(start, end)
    assert parts == expected
    # The three parts follow each other and cover the period exactly.
    assert parts.head[0] == start
    assert parts.tail[1] == end
    assert sum(((last - first).days for first, last in parts), 0) == (end - start).days


def test_the_next_month_of_any_day():
    assert next_month(date(2026, 1, 31)) == date(2026, 2, 1)
    assert next_month(date(2026, 2, 28)) == date(2026, 3, 1)
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)


def test_a_months_cells_are_the_sums_of_its_days_cells():
    days = {
        CellKey(date(2026, 2, 2), rollup.PRODUCT, "7", CATEGORY, "home", ""): Cell(
            orders=1, units=2, returned_units=1, value=Decimal("20.5000"), returned_value=Decimal("10.2500")
        ),
        CellKey(date(2026, 2, 27), rollup.PRODUCT, "7", CATEGORY, "home", ""): Cell(
            orders=2, units=3, value=Decimal("30.7500")
        ),
        CellKey(date(2026, 3, 1), rollup.PRODUCT, "7", CATEGORY, "home", ""): Cell(orders=1, units=1),
        CellKey(date(2026, 2, 2), rollup.TOTAL, "", ALL, "", ""): Cell(orders=1, returns=1),
    }
    assert months(days) == {
        CellKey(date(2026, 2, 1), "product/m", "7", CATEGORY, "home", ""): Cell(
            orders=3, units=5, returned_units=1, value=Decimal("51.2500"), returned_value=Decimal("10.2500")
        ),
        CellKey(date(2026, 3, 1), "product/m", "7", CATEGORY, "home", ""): Cell(orders=1, units=1),
        CellKey(date(2026, 2, 1), "total/m", "", ALL, "", ""): Cell(orders=1, returns=1),
    }
