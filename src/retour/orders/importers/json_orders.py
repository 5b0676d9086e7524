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
from typing import Annotated, Any, Literal, TextIO, TypeVar

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

from retour.catalog.models import Product, Seller
from retour.core.money import is_currency, minor_units
from retour.core.schema_errors import translated_message
from retour.orders.importers.limits import amount_whole_digits, digits_problem, length
from retour.orders.importers.records import (
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
    complete,
    shown,
)
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment

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


def _fits_amount_column(value: Decimal) -> Decimal:
    # Before any arithmetic: 1e999999 is a finite Decimal that no sum or rounding survives.
    digits = amount_whole_digits()
    if value and value.adjusted() >= digits:
        raise PydanticCustomError("amount_too_large", digits_problem(value, digits))
    return value


NonNegative = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(_fits_amount_column)]
Email = Annotated[
    str,
    Field(
        max_length=length(Customer, "email"),
        json_schema_extra={"format": "email", "pattern": EMAIL.pattern},
    ),
    AfterValidator(_email),
]
# A country code, or empty when unknown.
Country = Annotated[str, Field(json_schema_extra={"pattern": COUNTRY.pattern}), AfterValidator(_country)]
FinancialStatus = Literal[
    "pending", "authorized", "paid", "partially_paid", "partially_refunded", "refunded", "voided"
]
FulfillmentStatus = Literal["unfulfilled", "partial", "fulfilled", "restocked"]
# The fields the writer may refuse an order for whose name in the JSON is not the record's (see
# ImportedOrder.columns); the others are called as the record calls them (``lines.0.title``).
COLUMNS = {
    "email": "customer.email",
    "discount": "order_discount",
    "customer.is_member": "customer.member",
    "lines.line_discount": "lines.{index}.discount",
    "lines.order_discount_share": "order_discount",
    "lines.seller_code": "lines.{index}.seller",
}
T = TypeVar("T")
# What no order needs and a hostile or broken file may hold: refused by name before the schema looks.
MAX_DEPTH = 10  # objects and arrays inside each other (an order needs 4: order, lines, line, tags)
MAX_TEXT = 10_000  # characters in one string (no field holds more than 255)
MAX_INTEGER_DIGITS = 20  # digits of an integer (more than any column holds; int() stops at 4,300)
MAX_LINE = 1_000_000  # characters on one line of a JSON Lines file (one order)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerIn(_Strict):
    email: Email
    first_name: Annotated[str, Field(max_length=length(Customer, "first_name"))] = ""
    last_name: Annotated[str, Field(max_length=length(Customer, "last_name"))] = ""
    language: Literal["", "en", "fr"] = ""
    country: Country = ""
    member: bool = False
    # the store's kind of customer: vip, new…
    segment: Annotated[str, Field(max_length=length(Customer, "segment"))] = ""
    external_id: Annotated[str, Field(max_length=length(Customer, "external_id"))] = ""


class LineIn(_Strict):
    title: Annotated[str, Field(min_length=1, max_length=length(OrderLine, "title"))]
    quantity: Annotated[int, Field(ge=1)]
    unit_price: NonNegative
    sku: Annotated[str, Field(max_length=length(OrderLine, "sku"))] = ""
    discount: NonNegative = Decimal(0)
    tax: NonNegative | None = None
    taxable: bool = True
    seller: Annotated[str, Field(max_length=length(Seller, "code"), pattern=r"^[-a-zA-Z0-9_]*$")] = ""
    seller_name: Annotated[str, Field(max_length=length(Seller, "name"))] = ""
    vendor: Annotated[str, Field(max_length=length(Product, "vendor"))] = ""
    category: Annotated[str, Field(max_length=length(OrderLine, "category"), pattern=r"^[-a-zA-Z0-9_]*$")] = (
        ""
    )
    tags: list[Annotated[str, Field(max_length=50)]] = []
    final_sale: bool = False
    personalised: bool = False
    requires_shipping: bool = True
    fulfilled_quantity: Annotated[int, Field(ge=0)] = 0
    shipment: Annotated[int, Field(ge=0)] | None = None


class PaymentIn(_Strict):
    method: Annotated[str, Field(min_length=1, max_length=length(Payment, "method"))]
    amount: NonNegative
    gateway: Annotated[str, Field(max_length=length(Payment, "gateway"))] = ""
    reference: Annotated[str, Field(max_length=length(Payment, "reference"))] = ""
    captured_at: AwareDatetime | None = None


class ShipmentIn(_Strict):
    carrier: Annotated[str, Field(max_length=length(Shipment, "carrier"))] = ""
    tracking_number: Annotated[str, Field(max_length=length(Shipment, "tracking_number"))] = ""
    method: Annotated[str, Field(max_length=length(Shipment, "method"))] = ""
    shipped_at: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = None
    estimated_delivery_latest: date | None = None


class OrderIn(_Strict):
    """One order. Amounts are decimal strings in the order's currency; times carry their offset."""

    number: Annotated[str, Field(min_length=1, max_length=length(Order, "number"))]
    ordered_at: AwareDatetime
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=1000)]
    external_id: Annotated[str, Field(max_length=length(Order, "external_id"))] = ""
    customer: CustomerIn | None = None
    language: Literal["", "en", "fr"] = ""
    is_gift: bool = False
    discount_codes: list[Annotated[str, Field(max_length=100)]] = []
    order_discount: NonNegative = Decimal(0)
    shipping: NonNegative = Decimal(0)
    shipping_method: Annotated[str, Field(max_length=length(Order, "shipping_method"))] = ""
    tax: NonNegative | None = None
    tax_included: bool = False
    duties: NonNegative = Decimal(0)
    total: NonNegative | None = None
    financial_status: FinancialStatus = "paid"
    fulfillment_status: FulfillmentStatus = "unfulfilled"
    cancelled_at: AwareDatetime | None = None
    shipping_country: Country = ""
    shipping_postal_code: Annotated[str, Field(max_length=length(Order, "shipping_postal_code"))] = ""
    shipping_name: Annotated[str, Field(max_length=length(Order, "shipping_name"))] = ""
    shipping_company: Annotated[str, Field(max_length=length(Order, "shipping_company"))] = ""
    shipping_address1: Annotated[str, Field(max_length=length(Order, "shipping_address1"))] = ""
    shipping_address2: Annotated[str, Field(max_length=length(Order, "shipping_address2"))] = ""
    shipping_city: Annotated[str, Field(max_length=length(Order, "shipping_city"))] = ""
    shipping_province: Annotated[str, Field(max_length=length(Order, "shipping_province"))] = ""
    shipping_phone: Annotated[str, Field(max_length=length(Order, "shipping_phone"))] = ""
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
        shipping_name=order.shipping_name,
        shipping_company=order.shipping_company,
        shipping_address1=order.shipping_address1,
        shipping_address2=order.shipping_address2,
        shipping_city=order.shipping_city,
        shipping_province=order.shipping_province,
        shipping_phone=order.shipping_phone,
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
            (f"lines.{index}.unit_price", line.unit_price),
            (f"lines.{index}.discount", line.discount),
            (f"lines.{index}.tax", line.tax),
        ]
    amounts += [(f"payments.{index}.amount", payment.amount) for index, payment in enumerate(order.payments)]
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
    """Yield each order of a JSON array or JSON Lines file; the row is the array index or line number.

    An order number given twice is an error at its second row (as in a CSV export), whatever the rows say:
    which of two versions is meant cannot be known.
    """
    seen: dict[str, int] = {}
    for parsed in read_items(stream, parse_one):
        if isinstance(parsed, ImportedOrder):
            first = seen.setdefault(parsed.number, parsed.row)
            if first != parsed.row:
                yield [
                    RowError(
                        parsed.row,
                        "number",
                        _(
                            "order %(number)s is already at row %(row)d of this file; an order may be "
                            "given once"
                        )
                        % {"number": shown(parsed.number), "row": first},
                    )
                ]
                continue
        yield parsed


class _GiantInteger:
    """A JSON integer with more digits than any column holds, kept for its message: the json module would
    give it to int(), which refuses more than 4,300 digits with a ValueError."""

    __slots__ = ("digits",)

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))


def _integer(text: str) -> int | _GiantInteger:
    return _GiantInteger(text) if len(text) > MAX_INTEGER_DIGITS else int(text)


def loads(text: str) -> Any:
    """Parse JSON with exact decimals; a giant integer is kept apart (see ``oversized``)."""
    return json.loads(text, parse_float=Decimal, parse_int=_integer)


def read_items(stream: TextIO, parse: Callable[[object, int], T]) -> Iterator[T | list[RowError]]:
    """Yield ``parse(item, row)`` for each item of a JSON array or JSON Lines file; the row is the array
    index or line number. A syntax error, a line longer than ``MAX_LINE`` or nesting deeper than Python's
    own parser goes is a list of one ``RowError``."""
    first = stream.read(1)
    line, column = 1, 1  # where ``first`` is in the file; blank lines still count in the line numbers
    while first and first.isspace():
        line, column = (line + 1, 1) if first == "\n" else (line, column + 1)
        first = stream.read(1)
    if not first:
        yield [RowError(1, "", _("the file is empty"))]
        return
    if first == "[":
        text = first + stream.read()
        try:
            items = loads(text)
        except json.JSONDecodeError as error:
            yield [_syntax_error(error, line, column)]
            return
        except RecursionError:
            path = _deep_path(text, outer=1)
            first_key = path.pop(0) if path else 0
            yield [_too_deep(first_key + 1 if isinstance(first_key, int) else 1, path)]
            return
        for index, item in enumerate(items, start=1):
            yield parse(item, index)
        return
    for number, read_line in enumerate(_lines(first, stream), start=line):
        if read_line is None:
            yield [
                RowError(
                    number,
                    "",
                    _("the line is longer than %(limit)d characters: one order per line is expected")
                    % {"limit": MAX_LINE},
                )
            ]
            continue
        if not read_line.strip():
            continue
        text = read_line.rstrip("\r\n")  # so that an error at the end of the line is placed on it
        try:
            item = loads(text)
        except json.JSONDecodeError as error:
            yield [_syntax_error(error, number, column if number == line else 1)]
            continue
        except RecursionError:
            yield [_too_deep(number, _deep_path(text))]
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
    (
        "Unexpected UTF-8 BOM",
        gettext_lazy("a byte order mark (BOM) in the middle of the file: were two files joined?"),
    ),
)


def _lines(first: str, stream: TextIO) -> Iterator[str | None]:
    """Each line of ``stream``, the first starting with ``first``; None for a line longer than
    ``MAX_LINE``, whose rest is read and dropped (memory stays bounded)."""
    text = first + stream.readline(MAX_LINE)
    while text:
        if len(text) > MAX_LINE and not text.endswith("\n"):
            while (rest := stream.readline(1 << 16)) and not rest.endswith("\n"):
                pass
            yield None
        else:
            yield text
        text = stream.readline(MAX_LINE + 1)


def _too_deep(row: int, path: list[str | int]) -> RowError:
    return RowError(
        row,
        ".".join(str(part) for part in path),
        _("nested more than %(limit)d levels deep") % {"limit": MAX_DEPTH},
    )


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def _deep_path(text: str, outer: int = 0) -> list[str | int]:
    """Where in ``text`` objects and arrays first go deeper than ``MAX_DEPTH`` (below ``outer`` levels
    that hold the items, such as a file's array), as the keys and indexes that lead there.

    Only for a document the json module could not parse for its depth: slow, and lenient with syntax.
    """
    open_: list[str] = []
    keys: list[str | int] = []  # the current key or index in each open container
    last = ""
    for token in _TOKENS.finditer(text):
        value = token.group()
        if value in "[{":
            if len(open_) >= MAX_DEPTH + outer:
                return keys
            open_.append(value)
            keys.append(0 if value == "[" else "")
        elif value in "]}":
            if open_:
                open_.pop()
                keys.pop()
        elif value == ",":
            if open_ and open_[-1] == "[" and isinstance(keys[-1], int):
                keys[-1] += 1
        elif value == ":":
            if keys:
                keys[-1] = shown(last[1:-1])
        else:
            last = value
    return keys


def oversized(item: object, row: int) -> list[RowError]:
    """What in ``item`` no order needs, by name: nesting deeper than ``MAX_DEPTH``, a string longer than
    ``MAX_TEXT``, an integer with more than ``MAX_INTEGER_DIGITS`` digits."""
    errors = []
    stack: list[tuple[object, tuple[str | int, ...], int]] = [(item, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        column = ".".join(str(part) for part in path)
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                errors.append(_too_deep(row, list(path)))
                continue
            children = list(value.items() if isinstance(value, dict) else enumerate(value))
            stack.extend((child, (*path, key), depth + 1) for key, child in reversed(children))
        elif isinstance(value, _GiantInteger):
            errors.append(
                RowError(
                    row,
                    column,
                    _("a number of %(digits)d digits is far too large") % {"digits": value.digits},
                )
            )
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            errors.append(
                RowError(
                    row,
                    column,
                    _("%(length)d characters: far too long for any field (at most %(limit)d)")
                    % {"length": len(value), "limit": MAX_TEXT},
                )
            )
    return errors


def _related(column: str, place: str) -> bool:
    """Whether ``column`` is ``place``, inside it or holds it (``lines.0`` and ``lines.0.tags.0.0``)."""
    return (column + ".").startswith(place + ".") or (place + ".").startswith(column + ".")


def parse_one(item: object, row: int) -> ImportedOrder | list[RowError]:
    try:
        order = OrderIn.model_validate(item)
    except ValidationError as error:
        errors = validation_errors(error, row)
        named = oversized(item, row)
        if not named:
            return errors
        # The schema's own complaints about what was refused by name would only repeat it less clearly.
        places = [error.column for error in named]
        return named + [
            error for error in errors if not any(_related(error.column, place) for place in places)
        ]
    return to_record(order, row)
