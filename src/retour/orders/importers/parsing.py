"""Field parsers shared by the importers: each returns a value or raises ``FieldError``."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from retour.core.money import is_currency, minor_units
from retour.orders.importers.limits import amount_whole_digits, digits_problem
from retour.orders.importers.records import shown

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# More digits than any integer column holds (PostgreSQL's bigint has 19): refused before int() reads it.
MAX_INTEGER_DIGITS = 20


class FieldError(ValueError):
    """A value that cannot be read; the message says why, for a person."""


def _required(raw: str) -> None:
    # The messages below show the value as it is; an empty one would show as nothing at all.
    if not raw.strip():
        raise FieldError(_("the value is missing"))


def amount(raw: str, currency: str | None = None, *, allow_negative: bool = False) -> Decimal:
    _required(raw)
    try:
        value = Decimal(raw)  # Decimal() itself ignores surrounding white space
    except InvalidOperation:
        raise FieldError(_("%(value)s is not a number") % {"value": shown(raw)}) from None
    if not value.is_finite():
        raise FieldError(_("%(value)s is not a number") % {"value": shown(raw)})
    if value < 0 and not allow_negative:
        raise FieldError(_("%(value)s is negative") % {"value": shown(raw)})
    # Before any arithmetic: 1e999999 is a finite Decimal that no sum or rounding survives.
    digits = amount_whole_digits()
    if value and value.adjusted() >= digits:
        raise FieldError(digits_problem(raw.strip(), digits))
    if currency is not None:
        step = _smallest_unit(currency)
        if step is not None and value != value.quantize(step):
            raise FieldError(
                _("%(value)s has more decimals than %(currency)s allows")
                % {"value": shown(raw), "currency": currency}
            )
    return value


@lru_cache(maxsize=64)
def _smallest_unit(currency: str) -> Decimal | None:
    return Decimal(1).scaleb(-minor_units(currency)) if is_currency(currency) else None


def optional_amount(raw: str, currency: str | None = None) -> Decimal:
    return amount(raw, currency) if raw.strip() else Decimal(0)


def quantity(raw: str) -> int:
    _required(raw)
    text = raw.strip()
    if len(text) > MAX_INTEGER_DIGITS and text.isdigit():  # int() refuses more than 4,300 digits itself
        raise FieldError(_("a number of %(digits)d digits is far too large") % {"digits": len(text)})
    try:
        value = int(text)
    except ValueError:
        raise FieldError(_("%(value)s is not a whole number") % {"value": shown(raw)}) from None
    if value < 1:
        raise FieldError(_("the quantity must be at least 1"))
    return value


def currency(raw: str) -> str:
    _required(raw)
    code = raw.strip().upper()
    if not is_currency(code):
        raise FieldError(_("%(value)s is not an ISO 4217 currency code") % {"value": shown(raw)})
    return code


def aware_datetime(raw: str) -> datetime:
    """Read ``2025-05-11 09:55:16 -0400`` (Shopify) or any ISO 8601 time with an offset."""
    _required(raw)
    text = raw.strip()
    if len(text) == 25 and text[19] == " " and text[20] in "+-":
        text = text[:19] + text[20:]
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(_("%(value)s is not a date and time") % {"value": shown(raw)}) from None
    if value.tzinfo is None:
        raise FieldError(_("%(value)s has no time zone offset") % {"value": shown(raw)})
    return value


def optional_datetime(raw: str) -> datetime | None:
    return aware_datetime(raw) if raw.strip() else None


def optional_date(raw: str) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": shown(raw)}) from None


def email(raw: str) -> str:
    text = raw.strip()
    if text and not _EMAIL.match(text):
        raise FieldError(_("%(value)s is not an email address") % {"value": shown(raw)})
    return text.lower()


def country(raw: str) -> str:
    text = raw.strip().upper()
    if text and not (len(text) == 2 and text.isalpha() and text.isascii()):
        raise FieldError(_("%(value)s is not a two-letter country code") % {"value": shown(raw)})
    return text


def boolean(raw: str) -> bool:
    text = raw.strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0", ""}:
        return False
    raise FieldError(_("%(value)s is not true or false") % {"value": shown(raw)})
