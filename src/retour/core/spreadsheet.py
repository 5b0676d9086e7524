"""CSV files a person opens in a spreadsheet: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return would be read as a formula there (``=HYPERLINK(...)`` typed by an anonymous visitor
into the help search, then opened by staff). Such text cells are written with a leading apostrophe,
which spreadsheets show as text; numbers (``-4.95``) are left as they are.

Not for machine formats read back by an importer (the Shopify export): there a title stays as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_rows(rows: Iterable[Iterable[Any]]) -> Iterable[list[Any]]:
    """``rows`` with every text cell a spreadsheet could run as a formula neutralised."""
    return ([safe_cell(value) for value in row] for row in rows)
