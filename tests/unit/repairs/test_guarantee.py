"""A repaired item's legal guarantee is extended once: six months in France (L217-13), twelve months in the
EU for repairs from 31 July 2026 when the consumer chose repair (Directive 2024/1799 art. 16)."""

from __future__ import annotations

from datetime import date

import pytest

from retour.repairs.domain import guarantee

pytestmark = pytest.mark.unit

END = date(2027, 3, 2)


def test_a_french_repair_before_the_directive_adds_six_months():
    assert guarantee.extended_end(END, date(2026, 5, 4), "FR", in_eu=True) == (
        date(2027, 9, 2),
        "Code de la consommation L217-13",
    )


def test_an_eu_repair_the_consumer_chose_from_august_2026_adds_twelve_months():
    until, basis = guarantee.extended_end(END, date(2026, 12, 1), "FR", in_eu=True) or (None, "")

    assert until == date(2028, 3, 2)
    assert basis.startswith("Directive (EU) 2024/1799")
    assert guarantee.extended_end(END, date(2026, 12, 1), "DE", in_eu=True) == (date(2028, 3, 2), basis)


def test_nothing_is_extended_twice_nor_outside_the_eu_nor_before_the_directive_without_a_national_law():
    assert guarantee.extended_end(END, date(2026, 12, 1), "FR", in_eu=True, already_extended=True) is None
    assert guarantee.extended_end(END, date(2026, 12, 1), "US", in_eu=False) is None
    assert guarantee.extended_end(END, date(2026, 5, 1), "DE", in_eu=True) is None
    # the directive's extension is for a repair the consumer chose; France's is for any repair
    assert guarantee.extended_end(END, date(2026, 12, 1), "DE", in_eu=True, chose_repair=False) is None
    assert guarantee.extended_end(END, date(2026, 12, 1), "FR", in_eu=True, chose_repair=False) == (
        date(2027, 9, 2),
        "Code de la consommation L217-13",
    )


def test_months_keep_to_the_last_day_of_a_shorter_month():
    assert guarantee.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert guarantee.add_months(date(2026, 12, 31), 12) == date(2027, 12, 31)
