"""Small filters the portal's templates need: a dictionary's entry, a value as a list, money in the
shopper's language."""

from __future__ import annotations

from typing import Any

from django import template

from retour.core.money import Money
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
