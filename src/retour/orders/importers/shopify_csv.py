"""Shopify's admin "Export orders" CSV: 79 columns, one row per line item.

Order columns are filled on an order's first row and blank on its continuation rows; an order's rows
are consecutive. The reader streams: it holds one order at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import TextIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour.orders.importers import parsing
from retour.orders.importers.parsing import FieldError
from retour.orders.importers.records import (
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
    complete,
    digest_of,
)

REQUIRED_COLUMNS = (
    "Name",
    "Email",
    "Financial Status",
    "Fulfillment Status",
    "Fulfilled at",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Country",
    "Shipping Name",
    "Shipping Zip",
    "Shipping Country",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Id",
    "Tags",
    "Lineitem discount",
    "Paid at",
)
# Older exports and hand-made files may lack these; an order without them still imports.
OPTIONAL_COLUMNS = (
    "Duties",
    "Shipping Company",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping City",
    "Shipping Province",
    "Shipping Province Name",
    "Shipping Phone",
)
# The column of each field the writer may refuse an order for (see ImportedOrder.columns): the record's
# name (``lines.title`` for a line's field), the export's column.
COLUMNS = {
    "number": "Name",
    "external_id": "Id",
    "email": "Email",
    "currency": "Currency",
    "ordered_at": "Created at",
    "cancelled_at": "Cancelled at",
    "discount_codes": "Discount Code",
    "subtotal": "Subtotal",
    "discount": "Discount Amount",
    "shipping": "Shipping",
    "shipping_method": "Shipping Method",
    "tax": "Taxes",
    "duties": "Duties",
    "total": "Total",
    "refunded_amount": "Refunded Amount",
    "shipping_country": "Shipping Country",
    "shipping_postal_code": "Shipping Zip",
    "shipping_name": "Shipping Name",
    "shipping_company": "Shipping Company",
    "shipping_address1": "Shipping Address1",
    "shipping_address2": "Shipping Address2",
    "shipping_city": "Shipping City",
    "shipping_province": "Shipping Province",
    "shipping_phone": "Shipping Phone",
    "billing_country": "Billing Country",
    "customer.email": "Email",
    "customer.first_name": "Billing Name",
    "customer.last_name": "Billing Name",
    "customer.country": "Shipping Country",
    "lines.title": "Lineitem name",
    "lines.sku": "Lineitem sku",
    "lines.quantity": "Lineitem quantity",
    "lines.fulfilled_quantity": "Lineitem quantity",
    "lines.unit_price": "Lineitem price",
    "lines.line_discount": "Lineitem discount",
    "lines.order_discount_share": "Discount Amount",
    "lines.tax": "Taxes",
    "lines.vendor": "Vendor",
    "payments.method": "Payment Method",
    "payments.reference": "Payment Reference",
    "payments.amount": "Total",
    "payments.captured_at": "Paid at",
    "shipments.method": "Shipping Method",
    "shipments.shipped_at": "Fulfilled at",
}
# Separators of spreadsheets set to another locale, to name in a message rather than list every column.
OTHER_SEPARATORS = {
    ";": gettext_lazy("semicolons (;)"),
    "\t": gettext_lazy("tabs"),
    "|": gettext_lazy("vertical bars (|)"),
}

FINANCIAL_STATUSES = {
    "pending": "pending",
    "authorized": "authorized",
    "paid": "paid",
    "partially_paid": "partially_paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "voided",
    "expired": "voided",
}
FULFILLMENT_STATUSES = {
    "": "unfulfilled",
    "unfulfilled": "unfulfilled",
    "partial": "partial",
    "fulfilled": "fulfilled",
    "restocked": "restocked",
}
# Part of every order's fingerprint: when the reader reads more of the same rows (version 2: the shipping
# address), re-importing an export once read by an older one updates its orders instead of skipping them.
READER_VERSION = "2"
CAPTURED_STATUSES = {"paid", "partially_paid", "partially_refunded", "refunded"}

ParsedOrder = ImportedOrder | list[RowError]


class _Columns:
    """Column positions, looked up once from the header (a row is read by index, not by name)."""

    def __init__(self, header: list[str]) -> None:
        self.header = [name.strip() for name in header]
        self.index = {name: position for position, name in enumerate(self.header)}
        self.missing = [name for name in REQUIRED_COLUMNS if name not in self.index]
        self.width = len(header)

    def get(self, row: list[str], name: str) -> str:
        position = self.index.get(name)
        return row[position] if position is not None else ""


class _RowReader:
    """Reads one row's fields, collecting an error per bad field instead of stopping at the first."""

    def __init__(self, columns: _Columns, row: list[str], row_number: int) -> None:
        self.columns = columns
        self.row = row
        self.row_number = row_number
        self.errors: list[RowError] = []

    def text(self, name: str) -> str:
        return self.columns.get(self.row, name).strip()

    def parse(self, name: str, parser, *args):  # type: ignore[no-untyped-def]
        try:
            return parser(self.columns.get(self.row, name), *args)
        except FieldError as error:
            self.errors.append(RowError(self.row_number, name, str(error)))
            return None


def read(stream: TextIO) -> Iterator[ParsedOrder]:
    """Yield each order of the export, or the errors of the rows that make it up."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        yield [RowError(1, "", _("the file is empty"))]
        return
    except csv.Error as error:
        yield [_unreadable(1, error)]
        return
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    columns = _Columns(header)
    if columns.missing:
        separator = next(
            (name for sep, name in OTHER_SEPARATORS.items() if len(header) == 1 and sep in header[0]), None
        )
        if separator is not None:
            yield [
                RowError(
                    1,
                    "",
                    _(
                        "the columns are separated by %(separator)s, not by commas: export the file "
                        "as CSV again"
                    )
                    % {"separator": str(separator)},
                )
            ]
            return
        yield [RowError(1, name, _("missing column")) for name in columns.missing]
        return
    yield from _orders(columns, _numbered(reader))


def _unreadable(number: int, error: csv.Error) -> RowError:
    if "field limit" in str(error):
        return RowError(
            number,
            "",
            _(
                "a field is longer than %(limit)d characters (is a quotation mark left open?); the rest of "
                "the row was not read"
            )
            % {"limit": csv.field_size_limit()},
        )
    return RowError(number, "", _("the row cannot be read as CSV: %(problem)s") % {"problem": str(error)})


def _numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]] | RowError]:
    # Row 1 is the header; csv.reader's line_num would count physical lines inside quoted fields. A row
    # the csv module cannot read (a field over its size limit) is an error; the rows after it are read.
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield _unreadable(number, error)
            continue
        if row:
            yield number, row


def _orders(columns: _Columns, rows: Iterator[tuple[int, list[str]] | RowError]) -> Iterator[ParsedOrder]:
    name_index = columns.index["Name"]
    seen: set[str] = set()
    group: list[tuple[int, list[str]]] = []
    for item in rows:
        if isinstance(item, RowError):
            yield [item]
            continue
        number, row = item
        if [cell.strip().removeprefix("\ufeff") for cell in row] == columns.header:
            yield [
                RowError(
                    number, "", _("the header row is repeated here: were two exports joined into one file?")
                )
            ]
            continue
        if len(row) != columns.width:
            yield [
                RowError(
                    number,
                    "",
                    ngettext(
                        "expected %(expected)d field, found %(found)d",
                        "expected %(expected)d fields, found %(found)d",
                        columns.width,
                    )
                    % {"expected": columns.width, "found": len(row)},
                )
            ]
            continue
        name = row[name_index].strip()
        if group and name != group[0][1][name_index].strip():
            yield _order(columns, group, seen)
            group = []
        group.append((number, row))
    if group:
        yield _order(columns, group, seen)


def _order(columns: _Columns, group: list[tuple[int, list[str]]], seen: set[str]) -> ParsedOrder:
    first_number, first_row = group[0]
    head = _RowReader(columns, first_row, first_number)
    number = head.text("Name")
    if not number:
        head.errors.append(RowError(first_number, "Name", _("the order number is empty")))
    elif number in seen:
        head.errors.append(
            RowError(
                first_number,
                "Name",
                _("the rows of order %(number)s are not consecutive") % {"number": number},
            )
        )
    seen.add(number)
    currency = head.parse("Currency", parsing.currency)
    status_raw = head.text("Financial Status").lower()
    financial_status = FINANCIAL_STATUSES.get(status_raw)
    if financial_status is None:
        head.errors.append(
            RowError(
                first_number,
                "Financial Status",
                _("unknown financial status %(value)s") % {"value": status_raw},
            )
        )
    fulfillment_raw = head.text("Fulfillment Status").lower()
    fulfillment_status = FULFILLMENT_STATUSES.get(fulfillment_raw)
    if fulfillment_status is None:
        head.errors.append(
            RowError(
                first_number,
                "Fulfillment Status",
                _("unknown fulfilment status %(value)s") % {"value": fulfillment_raw},
            )
        )
    money_currency = currency
    subtotal = head.parse("Subtotal", parsing.amount, money_currency)
    shipping = head.parse("Shipping", parsing.optional_amount, money_currency)
    taxes = head.parse("Taxes", parsing.optional_amount, money_currency)
    total = head.parse("Total", parsing.amount, money_currency)
    discount = head.parse("Discount Amount", parsing.optional_amount, money_currency)
    duties = head.parse("Duties", parsing.optional_amount, money_currency)
    refunded = head.parse("Refunded Amount", parsing.optional_amount, money_currency)
    outstanding = head.parse("Outstanding Balance", parsing.optional_amount, money_currency)
    ordered_at = head.parse("Created at", parsing.aware_datetime)
    paid_at = head.parse("Paid at", parsing.optional_datetime)
    fulfilled_at = head.parse("Fulfilled at", parsing.optional_datetime)
    cancelled_at = head.parse("Cancelled at", parsing.optional_datetime)
    email = head.parse("Email", parsing.email)
    shipping_country = head.parse("Shipping Country", parsing.country)
    billing_country = head.parse("Billing Country", parsing.country)
    errors = head.errors

    lines: list[ImportedLine] = []
    for row_number, row in group:
        cells = _RowReader(columns, row, row_number)
        line = ImportedLine(
            title=cells.text("Lineitem name"),
            quantity=cells.parse("Lineitem quantity", parsing.quantity) or 1,
            unit_price=cells.parse("Lineitem price", parsing.amount, money_currency) or Decimal(0),
            sku=cells.text("Lineitem sku"),
            line_discount=cells.parse("Lineitem discount", parsing.optional_amount, money_currency)
            or Decimal(0),
            taxable=bool(cells.parse("Lineitem taxable", parsing.boolean)),
            requires_shipping=bool(cells.parse("Lineitem requires shipping", parsing.boolean)),
            vendor=cells.text("Vendor"),
            row=row_number,
        )
        if not line.title:
            cells.errors.append(RowError(row_number, "Lineitem name", _("the line has no name")))
        if cells.text("Lineitem fulfillment status").lower() == "fulfilled":
            line.fulfilled_quantity = line.quantity
            line.shipment = 0
        errors.extend(cells.errors)
        lines.append(line)
    if errors:
        return errors

    if currency is None or ordered_at is None:  # pragma: no cover - a failed parse is already an error
        return errors
    shipments = []
    if any(line.shipment == 0 for line in lines):
        shipments.append(ImportedShipment(method=head.text("Shipping Method"), shipped_at=fulfilled_at))
    payments = []
    method = head.text("Payment Method")
    if method:
        captured = total - outstanding if financial_status in CAPTURED_STATUSES else Decimal(0)
        payments.append(
            ImportedPayment(
                method=method,
                amount=max(captured, Decimal(0)),
                reference=head.text("Payment Reference"),
                captured_at=paid_at,
            )
        )
    customer = None
    if email:
        first, _sep, last = (head.text("Billing Name") or head.text("Shipping Name")).partition(" ")
        customer = ImportedCustomer(
            email=email,
            first_name=first,
            last_name=last,
            country=shipping_country or billing_country,
        )
    order = ImportedOrder(
        number=number,
        ordered_at=ordered_at,
        currency=currency,
        lines=lines,
        row=first_number,
        external_id=head.text("Id"),
        customer=customer,
        email=email,
        discount_codes=head.text("Discount Code"),
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        shipping_method=head.text("Shipping Method"),
        tax=taxes,
        duties=duties,
        total=total,
        refunded_amount=refunded,
        financial_status=financial_status or "",
        fulfillment_status=fulfillment_status or "",
        cancelled_at=cancelled_at,
        shipping_country=shipping_country,
        shipping_postal_code=head.text("Shipping Zip"),
        shipping_name=head.text("Shipping Name"),
        shipping_company=head.text("Shipping Company"),
        shipping_address1=head.text("Shipping Address1"),
        shipping_address2=head.text("Shipping Address2"),
        shipping_city=head.text("Shipping City"),
        # The code where the export has one (ON, CA): what an address line carries.
        shipping_province=head.text("Shipping Province") or head.text("Shipping Province Name"),
        shipping_phone=head.text("Shipping Phone"),
        billing_country=billing_country,
        source="shopify-csv",
        payments=payments,
        shipments=shipments,
        columns=COLUMNS,
    )
    # The rows as they are in the file say everything the record holds: hashing them is cheaper than
    # hashing the record, and an order that moved within the file keeps its fingerprint.
    order.digest = digest_of(READER_VERSION + "\x1e".join("\x1f".join(row) for _number, row in group))
    problems = complete(order)
    if problems:
        labels = {
            "subtotal": "Subtotal",
            "total": "Total",
            "tax": "Taxes",
            "discount": "Discount Amount",
            "line_discount": "Lineitem discount",
        }
        return [
            RowError(
                first_number,
                labels.get(field, field),
                _("inconsistent totals: %(problem)s") % {"problem": problem},
            )
            for field, problem in problems
        ]
    return order
