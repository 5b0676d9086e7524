"""Shopify's JSON order (the REST Admin ``Order`` resource, and the body of the ``orders/*`` webhooks).

``parse_order`` turns one order into the record the one order writer stores (``services.importing``), as
the CSV export's reader does for a row group: the order's ``name`` (``#1001``) is its number and its
``id`` its external id, so an order first imported from a CSV export and then updated by a webhook is
the same order. ``read`` reads a file of them (``retour import-orders --format shopify-json``): a JSON
array, JSON Lines, or the REST answer ``{"orders": [...]}``.

Amounts are the shop's currency (``*_set.shop_money`` where Shopify gives both). The order's own totals
are trusted over its ``subtotal_price``, which Shopify's sample payloads get wrong; the writer's check
(``records.complete``) still refuses an order whose lines, discounts, shipping, tax and total disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, TextIO

from django.utils.translation import gettext as _

from retour.orders.importers.json_orders import loads, read_items
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
from retour.orders.importers.shopify_csv import CAPTURED_STATUSES, FINANCIAL_STATUSES, FULFILLMENT_STATUSES

SOURCE = "shopify"
LANGUAGES = ("en", "fr")


def shop_money(item: Mapping[str, Any], key: str) -> object:
    """``item[key + "_set"].shop_money.amount`` when Shopify gives it, else ``item[key]``."""
    money = child(child(item, key + "_set"), "shop_money")
    return money.get("amount") if "amount" in money else item.get(key)


def refunded(order: Mapping[str, Any], fields: ShopFields, currency: str | None) -> Decimal:
    """The money given back: each refund's successful ``refund`` transactions."""
    total = ZERO
    for r, refund in enumerate(children(order, "refunds")):
        for t, transaction in enumerate(children(refund, "transactions")):
            if text(transaction.get("kind")) == "refund" and text(transaction.get("status")) == "success":
                total += fields.amount(
                    f"refunds.{r}.transactions.{t}.amount", transaction.get("amount"), currency
                )
    return total


def parse_order(item: object, row: int = 0) -> ImportedOrder | list[RowError]:
    opened = open_order(item, row)
    if isinstance(opened, list):
        return opened
    order, fields = opened
    number = fields.order_number(order, "name", "order_number")
    currency = fields.currency("currency", order.get("currency"))
    ordered_at = fields.required_moment("created_at", order.get("created_at"))
    status = FINANCIAL_STATUSES.get(text(order.get("financial_status")) or "pending")
    if status is None:
        fields.fail(
            "financial_status",
            _("unknown financial status %(value)s") % {"value": text(order.get("financial_status"))},
        )
    fulfillment = FULFILLMENT_STATUSES.get(text(order.get("fulfillment_status")), "unfulfilled")
    shipments, shipment_of = _shipments(order, fields)
    lines = [
        _line(item, i, fields, currency, shipment_of) for i, item in enumerate(children(order, "line_items"))
    ]
    if not lines:
        fields.fail("line_items", _("the order has no lines"))
    discount = fields.amount("total_discounts", shop_money(order, "total_discounts"), currency)
    shipping_money = child(child(order, "total_shipping_price_set"), "shop_money")
    if "amount" in shipping_money:
        shipping = fields.amount("total_shipping_price_set", shipping_money.get("amount"), currency)
    else:
        shipping = sum(
            (
                fields.amount(
                    f"shipping_lines.{i}.price", s.get("discounted_price", s.get("price")), currency
                )
                for i, s in enumerate(children(order, "shipping_lines"))
            ),
            ZERO,
        )
    tax = fields.amount("total_tax", shop_money(order, "total_tax"), currency)
    total = fields.amount("total_price", shop_money(order, "total_price"), currency)
    outstanding = fields.amount("total_outstanding", order.get("total_outstanding"), currency)
    duties = fields.amount(
        "original_total_duties_set",
        child(child(order, "original_total_duties_set"), "shop_money").get("amount"),
        currency,
    )
    cancelled_at = fields.moment("cancelled_at", order.get("cancelled_at"))
    processed_at = fields.moment("processed_at", order.get("processed_at"))
    refunded_amount = refunded(order, fields, currency)
    customer = _customer(order, fields)
    address, billing = child(order, "shipping_address"), child(order, "billing_address")
    shipping_country = fields.country("shipping_address.country_code", address.get("country_code"))
    billing_country = fields.country("billing_address.country_code", billing.get("country_code"))
    email = fields.email("email", order.get("email") or order.get("contact_email"))
    if fields.errors or currency is None or ordered_at is None or status is None:
        return fields.errors
    if all(line.tax is not None for line in lines) and sum((line.tax or ZERO for line in lines), ZERO) != tax:
        for line in lines:  # tax on shipping too: the order's tax is spread over the lines instead
            line.tax = None
    payments = []
    if status in CAPTURED_STATUSES:
        gateway = next(iter(order.get("payment_gateway_names") or []), "") or SOURCE
        payments.append(
            ImportedPayment(
                method=text(gateway),
                gateway=text(gateway),
                amount=max(total - outstanding, ZERO),
                captured_at=processed_at,
            )
        )
    record = ImportedOrder(
        number=number,
        ordered_at=ordered_at,
        currency=currency,
        lines=lines,
        row=row,
        external_id=text(order.get("id")),
        customer=customer,
        email=email or (customer.email if customer else ""),
        language=_language(order),
        discount_codes=", ".join(text(code.get("code")) for code in children(order, "discount_codes")),
        discount=discount,
        shipping=shipping,
        shipping_method=text(next(iter(children(order, "shipping_lines")), {}).get("title")),
        tax=tax,
        tax_included=bool(order.get("taxes_included")),
        duties=duties,
        total=total,
        refunded_amount=refunded_amount,
        financial_status=status,
        fulfillment_status=fulfillment,
        cancelled_at=cancelled_at,
        shipping_country=shipping_country,
        shipping_postal_code=text(address.get("zip")),
        shipping_name=text(address.get("name")),
        shipping_company=text(address.get("company")),
        shipping_address1=text(address.get("address1")),
        shipping_address2=text(address.get("address2")),
        shipping_city=text(address.get("city")),
        shipping_province=text(address.get("province")),
        shipping_phone=text(address.get("phone")),
        billing_country=billing_country,
        source=SOURCE,
        payments=payments,
        shipments=shipments,
    )
    problems = complete(record)
    return [
        RowError(row, field, _("inconsistent totals: %(problem)s") % {"problem": problem})
        for field, problem in problems
    ] or record


def _line(
    item: Mapping[str, Any],
    index: int,
    fields: ShopFields,
    currency: str | None,
    shipment_of: dict[str, int],
) -> ImportedLine:
    at = f"line_items.{index}"
    quantity = fields.quantity(f"{at}.quantity", item.get("quantity"))
    allocations = children(item, "discount_allocations")
    if allocations:
        discount = sum(
            (
                fields.amount(f"{at}.discount_allocations.{i}.amount", shop_money(a, "amount"), currency)
                for i, a in enumerate(allocations)
            ),
            ZERO,
        )
    else:
        discount = fields.amount(f"{at}.total_discount", shop_money(item, "total_discount"), currency)
    taxes = children(item, "tax_lines")
    tax = sum(
        (
            fields.amount(f"{at}.tax_lines.{i}.price", shop_money(t, "price"), currency)
            for i, t in enumerate(taxes)
        ),
        ZERO,
    )
    status = text(item.get("fulfillment_status"))
    fulfillable = item.get("fulfillable_quantity")
    if status == "fulfilled":
        fulfilled = quantity
    elif status == "partial" and isinstance(fulfillable, int):
        fulfilled = max(quantity - fulfillable, 0)
    else:
        fulfilled = 0
    title = text(item.get("name")) or text(item.get("title"))
    if not title:
        fields.fail(f"{at}.name", _("the line has no name"))
    return ImportedLine(
        title=title,
        quantity=quantity,
        unit_price=fields.amount(f"{at}.price", shop_money(item, "price"), currency),
        sku=text(item.get("sku")),
        line_discount=discount,
        tax=tax,
        taxable=bool(item.get("taxable", True)),
        vendor=text(item.get("vendor")),
        requires_shipping=bool(item.get("requires_shipping", True)),
        fulfilled_quantity=fulfilled,
        shipment=shipment_of.get(text(item.get("id"))) if fulfilled else None,
    )


def _shipments(order: Mapping[str, Any], fields: ShopFields) -> tuple[list[ImportedShipment], dict[str, int]]:
    shipments: list[ImportedShipment] = []
    shipment_of: dict[str, int] = {}
    for index, fulfillment in enumerate(children(order, "fulfillments")):
        if text(fulfillment.get("status")) in {"cancelled", "error", "failure"}:
            continue
        shipment_of.update(
            {text(item.get("id")): len(shipments) for item in children(fulfillment, "line_items")}
        )
        shipments.append(
            ImportedShipment(
                carrier=text(fulfillment.get("tracking_company")),
                tracking_number=text(fulfillment.get("tracking_number")),
                method=text(fulfillment.get("service")),
                shipped_at=fields.moment(f"fulfillments.{index}.created_at", fulfillment.get("created_at")),
                delivered_at=(
                    fields.moment(f"fulfillments.{index}.updated_at", fulfillment.get("updated_at"))
                    if text(fulfillment.get("shipment_status")) == "delivered"
                    else None
                ),
            )
        )
    return shipments, shipment_of


def _customer(order: Mapping[str, Any], fields: ShopFields) -> ImportedCustomer | None:
    customer = child(order, "customer")
    email = fields.email("customer.email", customer.get("email") or order.get("email"))
    if not email:
        return None
    country = fields.country(
        "customer.default_address.country_code", child(customer, "default_address").get("country_code")
    )
    return ImportedCustomer(
        email=email,
        first_name=text(customer.get("first_name")),
        last_name=text(customer.get("last_name")),
        language=_language(order),
        country=country,
        external_id=text(customer.get("id")),
    )


def _language(order: Mapping[str, Any]) -> str:
    locale = text(order.get("customer_locale"))[:2].lower()
    return locale if locale in LANGUAGES else ""


def _items(item: object, row: int) -> tuple[ImportedOrder | list[RowError], ...]:
    """An item of the file: one order, or a REST answer's page (``{"orders": [...]}``, ``{"order": …}``)."""
    if isinstance(item, Mapping) and isinstance(item.get("orders"), list):
        return tuple(parse_order(order, row) for order in item["orders"])
    if isinstance(item, Mapping) and isinstance(item.get("order"), Mapping):
        return (parse_order(item["order"], row),)
    return (parse_order(item, row),)


def read(stream: TextIO) -> Iterator[ImportedOrder | list[RowError]]:
    """Each order of a JSON array or JSON Lines file of Shopify orders (or of REST answers' pages)."""
    for parsed in read_items(stream, _items):
        if isinstance(parsed, tuple):
            yield from parsed
        else:
            yield parsed  # the file's own error (its syntax)


def parse_body(body: bytes) -> Any:
    """A webhook's body, with exact decimals; a ``ValueError`` when it is not JSON."""
    try:
        return loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(str(error)) from error
