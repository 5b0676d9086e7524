"""WooCommerce's JSON order (REST API ``wc/v3`` ``orders``, and the body of its order webhooks).

``parse_order`` gives the record the one order writer stores; ``read`` reads a file of them (``retour
import-orders --format woocommerce-json``: the REST answer's array, or JSON Lines). The order's
``number`` is its number and its ``id`` its external id. Times are the ``*_gmt`` ones (UTC). A refund
is listed with a negative total; what was refunded is the sum of them.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.utils.translation import gettext as _

from retour.core.money import minor_units
from retour.orders.importers.json_orders import read_items
from retour.orders.importers.records import (
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
    complete,
)
from retour.orders.importers.shop_fields import ZERO, ShopFields, child, children, open_order, text

SOURCE = "woocommerce"
# WooCommerce's order statuses: (financial status, fulfilment status).
STATUSES = {
    "pending": ("pending", "unfulfilled"),
    "on-hold": ("pending", "unfulfilled"),
    "processing": ("paid", "unfulfilled"),
    "completed": ("paid", "fulfilled"),
    "cancelled": ("voided", "unfulfilled"),
    "failed": ("voided", "unfulfilled"),
    "refunded": ("refunded", "fulfilled"),
    "checkout-draft": ("pending", "unfulfilled"),
}


def parse_order(item: object, row: int = 0) -> ImportedOrder | list[RowError]:
    opened = open_order(item, row)
    if isinstance(opened, list):
        return opened
    order, fields = opened
    number = fields.order_number(order, "number", "id")
    currency = fields.currency("currency", order.get("currency"))
    ordered_at = fields.required_moment("date_created_gmt", order.get("date_created_gmt"), utc_if_naive=True)
    raw_status = text(order.get("status"))
    statuses = STATUSES.get(raw_status)
    if statuses is None:
        fields.fail("status", _("unknown order status %(value)s") % {"value": raw_status})
    lines = [_line(item, i, fields, currency) for i, item in enumerate(children(order, "line_items"))]
    if not lines:
        fields.fail("line_items", _("the order has no lines"))
    discount = fields.amount("discount_total", order.get("discount_total"), currency)
    shipping = fields.amount("shipping_total", order.get("shipping_total"), currency)
    tax = fields.amount("total_tax", order.get("total_tax"), currency)
    total = fields.amount("total", order.get("total"), currency)
    refunds = sum(
        (
            fields.signed_amount(f"refunds.{i}.total", r.get("total"), currency)
            for i, r in enumerate(children(order, "refunds"))
        ),
        ZERO,
    )
    paid_at = fields.moment("date_paid_gmt", order.get("date_paid_gmt"), utc_if_naive=True)
    modified_at = fields.moment("date_modified_gmt", order.get("date_modified_gmt"), utc_if_naive=True)
    billing, address = child(order, "billing"), child(order, "shipping")
    email = fields.email("billing.email", billing.get("email"))
    billing_country = fields.country("billing.country", billing.get("country"))
    shipping_country = fields.country("shipping.country", address.get("country"))
    if fields.errors or currency is None or ordered_at is None or statuses is None:
        return fields.errors
    financial, fulfillment = statuses
    shipments = []
    if fulfillment == "fulfilled":
        # WooCommerce's "completed" is its last step ("fulfilled and complete") and it keeps no delivery
        # date: the order is read as delivered when it was completed.
        completed = fields.moment("date_completed_gmt", order.get("date_completed_gmt"), utc_if_naive=True)
        done = completed or modified_at
        shipments.append(ImportedShipment(shipped_at=done, delivered_at=done))
        for line in lines:
            line.fulfilled_quantity, line.shipment = line.quantity, 0
    if financial == "paid" and refunds:
        financial = "partially_refunded"
    if sum((line.tax or ZERO for line in lines), ZERO) != tax:
        for line in lines:  # tax on shipping too: the order's tax is spread over the lines instead
            line.tax = None
    payments = []
    if paid_at is not None or financial in {"paid", "partially_refunded", "refunded"}:
        method = text(order.get("payment_method_title")) or text(order.get("payment_method")) or SOURCE
        payments.append(
            ImportedPayment(
                method=method,
                gateway=text(order.get("payment_method")),
                reference=text(order.get("transaction_id")),
                amount=total,
                captured_at=paid_at,
            )
        )
    customer = None
    if email:
        customer = ImportedCustomer(
            email=email,
            first_name=text(billing.get("first_name")),
            last_name=text(billing.get("last_name")),
            country=billing_country,
            external_id=text(order.get("customer_id"))
            if text(order.get("customer_id")) not in {"", "0"}
            else "",
        )
    name = " ".join(
        part for part in (text(address.get("first_name")), text(address.get("last_name"))) if part
    )
    record = ImportedOrder(
        number=number,
        ordered_at=ordered_at,
        currency=currency,
        lines=lines,
        row=row,
        external_id=text(order.get("id")),
        customer=customer,
        email=email,
        discount_codes=", ".join(text(c.get("code")) for c in children(order, "coupon_lines")),
        discount=discount,
        shipping=shipping,
        shipping_method=text(next(iter(children(order, "shipping_lines")), {}).get("method_title")),
        tax=tax,
        tax_included=bool(order.get("prices_include_tax")),
        total=total,
        refunded_amount=-refunds,
        financial_status=financial,
        fulfillment_status=fulfillment,
        cancelled_at=modified_at if raw_status == "cancelled" else None,
        shipping_country=shipping_country,
        shipping_postal_code=text(address.get("postcode")),
        shipping_name=name,
        shipping_company=text(address.get("company")),
        shipping_address1=text(address.get("address_1")),
        shipping_address2=text(address.get("address_2")),
        shipping_city=text(address.get("city")),
        shipping_province=text(address.get("state")),
        shipping_phone=text(address.get("phone")) or text(billing.get("phone")),
        billing_country=billing_country,
        source=SOURCE,
        payments=payments,
        shipments=shipments,
    )
    return [
        RowError(row, field, _("inconsistent totals: %(problem)s") % {"problem": problem})
        for field, problem in complete(record)
    ] or record


def _line(item: Mapping[str, Any], index: int, fields: ShopFields, currency: str | None) -> ImportedLine:
    at = f"line_items.{index}"
    quantity = fields.quantity(f"{at}.quantity", item.get("quantity"))
    subtotal = fields.amount(f"{at}.subtotal", item.get("subtotal"), currency)
    total = fields.amount(f"{at}.total", item.get("total"), currency)
    unit_price = _unit_price(subtotal, quantity, item.get("price"), currency)
    if unit_price is None:
        fields.fail(f"{at}.subtotal", _("the line's subtotal is not a whole number of unit prices"))
        unit_price = ZERO
    title = html.unescape(text(item.get("name")))  # WooCommerce sends its names HTML-escaped
    if not title:
        fields.fail(f"{at}.name", _("the line has no name"))
    return ImportedLine(
        title=title,
        quantity=quantity,
        unit_price=unit_price,
        sku=text(item.get("sku")),
        line_discount=max(subtotal - total, ZERO),
        tax=fields.amount(f"{at}.total_tax", item.get("total_tax"), currency),
    )


def _unit_price(subtotal: Decimal, quantity: int, price: object, currency: str | None) -> Decimal | None:
    """The unit price before discounts: the subtotal over the quantity when exact (``price`` is a float)."""
    step = Decimal(1).scaleb(-minor_units(currency)) if currency else Decimal("0.01")
    unit = subtotal / quantity
    if unit == unit.quantize(step):
        return unit.quantize(step)
    try:
        given = Decimal(text(price)).quantize(step)
    except InvalidOperation:
        return None
    return given if given * quantity == subtotal else None


def read(stream: TextIO) -> Iterator[ImportedOrder | list[RowError]]:
    """Each order of a JSON array (the REST answer) or a JSON Lines file of WooCommerce orders."""
    yield from read_items(stream, parse_order)
