"""Fast inserts and updates of many rows, for imports.

Django's ``bulk_create`` builds a model instance and prepares every value through its field for each
row; at a million order lines that overhead, not the database, is most of the time. Here the caller
gives plain tuples, ids are reserved from the table's own sequence first (so children can point to
their parents without reading anything back), and rows go in with PostgreSQL's COPY or SQLite's
``executemany``. Values are converted once per column with the backend's own adapters, so what is
stored is exactly what the ORM would store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

Row = tuple[Any, ...]
Converter = Callable[[Any], Any]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take ``count`` new primary keys for ``model``; no other insert can receive them.

    Must run inside the transaction that inserts the rows. On SQLite the write lock is held from the
    transaction's start (``transaction_mode = IMMEDIATE``), so reading the high-water mark is safe.
    """
    if count <= 0:
        return []
    table, pk = model._meta.db_table, _pk_column(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608 - model metadata
        high = int(cursor.fetchone()[0])
        # AUTOINCREMENT never reuses an id, even of a deleted row: start above its counter too.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row is not None:
            high = max(high, int(row[0]))
        return list(range(high + 1, high + 1 + count))


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: list[Row], *, table: str | None = None
) -> None:
    """Insert ``rows`` (tuples in the order of ``fields``, attribute names such as ``order_id``); with
    ``table``, into that table (a temporary one with the model's columns) instead of the model's."""
    if not rows:
        return
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(table or model._meta.db_table)
    names = ", ".join(quote(_column(field)) for field in columns)
    rows = _prepare(columns, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg's own cursor
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - model metadata


def update_rows(model: type[models.Model], fields: Sequence[str], rows: list[Row]) -> None:
    """Update rows by primary key: each tuple is the values of ``fields`` followed by the id."""
    if not rows:
        return
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(_column(field))} = %s" for field in columns)
    rows = [
        (*values, row[-1])
        for values, row in zip(_prepare(columns, [row[:-1] for row in rows]), rows, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(_pk_column(model))} = %s",  # noqa: S608
            rows,
        )


def _prepare(columns: list[Any], rows: list[Row]) -> list[Row]:
    """Convert values the way the backend's fields would, only in the columns that need it."""
    converters = [_converter(field) for field in columns]
    if all(convert is None for convert in converters):
        return rows
    return [
        tuple(
            value if convert is None or value is None else convert(value)
            for convert, value in zip(converters, row, strict=True)
        )
        for row in rows
    ]


def _converter(field: Any) -> Converter | None:
    if isinstance(field, models.JSONField):
        return json.dumps
    if connection.vendor == "postgresql":
        return None  # psycopg adapts Decimal, aware datetime, date and bool itself
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    # SQLite: dates and decimals are written by the driver's adapters Django registers (the ISO date,
    # the decimal as text), which is what the fields' own preparation gives (Django 5's
    # ``adapt_decimalfield_value`` hands the value back as it is): not converted value by value here.
    return None


def _column(field: Any) -> str:
    return str(field.column)


def _pk_column(model: type[models.Model]) -> str:
    pk = model._meta.pk
    if pk is None:  # pragma: no cover - every concrete model has one
        raise TypeError(f"{model.__name__} has no primary key")
    return str(pk.column)


def refresh_statistics(*models_: type[models.Model]) -> None:
    """Let PostgreSQL's planner see rows a long import has just written.

    Statistics are collected by autovacuum, which cannot see an import's rows before it commits: the
    planner then takes a table of 400,000 orders for an empty one and answers each batch's look-up by
    scanning the store. ANALYZE inside the import's transaction counts its own new rows. SQLite plans
    these look-ups by index whatever its statistics, so nothing is done there.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
