"""The rollup's monthly cells (pure): a period cut into its ragged ends and its whole months, and a
month's cells the sums of its days'."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from retour.insights.domain import rollup
from retour.insights.domain.rollup import (
    ALL,
    CATEGORY,
    DAY,
    MONTH,
    YEAR,
    Cell,
    CellKey,
    Piece,
    months,
    next_month,
    next_year,
    pieces,
    years,
)


def day(month: int, number: int, year: int = 2026) -> date:
    return date(year, month, number)


def year(first: date, last: date, sign: int = 1) -> Piece:
    return Piece(YEAR, first, last, sign)


def month(first: date, last: date, sign: int = 1) -> Piece:
    return Piece(MONTH, first, last, sign)


def days(first: date, last: date, sign: int = 1) -> Piece:
    return Piece(DAY, first, last, sign)


@pytest.mark.parametrize(
    ("start", "end", "horizon", "expected"),
    [
        # A year up to the first of a month: December 2025, then 2026 less its December (not 11 months).
        (
            day(12, 1, 2025),
            day(12, 1),
            None,
            [
                month(day(12, 1, 2025), day(1, 1)),
                year(day(1, 1), day(1, 1, 2027)),
                month(day(12, 1), day(1, 1, 2027), -1),
            ],
        ),
        # The last 365 days up to today (the 7th): December 2025 less its first week, then 2026 whole
        # less its days to come, which hold no cells.
        (
            day(12, 8, 2025),
            day(12, 8),
            day(12, 8),
            [
                month(day(12, 1, 2025), day(1, 1)),
                year(day(1, 1), day(1, 1, 2027)),
                days(day(12, 1, 2025), day(12, 8, 2025), -1),
                days(day(12, 8), day(1, 1, 2027), -1),
            ],
        ),
        # Whole years.
        (day(1, 1, 2024), day(1, 1), None, [year(day(1, 1, 2024), day(1, 1))]),
        # Ragged at both ends: September nearly whole (its month less the 1st), December's first two days.
        (
            day(9, 2),
            day(12, 3),
            None,
            [month(day(9, 1), day(12, 1)), days(day(12, 1), day(12, 3)), days(day(9, 1), day(9, 2), -1)],
        ),
        # A few days of a month: those days.
        (day(2, 3), day(2, 11), None, [days(day(2, 3), day(2, 11))]),
        # Most of January, most of February: each month less its days outside.
        (
            day(1, 5),
            day(2, 27),
            None,
            [month(day(1, 1), day(3, 1)), days(day(1, 1), day(1, 5), -1), days(day(2, 27), day(3, 1), -1)],
        ),
        # Half and half: the days present are read (a tie reads the days).
        (day(4, 16), day(5, 1), None, [days(day(4, 16), day(5, 1))]),
        # From a month's first to the middle of the next: one whole month, then days.
        (day(2, 1), day(3, 15), None, [month(day(2, 1), day(3, 1)), days(day(3, 1), day(3, 15))]),
        # Up to today (the 7th): the current month hold no cells after it, so it is read whole, less
        # the days to come, which cost nothing.
        (
            day(9, 8),
            day(12, 8),
            day(12, 8),
            [
                month(day(9, 1), day(1, 1, 2027)),
                days(day(9, 1), day(9, 8), -1),
                days(day(12, 8), day(1, 1, 2027), -1),
            ],
        ),
        # Without the horizon, the current month's 7 days are read as days (24 would be taken away).
        (
            day(9, 8),
            day(12, 8),
            None,
            [month(day(9, 1), day(12, 1)), days(day(12, 1), day(12, 8)), days(day(9, 1), day(9, 8), -1)],
        ),
    ],
)
def test_a_period_is_read_in_as_few_cells_as_the_calendar_allows(
    start: date, end: date, horizon: date | None, expected: list[Piece]
):
    found = pieces(start, end, horizon=horizon)
    assert found == expected
    # Every day of the period counts once, every other day nets to zero.
    counted: dict[date, int] = {}
    for piece in found:
        current = piece.first
        while current < piece.last:
            following = {
                DAY: current + timedelta(days=1),
                MONTH: next_month(current),
                YEAR: next_year(current),
            }[piece.span]
            while current < following:
                counted[current] = counted.get(current, 0) + piece.sign
                current += timedelta(days=1)
    assert {moment for moment, count in counted.items() if count} == {
        start + timedelta(days=offset) for offset in range((end - start).days)
    }
    assert set(counted.values()) <= {0, 1}


@pytest.mark.parametrize("seed", range(200))
def test_any_period_nets_to_its_days(seed: int):
    import random

    rng = random.Random(seed)
    start = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
    end = start + timedelta(days=rng.randrange(1, 900))
    horizon = start + timedelta(days=rng.randrange(1, 800)) if seed % 2 else None
    counted: dict[date, int] = {}
    for piece in pieces(start, end, horizon=horizon):
        current = piece.first
        while current < piece.last:
            counted[current] = counted.get(current, 0) + piece.sign
            current += timedelta(days=1)
    inside = {start + timedelta(days=offset) for offset in range((end - start).days)}
    assert {moment for moment, count in counted.items() if count} == inside
    assert set(counted.values()) <= {0, 1}


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


def test_a_years_cells_are_the_sums_of_its_days_cells():
    days = {
        CellKey(date(2025, 12, 31), rollup.PRODUCT, "7", CATEGORY, "home", ""): Cell(orders=1, units=2),
        CellKey(date(2026, 1, 1), rollup.PRODUCT, "7", CATEGORY, "home", ""): Cell(
            orders=1, units=1, value=Decimal("5.0000")
        ),
        CellKey(date(2026, 11, 30), rollup.PRODUCT, "7", CATEGORY, "home", ""): Cell(
            orders=2, units=3, returned_units=1, value=Decimal("30.7500")
        ),
    }
    assert years(days) == {
        CellKey(date(2025, 1, 1), "product/y", "7", CATEGORY, "home", ""): Cell(orders=1, units=2),
        CellKey(date(2026, 1, 1), "product/y", "7", CATEGORY, "home", ""): Cell(
            orders=3, units=4, returned_units=1, value=Decimal("35.7500")
        ),
    }


def test_what_changed_in_some_days_is_added_to_their_month_and_year():
    """A return moved (2 February: one more unit back), an order's country changed (FR -> BE on 3
    February): added to the month's and year's cells, what changed is exactly what makes them right."""
    feb2 = CellKey(date(2026, 2, 2), rollup.PRODUCT, "7", CATEGORY, "home", "")
    fr = CellKey(date(2026, 2, 3), rollup.COUNTRY, "FR", ALL, "", "")
    be = CellKey(date(2026, 2, 3), rollup.COUNTRY, "BE", ALL, "", "")
    same = CellKey(date(2026, 2, 4), rollup.TOTAL, "", ALL, "", "")
    before = {
        feb2: Cell(units=2, returned_units=0, value=Decimal("20.0000")),
        fr: Cell(orders=1, units=1),
        same: Cell(orders=3),
    }
    after = {
        feb2: Cell(units=2, returned_units=1, value=Decimal("20.0000"), returned_value=Decimal("10.0000")),
        be: Cell(orders=1, units=1),
        same: Cell(orders=3),
    }
    changed = rollup.changes(after, before)
    assert changed == {
        feb2: Cell(returned_units=1, returned_value=Decimal("10.0000")),
        fr: Cell(orders=-1, units=-1),
        be: Cell(orders=1, units=1),
    }
    # Added to the stored month, the month of the new days (cells with nothing left out).
    stored = months(before)
    for key, cell in months(changed).items():
        stored.setdefault(key, Cell()).add(cell)
    assert {key: cell for key, cell in stored.items() if cell != Cell()} == months(after)


def test_adding_a_cell_adds_every_figure():
    """``Cell.add`` names each figure (fast); none may be forgotten when a figure is added to ``Cell``."""
    names = rollup.MEASURES
    first = Cell(**{name: index + 1 for index, name in enumerate(names)})
    second = Cell(**{name: 100 * (index + 1) for index, name in enumerate(names)})
    first.add(second)
    assert {name: getattr(first, name) for name in names} == {
        name: 101 * (index + 1) for index, name in enumerate(names)
    }
    assert second == Cell(**{name: 100 * (index + 1) for index, name in enumerate(names)})
