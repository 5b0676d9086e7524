"""Model field helpers shared by every domain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.core.money import is_currency

# Four decimals hold every ISO 4217 minor unit (CLF and UYW have four); amounts are stored already
# rounded to their currency's unit, so the extra places are zeros for EUR, JPY, KWD, ...
AMOUNT_DIGITS = 19
AMOUNT_PLACES = 4


def amount_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs)


def validate_currency(value: str) -> None:
    if not is_currency(value):
        raise ValidationError(_("%(code)s is not an ISO 4217 currency code."), params={"code": value})


def currency_field(verbose_name: Any, **kwargs: Any) -> models.CharField[Any, Any]:
    return models.CharField(verbose_name, max_length=3, validators=[validate_currency], **kwargs)
