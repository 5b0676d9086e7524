"""Write order records back out: Shopify's "Export orders" CSV and Retour's JSON Lines.

The demo command and the benchmarks use these to make files that ``retour import-orders`` reads. Records
are expected to be complete (``records.complete()`` ran and found nothing): amounts are in the currency's
minor unit and the totals add up.

The Shopify layout has no place for a delivery date, a category, a seller, a gift flag or a customer's
language, so those are lost in that format; the JSON format keeps everything an import reads.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

from pydantic import BaseModel

from retour.core.money import minor_units
from retour.orders.importers import json_orders
from retour.orders.importers.records import ZERO, ImportedLine, ImportedOrder

# Shopify's header line as it is exported, split once.
SHOPIFY_HEADER = (  # noqa: SIM905 - kept as the exported line, to compare by eye
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,"
    "Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,"
    "Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,"
    "Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,"
    "Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,"
    "Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,"
    "Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,"
    "Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")
_COLUMN = {name: position for position, name in enumerate(SHOPIFY_HEADER)}


def write_shopify_csv(records: Iterable[ImportedOrder], stream: TextIO) -> int:
    """Write one row per line item, order columns on each order's first row; return the lines written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(SHOPIFY_HEADER)
    lines = 0
    for record in records:
        digits = minor_units(record.currency)
        first = _shopify_order_row(record, digits)
        for position, line in enumerate(record.lines):
            row = first if position == 0 else [""] * len(SHOPIFY_HEADER)
            _fill_shopify_line(row, record, line, digits)
            writer.writerow(row)
        lines += len(record.lines)
    return lines


def _amount(value: Decimal | None, digits: int) -> str:
    return f"{value or ZERO:.{digits}f}"


def _shopify_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %z") if value else ""


def _shopify_order_row(record: ImportedOrder, digits: int) -> list[str]:
    """The columns Shopify fills only on an order's first row."""
    row = [""] * len(SHOPIFY_HEADER)
    customer = record.customer
    name = f"{customer.first_name} {customer.last_name}".strip() if customer else ""
    captured = sum((payment.amount for payment in record.payments), ZERO)
    total = record.total or ZERO
    # What the customer still owes; the reader takes "Total - Outstanding Balance" as captured.
    outstanding = ZERO if record.financial_status == "voided" else max(total - captured, ZERO)
    shipped = [s.shipped_at for s in record.shipments if s.shipped_at is not None]
    references = [payment.reference for payment in record.payments if payment.reference]
    tax = record.tax or ZERO
    values = {
        "Name": record.number,
        "Email": record.email or (customer.email if customer else ""),
        "Financial Status": record.financial_status,
        "Paid at": _shopify_time(record.payments[0].captured_at if record.payments else None),
        "Fulfillment Status": record.fulfillment_status,
        "Fulfilled at": _shopify_time(min(shipped) if shipped else None),
        "Accepts Marketing": "yes" if customer and customer.is_member else "no",
        "Currency": record.currency,
        "Subtotal": _amount(record.subtotal, digits),
        "Shipping": _amount(record.shipping, digits),
        "Taxes": _amount(tax, digits),
        "Total": _amount(total, digits),
        "Discount Code": record.discount_codes,
        "Discount Amount": _amount(record.discount, digits),
        "Shipping Method": record.shipping_method,
        "Billing Name": name,
        "Billing Country": record.billing_country,
        "Shipping Name": record.shipping_name or name,
        "Shipping Company": record.shipping_company,
        "Shipping Street": record.shipping_address1,
        "Shipping Address1": record.shipping_address1,
        "Shipping Address2": record.shipping_address2,
        "Shipping City": record.shipping_city,
        "Shipping Zip": record.shipping_postal_code,
        "Shipping Province": record.shipping_province,
        "Shipping Phone": record.shipping_phone,
        "Shipping Country": record.shipping_country,
        "Cancelled at": _shopify_time(record.cancelled_at),
        "Payment Method": " + ".join(payment.method for payment in record.payments),
        "Payment Reference": references[0] if references else "",
        "Refunded Amount": _amount(record.refunded_amount, digits),
        "Outstanding Balance": _amount(outstanding, digits),
        "Id": record.external_id,
        "Tags": "gift" if record.is_gift else "",
        "Risk Level": "Low",
        "Source": "web",
        "Tax 1 Name": "TVA" if tax else "",
        "Tax 1 Value": _amount(tax, digits) if tax else "",
        "Duties": _amount(record.duties, digits) if record.duties else "",
        "Payment ID": references[0] if references else "",
        "Payment References": ", ".join(references),
    }
    for column, value in values.items():
        row[_COLUMN[column]] = value
    return row


def _fill_shopify_line(row: list[str], record: ImportedOrder, line: ImportedLine, digits: int) -> None:
    if line.fulfilled_quantity >= line.quantity:
        status = "fulfilled"
    else:
        status = "partial" if line.fulfilled_quantity else "pending"
    row[_COLUMN["Name"]] = record.number
    row[_COLUMN["Created at"]] = _shopify_time(record.ordered_at)
    row[_COLUMN["Lineitem quantity"]] = str(line.quantity)
    row[_COLUMN["Lineitem name"]] = line.title
    row[_COLUMN["Lineitem price"]] = _amount(line.unit_price, digits)
    row[_COLUMN["Lineitem sku"]] = line.sku
    row[_COLUMN["Lineitem requires shipping"]] = "true" if line.requires_shipping else "false"
    row[_COLUMN["Lineitem taxable"]] = "true" if line.taxable else "false"
    row[_COLUMN["Lineitem fulfillment status"]] = status
    row[_COLUMN["Vendor"]] = line.vendor
    row[_COLUMN["Lineitem discount"]] = _amount(line.line_discount, digits)


def write_json_lines(records: Iterable[ImportedOrder], stream: TextIO) -> int:
    """Write one order per line in Retour's JSON format (``json_orders.OrderIn``); return the lines."""
    lines = 0
    for record in records:
        # One write per order: a line never reaches the stream in pieces.
        stream.write(json.dumps(order_json(record), ensure_ascii=False, separators=(",", ":")) + "\n")
        lines += len(record.lines)
    return lines


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return {name: field.default for name, field in model.model_fields.items() if not field.is_required()}


# What the reader assumes when a field is left out. Amounts are never left out: they are written as
# strings, which never equal a Decimal default, so that "0.00" comes back as 0.00 and not as 0.
_ORDER_DEFAULTS = _defaults(json_orders.OrderIn)
_CUSTOMER_DEFAULTS = _defaults(json_orders.CustomerIn)
_LINE_DEFAULTS = _defaults(json_orders.LineIn)
_PAYMENT_DEFAULTS = _defaults(json_orders.PaymentIn)
_SHIPMENT_DEFAULTS = _defaults(json_orders.ShipmentIn)


def _without_defaults(item: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Leave out what the reader would assume anyway: the file is half the size and easier to read."""
    return {key: value for key, value in item.items() if key not in defaults or value != defaults[key]}


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def order_json(record: ImportedOrder) -> dict[str, Any]:
    """The JSON object for one order. Amounts are strings written as they are, so 12.30 stays 12.30."""
    line_discounts = sum((line.line_discount for line in record.lines), ZERO)
    discount = line_discounts if record.discount is None else record.discount
    customer = record.customer
    order = {
        "number": record.number,
        "external_id": record.external_id,
        "ordered_at": record.ordered_at.isoformat(),
        "currency": record.currency,
        "language": record.language,
        "customer": customer
        and _without_defaults(
            {
                "email": customer.email,
                "first_name": customer.first_name,
                "last_name": customer.last_name,
                "language": customer.language,
                "country": customer.country,
                "member": customer.is_member,
                "segment": customer.segment,
                "external_id": customer.external_id,
            },
            _CUSTOMER_DEFAULTS,
        ),
        "is_gift": record.is_gift,
        "discount_codes": [code.strip() for code in record.discount_codes.split(",") if code.strip()],
        "order_discount": str(discount - line_discounts),
        "shipping": str(record.shipping),
        "shipping_method": record.shipping_method,
        "tax": _text(record.tax),
        "tax_included": record.tax_included,
        "duties": str(record.duties),
        "total": _text(record.total),
        "financial_status": record.financial_status,
        "fulfillment_status": record.fulfillment_status,
        "cancelled_at": _iso(record.cancelled_at),
        "shipping_country": record.shipping_country,
        "shipping_postal_code": record.shipping_postal_code,
        "shipping_name": record.shipping_name,
        "shipping_company": record.shipping_company,
        "shipping_address1": record.shipping_address1,
        "shipping_address2": record.shipping_address2,
        "shipping_city": record.shipping_city,
        "shipping_province": record.shipping_province,
        "shipping_phone": record.shipping_phone,
        "billing_country": record.billing_country,
        "lines": [_line_json(line) for line in record.lines],
        "payments": [
            _without_defaults(
                {
                    "method": p.method,
                    "amount": str(p.amount),
                    "gateway": p.gateway,
                    "reference": p.reference,
                    "captured_at": _iso(p.captured_at),
                },
                _PAYMENT_DEFAULTS,
            )
            for p in record.payments
        ],
        "shipments": [
            _without_defaults(
                {
                    "carrier": s.carrier,
                    "tracking_number": s.tracking_number,
                    "method": s.method,
                    "shipped_at": _iso(s.shipped_at),
                    "delivered_at": _iso(s.delivered_at),
                    "estimated_delivery_latest": _iso(s.estimated_delivery_latest),
                },
                _SHIPMENT_DEFAULTS,
            )
            for s in record.shipments
        ],
    }
    return _without_defaults(order, _ORDER_DEFAULTS)


def _line_json(line: ImportedLine) -> dict[str, Any]:
    item = {
        "title": line.title,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": str(line.unit_price),
        "discount": str(line.line_discount),
        "tax": _text(line.tax),
        "taxable": line.taxable,
        "seller": line.seller_code,
        "seller_name": line.seller_name,
        "vendor": line.vendor,
        "category": line.category,
        "tags": list(line.tags),
        "final_sale": line.final_sale,
        "personalised": line.personalised,
        "requires_shipping": line.requires_shipping,
        "fulfilled_quantity": line.fulfilled_quantity,
        "shipment": line.shipment,
    }
    return _without_defaults(item, _LINE_DEFAULTS)
