"""Aggregates over amount columns that stay exact on every database."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import models

from retour.core.fields import AMOUNT_DIGITS, AMOUNT_PLACES

_UNIT = Decimal(1).scaleb(-AMOUNT_PLACES)


class AmountSum(models.Sum):
    """``Sum`` of an amount column, exact on SQLite too.

    SQLite adds NUMERIC values as binary floats, so the sum of 4-place amounts can come back as
    ``931.270000000001``: a ledger that "does not balance", a refundable remainder of a millionth of a
    cent. Every amount is stored with ``AMOUNT_PLACES`` places, so their exact sum has as many; rounding
    the result to them gives it back (15 significant digits leave room for sums up to 10^10).
    """

    def __init__(self, expression: Any, **extra: Any) -> None:
        amount: models.DecimalField[Decimal, Decimal] = models.DecimalField(
            max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES
        )
        extra.setdefault("output_field", amount)
        super().__init__(expression, **extra)

    @cached_property
    def convert_value(self) -> Callable[[Any, Any, Any], Decimal | None]:
        def exact(value: Any, expression: Any, connection: Any) -> Decimal | None:
            return None if value is None else Decimal(value).quantize(_UNIT)

        return exact
