"""``field__any=[...]``: ``IN`` a list, sent to PostgreSQL as one array.

A list of a thousand ids given to ``__in`` becomes a thousand placeholders, which Django builds, the
driver parses and the server plans, each time; the rollup's follow job sends such lists by the dozen
for each batch of new orders. ``__any`` sends ``= ANY(%s)`` with the list as one array parameter
(the same rows, the same index). Elsewhere (SQLite, in the process) it is ``__in`` (of integers, the
placeholders written at once). The values are
taken as the column holds them (ids, not objects) when it holds integers: checking thousands of them
one by one through the field cost as much as the query.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import lookups
from django.db.models.fields.related_lookups import RelatedIn


def _integers(field: Any) -> bool:
    """Whether the column holds integers (a foreign key: the key it points to)."""
    column = getattr(field, "target_field", field)
    return bool(column.get_internal_type().endswith(("AutoField", "IntegerField")))


class _AsArray:
    lookup_name = "any"

    def get_prep_lookup(self) -> Any:
        lookup: Any = self
        if lookup.rhs_is_direct_value() and _integers(lookup.lhs.output_field):
            return [None if value is None else int(value) for value in lookup.rhs]
        return super().get_prep_lookup()  # type: ignore[misc]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lookup: Any = self
        if not lookup.rhs_is_direct_value():
            sql: tuple[str, Any] = lookup.as_sql(compiler, connection)  # a subquery: IN it is
            return sql
        lhs, lhs_params = lookup.process_lhs(compiler, connection)
        field = lookup.lhs.output_field
        values = [
            field.get_db_prep_value(value, connection, prepared=True)
            for value in lookup.rhs
            if value is not None
        ]
        if not values:
            raise EmptyResultSet
        if _integers(field):
            # Ids as one array literal: the driver adapting a list of thousands, element by element,
            # cost more than the query.
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, values)) + "}")
        return f"{lhs} = ANY(%s)", (*lhs_params, values)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lookup: Any = self
        if not lookup.rhs_is_direct_value() or not _integers(lookup.lhs.output_field):
            sql: tuple[str, Any] = lookup.as_sql(compiler, connection)
            return sql
        # Ids, already integers (``get_prep_lookup``): not prepared again one by one by the field.
        values = list(dict.fromkeys(value for value in lookup.rhs if value is not None))
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = lookup.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


@models.Field.register_lookup
class AnyOf(_AsArray, lookups.In):  # type: ignore[type-arg]
    pass


@models.ForeignObject.register_lookup
class RelatedAnyOf(_AsArray, RelatedIn):
    """``__any`` on a foreign key (``order_id__any``): ids."""
