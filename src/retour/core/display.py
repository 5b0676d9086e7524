"""How the back office shows a stored value to a staff member: an amount in its currency and the reader's
locale ("17,80 €", not ``17.8000``), a moment in the store's time zone with the zone named, and a vocabulary
word as its translated label ("Size or fit", not ``size_fit``).

The admin's columns are built from these (``amount_column``, ``time_column``, ``label_column``) so that every
list and every page says a value the same way."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from babel.dates import format_datetime
from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from retour.core.money import Money, is_currency

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    Words = str | _StrPromise
else:
    Words = str

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def reader_locale() -> str:
    """The babel locale of the staff member's language (the active one)."""
    return LOCALES["fr"] if (translation.get_language() or "en").startswith("fr") else LOCALES["en"]


def amount(value: Decimal | int | None, currency: str) -> str:
    """``value`` in ``currency`` as the reader writes it; empty when there is none."""
    if value is None or not is_currency(currency):
        return "" if value is None else f"{value} {currency}"
    return Money(Decimal(value), currency).format(reader_locale())


def moment(value: datetime | None, zone: zoneinfo.ZoneInfo | str) -> str:
    """``value`` in ``zone`` (the store's), in the reader's words, with the zone named: "6 Dec 2026, 20:14
    (Europe/Paris)"; empty when there is none."""
    if value is None:
        return ""
    tz = zone if isinstance(zone, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo(zone)
    text = format_datetime(value, "d MMM y, HH:mm", tzinfo=tz, locale=reader_locale())
    return f"{text} ({tz.key})"


def label(labels: Mapping[str, Promise | str], value: str) -> str:
    """The translated label of a vocabulary word, capitalised; a word the labels lack as it is."""
    if not value:
        return ""
    return capfirst(str(labels[value])) if value in labels else value


def amount_column(
    field: str, description: Words, currency: Callable[[Any], str] = lambda row: row.currency
) -> Callable[[Any, Any], str]:
    """An admin column (or read-only field) showing ``row.<field>`` in the row's currency."""

    @admin.display(description=description, ordering=field)
    def column(_admin: Any, row: Any) -> str:
        return amount(getattr(row, field), currency(row))

    return column


def time_column(
    field: str, description: Words, zone: Callable[[Any], zoneinfo.ZoneInfo | str]
) -> Callable[[Any, Any], str]:
    """An admin column showing ``row.<field>`` in the row's store's time zone, the zone named."""

    @admin.display(description=description, ordering=field)
    def column(_admin: Any, row: Any) -> str:
        return moment(getattr(row, field), zone(row))

    return column


def label_column(
    field: str, description: Words, labels: Mapping[str, Promise | str]
) -> Callable[[Any, Any], str]:
    """An admin column showing the label of the vocabulary word in ``row.<field>``."""

    @admin.display(description=description, ordering=field)
    def column(_admin: Any, row: Any) -> str:
        return label(labels, getattr(row, field))

    return column


def labelled_filter(field: str, title: Words, labels: Mapping[str, Promise | str]) -> type:
    """A list filter on ``field`` offering the labels of the words it holds, not the words."""

    class LabelledFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
            present = model_admin.get_queryset(request).values_list(field, flat=True).distinct()
            words = sorted({word for word in present if word})
            return [(word, label(labels, word)) for word in words]

        def queryset(self, request: Any, queryset: Any) -> Any:
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    LabelledFilter.title = title
    LabelledFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return LabelledFilter
