"""Pydantic's validation messages in the reader's language.

Pydantic writes its messages in English only. The API (``api/errors.py``) and the JSON order importer
report them to people, so each common error type is written again here through gettext, from the
error's type and context; the English keeps pydantic's wording where it reads well. A type not listed
keeps the message it came with, as do our own ``PydanticCustomError`` messages, which are translated
where they are raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext

Context = Mapping[str, Any]


def translated_message(error: Mapping[str, Any]) -> str:
    """The message of one item of pydantic's ``ValidationError.errors()``, in the active language."""
    fallback = str(error.get("msg", ""))
    rewrite = _MESSAGES.get(str(error.get("type", "")))
    if rewrite is None:
        return fallback
    try:
        return rewrite(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):  # a context another version of pydantic no longer gives
        return fallback


def _message(message: Promise, detail: Callable[[Context], str] | None = None) -> Callable[[Context], str]:
    """``message`` with its named placeholders filled from the error's context (and a detail after it).

    A plural message (``ngettext_lazy`` with a key) picks its form from that key's number.
    """

    def rewrite(ctx: Context) -> str:
        values = {key: value if isinstance(value, int | str) else str(value) for key, value in ctx.items()}
        if "expected" in values:
            values["expected"] = _choices(str(values["expected"]))
        return str(message % values) + (detail(ctx) if detail else "")

    return rewrite


def _choices(expected: str) -> str:
    """``'a', 'b' or 'c'``: pydantic joins the last two choices with an English "or"."""
    head, separator, last = expected.rpartition(" or ")
    if not separator:
        return expected
    word = pgettext("between the last two choices", "or")  # not in the f-string: xgettext skips those
    return f"{head} {word} {last}"


def _date_detail(ctx: Context) -> str:
    """Why a date or time could not be read (speedate's reason), when it is one we translate."""
    detail = _DATE_DETAILS.get(str(ctx.get("error", "")))
    return f" ({detail})" if detail else ""


_DATE_DETAILS: dict[str, Promise] = {
    "input is too short": gettext_lazy("too short"),
    "unexpected extra characters at the end of the input": gettext_lazy("unexpected characters at the end"),
    "invalid datetime separator, expected `T`, `t`, `_` or space": gettext_lazy(
        "the date and the time should be separated by T"
    ),
    "invalid date separator, expected `-`": gettext_lazy("the year, month and day should be separated by -"),
    "invalid time separator, expected `:`": gettext_lazy(
        "the hours, minutes and seconds should be separated by :"
    ),
    "invalid character in year": gettext_lazy("invalid character in the year"),
    "invalid character in month": gettext_lazy("invalid character in the month"),
    "invalid character in day": gettext_lazy("invalid character in the day"),
    "invalid character in hour": gettext_lazy("invalid character in the hour"),
    "invalid character in minute": gettext_lazy("invalid character in the minutes"),
    "invalid character in second": gettext_lazy("invalid character in the seconds"),
    "invalid character in second fraction": gettext_lazy("invalid character in the fraction of a second"),
    "invalid timezone sign": gettext_lazy("the time zone offset should start with + or -"),
    "invalid timezone hour": gettext_lazy("invalid hours in the time zone offset"),
    "invalid timezone minute": gettext_lazy("invalid minutes in the time zone offset"),
    "timezone minute value is outside expected range of 0-59": gettext_lazy(
        "the minutes of the time zone offset are not between 0 and 59"
    ),
    "timezone offset must be less than 24 hours": gettext_lazy(
        "the time zone offset should be less than 24 hours"
    ),
    "month value is outside expected range of 1-12": gettext_lazy("the month is not between 1 and 12"),
    "day value is outside expected range": gettext_lazy("that day does not exist in that month"),
    "hour value is outside expected range of 0-23": gettext_lazy("the hour is not between 0 and 23"),
    "minute value is outside expected range of 0-59": gettext_lazy("the minutes are not between 0 and 59"),
    "second value is outside expected range of 0-59": gettext_lazy("the seconds are not between 0 and 59"),
    "second fraction value is more than 6 digits long": gettext_lazy(
        "the fraction of a second has more than 6 digits"
    ),
    "second fraction digits missing after `.`": gettext_lazy("digits are missing after the point"),
}

_DATETIME = gettext_lazy(
    "Input should be a valid datetime with its offset, such as 2026-03-02T14:05:00+01:00"
)
_DATE = gettext_lazy("Input should be a valid date in the format YYYY-MM-DD")
_OBJECT = gettext_lazy("Input should be a valid dictionary")
_NUMBER = gettext_lazy("Input should be a valid number")
_BOOLEAN = gettext_lazy("Input should be a valid boolean (true or false)")
_CHOICE = gettext_lazy("Input should be %(expected)s")

_MESSAGES: dict[str, Callable[[Context], str]] = {
    "missing": _message(gettext_lazy("Field required")),
    "extra_forbidden": _message(gettext_lazy("Extra inputs are not permitted")),
    "model_type": _message(_OBJECT),
    "model_attributes_type": _message(_OBJECT),
    "dict_type": _message(_OBJECT),
    "list_type": _message(gettext_lazy("Input should be a valid list")),
    "too_short": _message(
        ngettext_lazy(
            "Should have at least %(min_length)d item, not %(actual_length)d",
            "Should have at least %(min_length)d items, not %(actual_length)d",
            "min_length",
        )
    ),
    "too_long": _message(
        ngettext_lazy(
            "Should have at most %(max_length)d item, not %(actual_length)d",
            "Should have at most %(max_length)d items, not %(actual_length)d",
            "max_length",
        )
    ),
    "string_type": _message(gettext_lazy("Input should be a valid string")),
    "string_too_short": _message(
        ngettext_lazy(
            "String should have at least %(min_length)d character",
            "String should have at least %(min_length)d characters",
            "min_length",
        )
    ),
    "string_too_long": _message(
        ngettext_lazy(
            "String should have at most %(max_length)d character",
            "String should have at most %(max_length)d characters",
            "max_length",
        )
    ),
    "string_pattern_mismatch": _message(gettext_lazy("String should match pattern '%(pattern)s'")),
    "literal_error": _message(_CHOICE),
    "enum": _message(_CHOICE),
    "bool_type": _message(_BOOLEAN),
    "bool_parsing": _message(_BOOLEAN),
    "int_type": _message(gettext_lazy("Input should be a valid integer")),
    "int_parsing": _message(
        gettext_lazy("Input should be a valid integer, unable to parse string as an integer")
    ),
    "int_from_float": _message(
        gettext_lazy("Input should be a valid integer, got a number with a fractional part")
    ),
    "float_type": _message(_NUMBER),
    "float_parsing": _message(_NUMBER),
    "finite_number": _message(gettext_lazy("Input should be a finite number")),
    "greater_than": _message(gettext_lazy("Input should be greater than %(gt)s")),
    "greater_than_equal": _message(gettext_lazy("Input should be greater than or equal to %(ge)s")),
    "less_than": _message(gettext_lazy("Input should be less than %(lt)s")),
    "less_than_equal": _message(gettext_lazy("Input should be less than or equal to %(le)s")),
    "decimal_type": _message(gettext_lazy('Input should be a decimal number, such as "12.50"')),
    "decimal_parsing": _message(gettext_lazy("Input should be a valid decimal")),
    "decimal_max_digits": _message(
        ngettext_lazy(
            "Decimal input should have no more than %(max_digits)d digit in total",
            "Decimal input should have no more than %(max_digits)d digits in total",
            "max_digits",
        )
    ),
    "decimal_max_places": _message(
        ngettext_lazy(
            "Decimal input should have no more than %(decimal_places)d decimal place",
            "Decimal input should have no more than %(decimal_places)d decimal places",
            "decimal_places",
        )
    ),
    "decimal_whole_digits": _message(
        ngettext_lazy(
            "Decimal input should have no more than %(whole_digits)d digit before the decimal point",
            "Decimal input should have no more than %(whole_digits)d digits before the decimal point",
            "whole_digits",
        )
    ),
    "date_type": _message(_DATE),
    "date_parsing": _message(_DATE, _date_detail),
    "date_from_datetime_parsing": _message(_DATE, _date_detail),
    "date_from_datetime_inexact": _message(gettext_lazy("A date should have no time of day")),
    "datetime_type": _message(_DATETIME),
    "datetime_parsing": _message(_DATETIME, _date_detail),
    "datetime_from_date_parsing": _message(_DATETIME, _date_detail),
    "timezone_aware": _message(gettext_lazy("Input should have timezone info, such as +01:00")),
    "timezone_naive": _message(gettext_lazy("Input should not have timezone info")),
    "json_invalid": _message(gettext_lazy("Invalid JSON")),
}
