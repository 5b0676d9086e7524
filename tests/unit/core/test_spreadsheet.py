"""CSV cells a spreadsheet would run as formulas are written as text; numbers stay numbers."""

from __future__ import annotations

import pytest

from retour.core.spreadsheet import safe_cell, safe_rows

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 1 23", "'+33 1 23"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("-4.95", "-4.95"),
        ("+12", "+12"),
        ("-1e3", "-1e3"),
        ("refund", "refund"),
        ("", ""),
        (-4.95, -4.95),
        (None, None),
    ],
)
def test_formula_cells_become_text(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_rows_are_made_safe_cell_by_cell() -> None:
    assert list(safe_rows([["=x", 1], ["ok", "-2"]])) == [["'=x", 1], ["ok", "-2"]]
