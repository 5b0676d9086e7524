"""Reading a shop platform's JSON order (Shopify, WooCommerce) field by field, naming each bad field.

A ``ShopFields`` wraps one order's JSON object: each getter returns the value parsed by ``parsing`` or
records a ``RowError`` at the field's path (``line_items.0.price``) and returns a harmless default, so
that every problem of an order is reported at once, as the CSV reader does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from retour.orders.importers import parsing
from retour.orders.importers.json_orders import oversized
from retour.orders.importers.records import RowError

T = TypeVar("T")
ZERO = Decimal(0)


def text(value: object) -> str:
    """A JSON scalar as text: null is empty, a number keeps its digits (json floats are Decimals here)."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def child(item: object, key: str) -> Mapping[str, Any]:
    value = item.get(key) if isinstance(item, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def children(item: object, key: str) -> list[Mapping[str, Any]]:
    value = item.get(key) if isinstance(item, Mapping) else None
    return [entry for entry in value if isinstance(entry, Mapping)] if isinstance(value, list) else []


class ShopFields:
    def __init__(self, row: int) -> None:
        self.row = row
        self.errors: list[RowError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(RowError(self.row, path, message))

    def order_number(self, order: Mapping[str, Any], key: str, fallback: str) -> str:
        """``order[key]``, else ``order[fallback]`` (the shop's id when it shows no number)."""
        number = text(order.get(key)) or text(order.get(fallback))
        if not number:
            self.fail(key, _("the order number is empty"))
        return number

    def parse(self, path: str, raw: object, parser: Callable[..., T], *args: Any, default: T) -> T:
        try:
            return parser(text(raw), *args)
        except parsing.FieldError as error:
            self.fail(path, str(error))
            return default

    def amount(self, path: str, raw: object, currency: str | None) -> Decimal:
        return self.parse(path, raw, parsing.optional_amount, currency, default=ZERO)

    def signed_amount(self, path: str, raw: object, currency: str | None) -> Decimal:
        if not text(raw):
            return ZERO
        return self.parse(
            path,
            raw,
            lambda value, cur: parsing.amount(value, cur, allow_negative=True),
            currency,
            default=ZERO,
        )

    def quantity(self, path: str, raw: object) -> int:
        return self.parse(path, raw, parsing.quantity, default=1)

    def moment(self, path: str, raw: object, *, utc_if_naive: bool = False) -> datetime | None:
        value = text(raw)
        if (
            utc_if_naive
            and value
            and not value.endswith("Z")
            and "+" not in value[10:]
            and "-" not in value[10:]
        ):
            value += "+00:00"  # WooCommerce's *_gmt times are UTC without saying so
        if value.endswith("Z"):
            value = value[:-1] + "+00:00"
        return self.parse(path, value, parsing.optional_datetime, default=None)

    def required_moment(self, path: str, raw: object, *, utc_if_naive: bool = False) -> datetime | None:
        if not text(raw):
            self.fail(path, _("the value is missing"))
            return None
        return self.moment(path, raw, utc_if_naive=utc_if_naive)

    def currency(self, path: str, raw: object) -> str | None:
        return self.parse(path, raw, parsing.currency, default=None)

    def email(self, path: str, raw: object) -> str:
        return self.parse(path, raw, parsing.email, default="")

    def country(self, path: str, raw: object) -> str:
        return self.parse(path, raw, parsing.country, default="")


def open_order(order: object, row: int) -> tuple[Mapping[str, Any], ShopFields] | list[RowError]:
    """The start of reading one shop order: its JSON object and the ``ShopFields`` that reads it, or the
    order refused whole (not an object, or holding what no order needs: ``json_orders.oversized``)."""
    if not isinstance(order, Mapping):
        return [RowError(row, "", _("an order must be a JSON object"))]
    named = oversized(order, row)
    if named:
        return named
    return order, ShopFields(row)
