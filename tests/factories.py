"""Small builders for test data: import records, JSON orders and edited Shopify exports.

Plain functions whose keyword arguments override the defaults; nothing touches the database.
"""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from retour.orders.importers.records import ImportedLine, ImportedOrder

ORDERED_AT = datetime(2025, 5, 11, 13, 55, tzinfo=UTC)


def imported_line(**overrides: Any) -> ImportedLine:
    values: dict[str, Any] = {"title": "Snowboard", "quantity": 1, "unit_price": Decimal("10.00")}
    values.update(overrides)
    return ImportedLine(**values)


def imported_order(**overrides: Any) -> ImportedOrder:
    values: dict[str, Any] = {
        "number": "#1",
        "ordered_at": ORDERED_AT,
        "currency": "EUR",
        "lines": [imported_line()],
    }
    values.update(overrides)
    return ImportedOrder(**values)


def json_line(**overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"title": "Snowboard", "quantity": 1, "unit_price": "10.00"}
    line.update(overrides)
    return line


def json_order(**overrides: Any) -> dict[str, Any]:
    """A valid order in Retour's JSON format (the API body); amounts are strings, as documented."""
    order: dict[str, Any] = {
        "number": "R-1001",
        "ordered_at": "2025-05-11T09:55:16+02:00",
        "currency": "EUR",
        "customer": {"email": "ayumu@example.com", "first_name": "Ayumu", "last_name": "Hirano"},
        "lines": [json_line()],
    }
    order.update(copy.deepcopy(overrides))
    return order


# Shopify exports, edited in memory. Row numbers are the file's: the header is row 1.


class ShopifyExport:
    """A Shopify orders export as a header and rows, to edit cell by cell and write back as text."""

    def __init__(self, text: str) -> None:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        self.header = rows[0]
        self.rows = rows[1:]

    @classmethod
    def read(cls, path: Path) -> ShopifyExport:
        return cls(path.read_text(encoding="utf-8-sig"))

    def column(self, name: str) -> int:
        return self.header.index(name)

    def row(self, number: int) -> list[str]:
        return self.rows[number - 2]

    def get(self, number: int, column: str) -> str:
        return self.row(number)[self.column(column)]

    def set(self, number: int, column: str, value: str) -> ShopifyExport:
        self.row(number)[self.column(column)] = value
        return self

    def rows_of(self, order: str) -> list[int]:
        """The row numbers of one order."""
        name = self.column("Name")
        return [index + 2 for index, row in enumerate(self.rows) if row[name] == order]

    def drop_column(self, name: str) -> ShopifyExport:
        position = self.column(name)
        del self.header[position]
        for row in self.rows:
            del row[position]
        return self

    def text(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([self.header, *self.rows])
        return out.getvalue()

    def stream(self) -> io.StringIO:
        return io.StringIO(self.text(), newline="")

    def write(self, path: Path) -> Path:
        path.write_text(self.text(), encoding="utf-8")
        return path


def delivered_line(
    title: str, quantity: int, price: str, fulfilled: int | None = None, **extra: Any
) -> dict[str, Any]:
    """A JSON order line whose units were all delivered (or ``fulfilled`` of them)."""
    fulfilled = quantity if fulfilled is None else fulfilled
    return json_line(title=title, quantity=quantity, unit_price=price, fulfilled_quantity=fulfilled, **extra)
