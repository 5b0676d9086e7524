"""Small filters the portal's templates need: a dictionary's entry, a value as a list, money in the
shopper's language."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from babel.dates import format_time
from django import template
from django.utils import timezone

from retour.catalog.models import Store
from retour.core import display
from retour.core.money import Money
from retour.portal.branding import brand_store
from retour.portal.offers import locale

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def as_list(value: Any) -> list[Any]:
    if not value:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@register.filter
def money(value: Money) -> str:
    return value.format(locale())


@register.simple_tag(takes_context=True)
def brand(context: Any) -> Store | None:
    """The store whose name, logo and colour the page wears (see portal.branding)."""
    return brand_store(context)


@register.filter
def moment(value: datetime | None) -> str:
    """A moment in the active time zone (the store's on portal pages), in the reader's words, the zone named:
    "6 déc. 2026, 14:03 (Europe/Paris)"."""
    return display.moment(value, _zone())


@register.filter
def clock(value: datetime | None) -> str:
    """The time of day of a moment in the active time zone, the zone named: "14:03 (Europe/Paris)"."""
    if value is None:
        return ""
    zone = _zone()
    return f"{format_time(value, 'HH:mm', tzinfo=zone, locale=display.reader_locale())} ({zone.key})"


def _zone() -> zoneinfo.ZoneInfo:
    zone = timezone.get_current_timezone()
    return zone if isinstance(zone, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo("UTC")
