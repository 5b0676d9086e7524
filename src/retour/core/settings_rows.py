"""Changing a store's row of numeric settings (the cost rates, the repair policy): all of the given values
or none, every bad value named in the one refusal."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

Row = TypeVar("Row", bound=models.Model)


def parse_number(raw: object) -> Decimal | None:
    """``raw`` as a finite decimal (a comma taken for the decimal point), or None."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def update_numbers(
    row: Row,
    values: Mapping[str, object],
    fields: Collection[str],
    *,
    not_a_setting: Callable[[str], str],
    refused: Callable[[dict[str, str]], Exception],
) -> Row:
    """Set ``values`` (setting name -> number as given) on ``row`` (saved or unsaved defaults; re-read
    under a row lock when saved), validate it with the model's own checks and save it; or raise
    ``refused(errors)`` (field -> translated message, sorted) and change nothing. A name outside
    ``fields`` is refused with ``not_a_setting(name)``."""
    errors = {name: not_a_setting(name) for name in sorted(set(values) - set(fields))}
    with transaction.atomic():
        if row.pk is not None:
            row = type(row)._default_manager.select_for_update().get(pk=row.pk)
        for name, raw in values.items():
            if name not in fields:
                continue
            value = parse_number(raw)
            if value is None:
                errors[name] = _("“%(value)s” is not a number.") % {"value": raw}
                continue
            setattr(row, name, value)
        try:
            row.full_clean(exclude=["store"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, " ".join(messages))
        if errors:
            raise refused(dict(sorted(errors.items())))
        row.save()
    return row
