"""Exports: returns, refunds and claims of one store over a period, as CSV or JSON Lines, streamed.

One definition per dataset (its rows, its columns, the date that places a row in the period) serves the
back office's download, ``GET /api/v1/exports/{dataset}`` and ``retour export``: the same bytes for the
same filters. Rows are read with a database cursor in chunks (``QuerySet.iterator``) and written a chunk
at a time, so memory stays flat however many rows there are (bench/export.py measures it). The period
``[start, end)`` is in the store's time zone; times are written in ISO 8601 with their offset, amounts as
decimal strings in the row's currency. CSV text cells a spreadsheet would run as formulas are
neutralised (core/spreadsheet.py); JSON Lines keeps every value as it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from retour.catalog.models import Store
from retour.claims.models import Claim
from retour.core.spreadsheet import safe_cell
from retour.refunds.models import Refund
from retour.returns.models import ReturnLine

CHUNK = 2000
CENT = Decimal("0.01")
FORMATS = ("csv", "jsonl")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


@dataclass(frozen=True)
class Dataset:
    name: str
    rows: Callable[[], QuerySet[Any]]  # every row of every store, ordered
    store_path: str  # from a row to its store's id
    date_path: str  # the moment that places a row in a period
    columns: tuple[tuple[str, str], ...]  # (column, lookup from a row)
    permission: str  # what a staff member or a token needs to export it


DATASETS: dict[str, Dataset] = {
    "returns": Dataset(
        name="returns",
        rows=lambda: ReturnLine.objects.order_by("ret_id", "pk"),
        store_path="ret__store_id",
        date_path="ret__created_at",
        columns=(
            ("return_number", "ret__number"),
            ("order_number", "ret__order__number"),
            ("state", "ret__state"),
            ("outcome", "ret__outcome"),
            ("channel", "ret__channel"),
            ("return_method", "ret__return_method"),
            ("tracking_number", "ret__tracking_number"),
            ("requested_at", "ret__created_at"),
            ("approved_at", "ret__approved_at"),
            ("sku", "order_line__sku"),
            ("title", "order_line__title"),
            ("category", "order_line__category"),
            ("quantity", "quantity"),
            ("reason", "reason"),
            ("reported_condition", "reported_condition"),
            ("resolution", "resolution"),
            ("reception", "reception"),
            ("inspection", "inspection"),
            ("disposition", "disposition"),
        ),
        permission="returns.view_return",
    ),
    "refunds": Dataset(
        name="refunds",
        rows=lambda: Refund.objects.order_by("pk"),
        store_path="request__store_id",
        date_path="created_at",
        columns=(
            ("refund_id", "pk"),
            ("return_number", "request__ret__number"),
            ("order_number", "order__number"),
            ("method", "request__method"),
            ("gateway", "gateway"),
            ("status", "status"),
            ("currency", "currency"),
            ("amount", "amount"),
            ("store_credit_bonus", "bonus"),
            ("provider_reference", "provider_reference"),
            ("created_at", "created_at"),
            ("completed_at", "completed_at"),
        ),
        permission="refunds.view_refund",
    ),
    "claims": Dataset(
        name="claims",
        rows=lambda: Claim.objects.order_by("pk"),
        store_path="store_id",
        date_path="filed_at",
        columns=(
            ("claim_number", "number"),
            ("order_number", "order__number"),
            ("seller", "seller__code"),
            ("type", "claim_type"),
            ("state", "state"),
            ("filed_at", "filed_at"),
            ("respond_by", "respond_by"),
            ("responded_at", "responded_at"),
            ("response", "response"),
            ("decision", "decision"),
            ("decision_reason", "decision_reason"),
            ("decided_at", "decided_at"),
            ("funded_by", "funded_by"),
            ("currency", "currency"),
            ("item_price", "item_price"),
            ("claimable", "claimable"),
            ("payout", "payout"),
        ),
        permission="claims.view_claim",
    ),
}


def _bounds(store: Store, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(store.time_zone)
    return datetime.combine(start, time.min, zone), datetime.combine(end, time.min, zone)


def records(dataset: Dataset, store: Store, start: date, end: date) -> Iterator[tuple[Any, ...]]:
    """The dataset's rows of ``store`` placed in ``[start, end)``, read a chunk at a time."""
    since, until = _bounds(store, start, end)
    found = dataset.rows().filter(
        **{
            dataset.store_path: store.pk,
            f"{dataset.date_path}__gte": since,
            f"{dataset.date_path}__lt": until,
        }
    )
    lookups = [lookup for _column, lookup in dataset.columns]
    yield from found.values_list(*lookups).iterator(chunk_size=CHUNK)


def _plain(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, Decimal):  # stored to 4 places: 17.8000 is written 17.80, 0.1234 stays
        cents = value.quantize(CENT)
        return format(cents if cents == value else value.normalize(), "f")
    return "" if value is None else value


def stream(dataset: Dataset, store: Store, start: date, end: date, fmt: str) -> Iterator[str]:
    """The file, a chunk of rows at a time: a header line then one line per row."""
    zone = ZoneInfo(store.time_zone)
    names = [column for column, _lookup in dataset.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if fmt == "csv":
        writer.writerow(names)
    for written, row in enumerate(records(dataset, store, start, end), start=1):
        values = [_plain(value, zone) for value in row]
        if fmt == "csv":
            writer.writerow([safe_cell(value) for value in values])
        else:
            buffer.write(json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False) + "\n")
        if written % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def filename(dataset: Dataset, store: Store, start: date, end: date, fmt: str) -> str:
    return f"{store.code}-{dataset.name}-{start.isoformat()}-{end.isoformat()}.{fmt}"
