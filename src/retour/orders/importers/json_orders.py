"""Retour's JSON order format: the body of ``POST /api/v1/orders`` and the lines of ``--format json``.

A file holds either one JSON array of orders or one order per line (JSON Lines, read as a stream).
The schema is documented in docs/orders-json.md and published in the OpenAPI document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, TextIO, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from retour.core.money import is_currency, minor_units
from retour.core.schema_errors import translated_message
from retour.orders.importers.records import (
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
    complete,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY = re.compile(r"^([A-Z]{2})?$")


# Not ValueError: pydantic would prefix our (translated) message with an English "Value error, ". Not a
# pattern either: its message shows the regular expression; these say what is expected, in French too.
def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise PydanticCustomError("email", _("not a valid email address"))
    return value


def _country(value: str) -> str:
    if not COUNTRY.match(value):
        raise PydanticCustomError("country", _("not a two-letter country code (ISO 3166, in capitals)"))
    return value


NonNegative = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email", "pattern": EMAIL.pattern}),
    AfterValidator(_email),
]
# A country code, or empty when unknown.
Country = Annotated[str, Field(json_schema_extra={"pattern": COUNTRY.pattern}), AfterValidator(_country)]
FinancialStatus = Literal[
    "pending", "authorized", "paid", "partially_paid", "partially_refunded", "refunded", "voided"
]
FulfillmentStatus = Literal["unfulfilled", "partial", "fulfilled", "restocked"]
# The columns of the fields the writer may refuse an order for (see ImportedOrder.columns).
COLUMNS = {"email": "customer.email"}
T = TypeVar("T")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerIn(_Strict):
    email: Email
    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(max_length=100)] = ""
    language: Literal["", "en", "fr"] = ""
    country: Country = ""
    member: bool = False
    segment: Annotated[str, Field(max_length=64)] = ""  # the store's kind of customer: vip, new…
    external_id: Annotated[str, Field(max_length=100)] = ""


class LineIn(_Strict):
    title: Annotated[str, Field(min_length=1, max_length=255)]
    quantity: Annotated[int, Field(ge=1)]
    unit_price: NonNegative
    sku: Annotated[str, Field(max_length=100)] = ""
    discount: NonNegative = Decimal(0)
    tax: NonNegative | None = None
    taxable: bool = True
    seller: Annotated[str, Field(max_length=64, pattern=r"^[-a-zA-Z0-9_]*$")] = ""
    seller_name: Annotated[str, Field(max_length=200)] = ""
    vendor: Annotated[str, Field(max_length=200)] = ""
    category: Annotated[str, Field(max_length=64, pattern=r"^[-a-zA-Z0-9_]*$")] = ""
    tags: list[Annotated[str, Field(max_length=50)]] = []
    final_sale: bool = False
    personalised: bool = False
    requires_shipping: bool = True
    fulfilled_quantity: Annotated[int, Field(ge=0)] = 0
    shipment: Annotated[int, Field(ge=0)] | None = None


class PaymentIn(_Strict):
    method: Annotated[str, Field(min_length=1, max_length=100)]
    amount: NonNegative
    gateway: Annotated[str, Field(max_length=100)] = ""
    reference: Annotated[str, Field(max_length=200)] = ""
    captured_at: AwareDatetime | None = None


class ShipmentIn(_Strict):
    carrier: Annotated[str, Field(max_length=100)] = ""
    tracking_number: Annotated[str, Field(max_length=100)] = ""
    method: Annotated[str, Field(max_length=100)] = ""
    shipped_at: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = None
    estimated_delivery_latest: date | None = None


class OrderIn(_Strict):
    """One order. Amounts are decimal strings in the order's currency; times carry their offset."""

    number: Annotated[str, Field(min_length=1, max_length=64)]
    ordered_at: AwareDatetime
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=1000)]
    external_id: Annotated[str, Field(max_length=100)] = ""
    customer: CustomerIn | None = None
    language: Literal["", "en", "fr"] = ""
    is_gift: bool = False
    discount_codes: list[Annotated[str, Field(max_length=100)]] = []
    order_discount: NonNegative = Decimal(0)
    shipping: NonNegative = Decimal(0)
    shipping_method: Annotated[str, Field(max_length=100)] = ""
    tax: NonNegative | None = None
    tax_included: bool = False
    duties: NonNegative = Decimal(0)
    total: NonNegative | None = None
    financial_status: FinancialStatus = "paid"
    fulfillment_status: FulfillmentStatus = "unfulfilled"
    cancelled_at: AwareDatetime | None = None
    shipping_country: Country = ""
    shipping_postal_code: Annotated[str, Field(max_length=20)] = ""
    billing_country: Country = ""
    payments: list[PaymentIn] = []
    shipments: list[ShipmentIn] = []

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if not is_currency(value):
            raise PydanticCustomError("currency", _("not an ISO 4217 currency code"))
        return value


def to_record(order: OrderIn, row: int = 0) -> ImportedOrder | list[RowError]:
    """Turn a validated order into an import record, checking what the schema alone cannot."""
    errors = _check_decimals(order, row)
    record = ImportedOrder(
        number=order.number,
        ordered_at=order.ordered_at,
        currency=order.currency,
        row=row,
        external_id=order.external_id,
        email=order.customer.email.lower() if order.customer else "",
        language=order.language,
        is_gift=order.is_gift,
        discount_codes=", ".join(order.discount_codes),
        discount=None,
        shipping=order.shipping,
        shipping_method=order.shipping_method,
        tax=order.tax,
        tax_included=order.tax_included,
        duties=order.duties,
        total=order.total,
        financial_status=order.financial_status,
        fulfillment_status=order.fulfillment_status,
        cancelled_at=order.cancelled_at,
        shipping_country=order.shipping_country,
        shipping_postal_code=order.shipping_postal_code,
        billing_country=order.billing_country,
        source="json",
        customer=_customer(order.customer),
        lines=[
            ImportedLine(
                title=line.title,
                quantity=line.quantity,
                unit_price=line.unit_price,
                sku=line.sku,
                line_discount=line.discount,
                tax=line.tax,
                taxable=line.taxable,
                seller_code=line.seller,
                seller_name=line.seller_name,
                vendor=line.vendor,
                category=line.category,
                tags=tuple(line.tags),
                final_sale=line.final_sale,
                personalised=line.personalised,
                requires_shipping=line.requires_shipping,
                fulfilled_quantity=line.fulfilled_quantity,
                shipment=line.shipment,
            )
            for line in order.lines
        ],
        columns=COLUMNS,
        payments=[
            ImportedPayment(
                method=p.method,
                amount=p.amount,
                gateway=p.gateway,
                reference=p.reference,
                captured_at=p.captured_at,
            )
            for p in order.payments
        ],
        shipments=[
            ImportedShipment(
                carrier=s.carrier,
                tracking_number=s.tracking_number,
                method=s.method,
                shipped_at=s.shipped_at,
                delivered_at=s.delivered_at,
                estimated_delivery_latest=s.estimated_delivery_latest,
            )
            for s in order.shipments
        ],
    )
    record.discount = sum((line.line_discount for line in record.lines), order.order_discount)
    errors.extend(
        RowError(row, field, _("inconsistent totals: %(problem)s") % {"problem": problem})
        for field, problem in complete(record)
    )
    return errors or record


def _customer(customer: CustomerIn | None) -> ImportedCustomer | None:
    if customer is None:
        return None
    return ImportedCustomer(
        email=customer.email.lower(),
        first_name=customer.first_name,
        last_name=customer.last_name,
        language=customer.language,
        country=customer.country,
        is_member=customer.member,
        segment=customer.segment,
        external_id=customer.external_id,
    )


def _check_decimals(order: OrderIn, row: int) -> list[RowError]:
    step = Decimal(1).scaleb(-minor_units(order.currency))
    amounts: list[tuple[str, Decimal | None]] = [
        ("order_discount", order.order_discount),
        ("shipping", order.shipping),
        ("tax", order.tax),
        ("duties", order.duties),
        ("total", order.total),
    ]
    for index, line in enumerate(order.lines):
        amounts += [
            (f"lines[{index}].unit_price", line.unit_price),
            (f"lines[{index}].discount", line.discount),
            (f"lines[{index}].tax", line.tax),
        ]
    amounts += [(f"payments[{index}].amount", payment.amount) for index, payment in enumerate(order.payments)]
    return [
        RowError(
            row,
            name,
            _("%(value)s has more decimals than %(currency)s allows")
            % {"value": value, "currency": order.currency},
        )
        for name, value in amounts
        if value is not None and value != value.quantize(step)
    ]


def validation_errors(error: ValidationError, row: int) -> list[RowError]:
    return [
        RowError(row, ".".join(str(part) for part in item["loc"]), translated_message(item))
        for item in error.errors(include_url=False)
    ]


def read(stream: TextIO) -> Iterator[ImportedOrder | list[RowError]]:
    """Yield each order of a JSON array or JSON Lines file; the row is the array index or line number."""
    return read_items(stream, parse_one)


def read_items(stream: TextIO, parse: Callable[[object, int], T]) -> Iterator[T | list[RowError]]:
    """Yield ``parse(item, row)`` for each item of a JSON array or JSON Lines file; the row is the array
    index or line number. A syntax error is a list of one ``RowError``."""
    first = stream.read(1)
    line, column = 1, 1  # where ``first`` is in the file; blank lines still count in the line numbers
    while first and first.isspace():
        line, column = (line + 1, 1) if first == "\n" else (line, column + 1)
        first = stream.read(1)
    if not first:
        yield [RowError(1, "", _("the file is empty"))]
        return
    if first == "[":
        try:
            items = json.loads(first + stream.read(), parse_float=Decimal)
        except json.JSONDecodeError as error:
            yield [_syntax_error(error, line, column)]
            return
        for index, item in enumerate(items, start=1):
            yield parse(item, index)
        return
    for number, text in enumerate(_lines(first, stream), start=line):
        if not text.strip():
            continue
        try:  # without its line break, so that an error at the end of the line is placed on it
            item = json.loads(text.rstrip("\r\n"), parse_float=Decimal)
        except json.JSONDecodeError as error:
            yield [_syntax_error(error, number, column if number == line else 1)]
            continue
        yield parse(item, number)


def _syntax_error(error: json.JSONDecodeError, line: int, column: int) -> RowError:
    """Where ``error`` is in the file, given the line and column where the text parsed starts."""
    at_line = line + error.lineno - 1
    at_column = error.colno + (column - 1 if error.lineno == 1 else 0)
    problem = next((str(text) for prefix, text in _JSON_PROBLEMS if error.msg.startswith(prefix)), error.msg)
    return RowError(
        at_line,
        "",
        _("not valid JSON at line %(line)d, column %(column)d: %(problem)s")
        % {"line": at_line, "column": at_column, "problem": problem},
    )


# The json module's messages (CPython 3.11 to 3.13), by how they start.
_JSON_PROBLEMS = (
    ("Expecting value", gettext_lazy("a value was expected")),
    ("Expecting ',' delimiter", gettext_lazy("a comma was expected")),
    ("Expecting ':' delimiter", gettext_lazy("a colon was expected")),
    ("Expecting property name", gettext_lazy("a name in double quotes was expected")),
    ("Unterminated string", gettext_lazy("the string is not closed")),
    (
        "Invalid control character",
        gettext_lazy("a control character (a tab or a line break) in a string must be escaped"),
    ),
    ("Invalid \\uXXXX escape", gettext_lazy("invalid \\uXXXX escape")),
    ("Invalid \\escape", gettext_lazy("invalid escape (\\)")),
    ("Extra data", gettext_lazy("more data after the end of the JSON value")),
    ("Illegal trailing comma", gettext_lazy("a comma before the end of an object or array")),
)


def _lines(first: str, stream: TextIO) -> Iterator[str]:
    yield first + stream.readline()
    yield from stream


def parse_one(item: object, row: int) -> ImportedOrder | list[RowError]:
    try:
        order = OrderIn.model_validate(item)
    except ValidationError as error:
        return validation_errors(error, row)
    return to_record(order, row)
