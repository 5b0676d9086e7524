"""A report's values for people (formatted in their language), as CSV rows, and as text for the command."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, format_percent
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from retour.core.money import Money
from retour.insights.analytics.base import Column, Figure, Kind, Report, Table


def locale() -> str:
    return "fr_FR" if (get_language() or "en").startswith("fr") else "en_US"


def shown(value: Any, kind: Kind, currency: str) -> str:
    """``value`` as a reader of the active language expects it: "25.00%", "1 234,50 €", "oui"."""
    if value is None:
        return _("not available yet")
    if kind == Kind.RATIO:
        # Two decimals, as the ratio's four; French puts a no-break space before the sign.
        pattern = "#,##0.00\u00a0%" if locale().startswith("fr") else "#,##0.00%"
        return format_percent(Decimal(value), format=pattern, locale=locale())
    if kind == Kind.MONEY:
        return Money(Decimal(value), currency).format(locale()[:2])
    if kind in (Kind.COUNT, Kind.SCORE):
        return format_decimal(Decimal(value), locale=locale())
    if kind == Kind.BOOL:
        return _("yes") if value else _("no")
    if value == "":
        return _("(none)")
    return str(value)


def change(figure: Figure, currency: str) -> str:
    """A figure's change against the previous period, signed: "+1.50 %", "-€3.00" (a minus sign)."""
    difference = figure.change
    if difference is None:
        return ""
    sign = "+" if Decimal(difference) > 0 else ("−" if Decimal(difference) < 0 else "±")
    return sign + shown(str(abs(Decimal(difference))), figure.kind, currency)


def display_rows(table: Table, currency: str) -> list[list[str]]:
    return [
        [shown(row.get(column.key), column.kind, currency) for column in table.columns] for row in table.rows
    ]


def csv_rows(table: Table) -> Iterator[list[Any]]:
    """A table as CSV: the column names in the active language, then the values as the API gives them
    (ratios as fractions "0.2500", money as "12.40"), so a spreadsheet computes with them."""
    yield [str(column.label) for column in table.columns]
    for row in table.rows:
        yield [_csv_value(row.get(column.key), column) for column in table.columns]


def _csv_value(value: Any, column: Column) -> Any:
    if column.kind == Kind.BOOL:
        return int(bool(value))
    return "" if value is None else value


def text(report: Report) -> str:
    """The report as text: its figures, then each table, aligned."""
    currency = report.filters.currency
    filters = report.filters
    period = (
        _("Returns asked for from %(start)s to %(last)s, store %(store)s")
        if report.period_kind == "requests"
        else _("Orders placed from %(start)s to %(last)s, store %(store)s")
    )
    out = [
        str(report.title),
        period
        % {
            "start": filters.start.isoformat(),
            "last": (filters.end - timedelta(days=1)).isoformat(),
            "store": filters.store.code,
        },
    ]
    if filters.seller is not None:
        out.append(_("Seller: %(seller)s") % {"seller": filters.seller or _("(the store)")})
    if filters.category is not None:
        out.append(_("Category: %(category)s") % {"category": filters.category or _("(none)")})
    out.append("")
    for figure in report.figures:
        # French puts a no-break space before the colon: the pattern is translated.
        line = _("%(label)s: %(value)s") % {
            "label": figure.label,
            "value": shown(figure.value, figure.kind, currency),
        }
        trend = change(figure, currency)
        if trend:
            line += " (" + _("%(change)s on the previous period") % {"change": trend} + ")"
        out.append(line)
    for table in report.tables:
        out += ["", str(table.title)]
        rows = [[str(column.label) for column in table.columns], *display_rows(table, currency)]
        if len(rows) == 1:
            out.append("  " + _("Nothing in this period."))
            continue
        widths = [max(len(row[index]) for row in rows) for index in range(len(table.columns))]
        for row in rows:
            out.append(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        if table.note:
            out.append("  " + str(table.note))
    return "\n".join(out)
