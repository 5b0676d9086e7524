"""The past-returns format of ``retour import-returns --format json`` (specs/returns-metrics.md).

One JSON object a line, or one array of them. This module reads and checks each object on its own; the
import service checks it against the stored orders and writes all or nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal, TextIO

from django.utils.translation import gettext as _
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from retour.core.clean_input import CONTROL
from retour.orders.importers.json_orders import read_items, validation_errors
from retour.orders.importers.records import RowError

# Below what an amount column holds (15 digits before the point), so that every check stays exact.
NonNegative = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 15, allow_inf_nan=False)]


def _printable(value: str) -> str:
    # Not ValueError: pydantic would prefix our translated message with an English "Value error, ".
    if CONTROL.search(value):
        raise PydanticCustomError("control_character", _("contains a control character"))
    return value


Printable = AfterValidator(_printable)
Code = Annotated[str, Field(min_length=1, max_length=64), Printable]
Sku = Annotated[str, Field(min_length=1, max_length=100), Printable]
Condition = Annotated[str, Field(max_length=32), Printable]
Status = Literal["refunded", "store_credit", "exchanged", "kept", "rejected", "cancelled", "expired", "open"]
Resolution = Literal["refund", "store_credit", "exchange", "keep", "repair", "replacement"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PastReturnLineIn(_Strict):
    sku: Sku
    quantity: Annotated[int, Field(ge=1)]
    # The other tool's words: kept as given (the metrics group by them), not held to Retour's vocabulary.
    reason: Code
    condition: Condition = ""
    resolution: Resolution
    amount: NonNegative


class PastReturnIn(_Strict):
    """One past return, for an order already in Retour. Amounts are decimal strings in the order's
    currency; times carry their offset."""

    number: Code
    order: Code
    requested_at: AwareDatetime
    status: Status
    lines: Annotated[list[PastReturnLineIn], Field(min_length=1, max_length=1000)]
    received_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    refunded: NonNegative = Decimal(0)
    store_credit: NonNegative = Decimal(0)
    fees_charged: NonNegative = Decimal(0)
    label_cost: NonNegative = Decimal(0)


@dataclass(frozen=True, slots=True)
class PastReturnRecord:
    """A past return as read, with where it is in its file."""

    row: int
    value: PastReturnIn

    @property
    def number(self) -> str:
        return self.value.number

    def fingerprint(self) -> str:
        """Equal for equal contents, wherever the record sits in its file: amounts compared as numbers
        (``59.9`` is ``59.90``), times as instants (whatever their offset)."""
        canonical = _canonical(self.value.model_dump())
        return hashlib.blake2b(repr(canonical).encode(), digest_size=20).hexdigest()


def _canonical(value: object) -> object:
    if isinstance(value, dict):
        return sorted((key, _canonical(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def parse_one(item: object, row: int) -> PastReturnRecord | list[RowError]:
    try:
        value = PastReturnIn.model_validate(item)
    except ValidationError as error:
        return validation_errors(error, row)
    return PastReturnRecord(row, value)


def read(stream: TextIO) -> Iterator[PastReturnRecord | list[RowError]]:
    """Each past return of a JSON array or JSON Lines file; the row is the array index or line number."""
    return read_items(stream, parse_one)
