"""What a database column holds, read from the model field an imported value is written to.

SQLite stores a 300-character title in a column declared 255 wide, a 20-digit amount and any integer;
PostgreSQL refuses all three, and a NUL in text. So every imported record is checked against the fields it
will be written to, before anything is written: both databases give the same answer, a bad row naming the
column as the file calls it and the limit, never a database error.

The limits are not written here: each record attribute is matched with the model field it is stored in
(by name, or through ``RENAMED`` where the names differ), and the field's own definition says what fits:
a ``CharField``'s ``max_length`` (and no control character, which PostgreSQL refuses or a page would
show), a ``DecimalField``'s ``max_digits`` and ``decimal_places``, an integer field's range (PostgreSQL's,
the narrower), a ``DateTimeField``'s years 1 to 9999 once in UTC, a ``JSONField``'s texts without control
characters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from retour.catalog.models import Category, Product, Seller, Variant
from retour.core.clean_input import CONTROL
from retour.orders.importers.records import (
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
    shown,
)
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment

# A value's problem, in the reader's language; None when it fits.
Check = Callable[[Any], str | None]
# PostgreSQL's ranges (SQLite's integers are wider): what both databases store.
INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


def length(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of ``model``'s field ``name`` (for schemas that publish it)."""
    limit = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    assert limit is not None, f"{model.__name__}.{name} has no max_length"
    return int(limit)


def whole_digits(field: Any) -> int:
    """How many digits a ``DecimalField`` holds before the decimal point."""
    return int(field.max_digits) - int(field.decimal_places)


def amount_whole_digits() -> int:
    """The digits before the point of every amount column (they share ``core.fields.amount_field``)."""
    return whole_digits(Order._meta.get_field("total"))


def text_problem(value: str, limit: int | None) -> str | None:
    if not value:
        return None
    if limit is not None and len(value) > limit:
        return _("%(length)d characters, more than the %(limit)d this column holds") % {
            "length": len(value),
            "limit": limit,
        }
    if CONTROL.search(value):
        return _("contains a control character")
    return None


def decimal_problem(value: Decimal, digits: int, places: int) -> str | None:
    if not value.is_finite():
        return _("%(value)s is not a number") % {"value": shown(value)}
    if value and value.adjusted() >= digits:
        return digits_problem(value, digits)
    exponent = value.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent < -places
        and value != value.quantize(Decimal(1).scaleb(-places))
    ):
        return _("%(value)s has more than %(places)d decimals") % {"value": shown(value), "places": places}
    return None


def digits_problem(value: object, digits: int) -> str:
    return _("%(value)s has more than %(digits)d digits before the decimal point") % {
        "value": shown(value),
        "digits": digits,
    }


_SHARED: dict[tuple[object, ...], Check] = {}


def _check(field: Any) -> Check | None:
    """The check of what ``field`` holds, or None for a field imports cannot overflow. Fields with the
    same limit share one check, so that a value stored in three columns alike is checked once."""
    key: tuple[object, ...]
    if isinstance(field, models.CharField):
        key = ("text", field.max_length)
    elif isinstance(field, models.DecimalField):
        key = ("decimal", whole_digits(field), int(field.decimal_places))
    elif isinstance(field, models.IntegerField) and not isinstance(field, models.AutoField):
        key = ("integer", *INTEGER_RANGES[field.get_internal_type()])
    elif isinstance(field, models.DateTimeField):
        key = ("datetime",)
    elif isinstance(field, models.JSONField):
        key = ("json",)
    else:
        return None
    if key not in _SHARED:
        _SHARED[key] = _new_check(key)
    return _SHARED[key]


def _new_check(key: tuple[Any, ...]) -> Check:
    kind = key[0]
    if kind == "text":
        limit = key[1]
        return lambda value: text_problem(value, limit) if isinstance(value, str) else None
    if kind == "decimal":
        digits, places = key[1], key[2]
        return lambda value: decimal_problem(value, digits, places) if isinstance(value, Decimal) else None
    if kind == "integer":
        low, high = key[1], key[2]
        return lambda value: _integer_problem(value, low, high)
    return _datetime_problem if kind == "datetime" else _json_texts_problem


def _integer_problem(value: object, low: int, high: int) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    if value > high:
        return _("%(value)s is more than %(limit)d, the largest this column holds") % {
            "value": shown(value),
            "limit": high,
        }
    if value < low:
        return _("%(value)s is less than %(limit)d, the smallest this column holds") % {
            "value": shown(value),
            "limit": low,
        }
    return None


def _datetime_problem(value: object) -> str | None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    try:
        value.astimezone(UTC)
    except OverflowError:
        return _("%(value)s is outside the times that can be stored (years 1 to 9999 in UTC)") % {
            "value": value.isoformat()
        }
    return None


def _json_texts_problem(value: object) -> str | None:
    texts = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(text, str) and CONTROL.search(text) for text in texts):
        return _("contains a control character")
    return None


# Record attributes also stored under another name than their own (or only there).
RENAMED: dict[type, dict[str, list[Any]]] = {
    ImportedLine: {
        "seller_code": [Seller._meta.get_field("code")],
        "seller_name": [Seller._meta.get_field("name")],
        "unit_price": [Variant._meta.get_field("price")],
        "category": [Category._meta.get_field("slug")],
    },
}
# Where each kind of record is stored: its attributes go to the fields of the same name.
MODELS: dict[type, tuple[type[models.Model], ...]] = {
    ImportedOrder: (Order,),
    ImportedCustomer: (Customer,),
    ImportedLine: (OrderLine, Product, Variant),
    ImportedPayment: (Payment,),
    ImportedShipment: (Shipment,),
}


Checks = tuple[tuple[str, tuple[Check, ...]], ...]
_CHECKS: dict[type, Checks] = {}


def checks(record_type: type) -> Checks:
    """Each attribute of ``record_type`` with the checks of the columns it is written to."""
    known = _CHECKS.get(record_type)
    if known is None:
        known = _CHECKS[record_type] = _read_checks(record_type)
    return known


def _read_checks(record_type: type) -> Checks:
    found: list[tuple[str, tuple[Check, ...]]] = []
    renamed = RENAMED.get(record_type, {})
    for attribute in dataclasses.fields(record_type):
        name = attribute.name
        fields = list(renamed.get(name, []))
        for model in MODELS[record_type]:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete and not field.is_relation:
                fields.append(field)
        found_checks = (_check(field) for field in fields)
        checked = tuple(dict.fromkeys(check for check in found_checks if check is not None))
        if checked:
            found.append((name, checked))
    return tuple(found)


Record = ImportedOrder | ImportedCustomer | ImportedLine | ImportedPayment | ImportedShipment


def _problems(item: Record, prefix: str, row: int, index: int | None, order: ImportedOrder) -> list[RowError]:
    errors = []
    for name, tests in checks(type(item)):
        value = getattr(item, name)
        if not value:  # None, "", 0, (): nothing a column cannot hold
            continue
        for test in tests:
            problem = test(value)
            if problem is not None:
                errors.append(RowError(row, order.column(prefix + name, index), problem))
                break
    return errors


def check(order: ImportedOrder) -> list[RowError]:
    """What in ``order`` its columns cannot hold, one error per value, where the file has it."""
    errors = _problems(order, "", order.row, None, order)
    if order.customer is not None:
        errors += _problems(order.customer, "customer.", order.row, None, order)
    for index, line in enumerate(order.lines):
        errors += _problems(line, "lines.", line.row or order.row, index, order)
    for index, payment in enumerate(order.payments):
        errors += _problems(payment, "payments.", order.row, index, order)
    for index, shipment in enumerate(order.shipments):
        errors += _problems(shipment, "shipments.", order.row, index, order)
    # Two fields read from one column (a CSV line's quantity is also its fulfilled quantity): said once.
    return list(dict.fromkeys(errors))
