"""The shape every analytics page shares: its filters, its report (headline figures and tables, each
table perhaps drawn as a chart), and the sums it reads from the rollup.

A page is a function ``Filters -> Report`` registered under a name (``register``): the back office shows
it at ``/backoffice/analytics/<name>/`` (charts, tables, CSV), the API answers ``GET
/api/v1/analytics/<name>`` and the command ``retour report <name>`` prints it, all from the same
``Report``, so they give the same numbers. Values in a report are what JSON carries: counts as ``int``,
ratios and money as decimal strings rounded once (ratios half-up to 4 places, money to the currency's
minor unit), texts as ``str``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.models import Seller, Store
from retour.core.aggregates import AmountSum
from retour.core.errors import DomainError
from retour.core.fields import AMOUNT_DIGITS, AMOUNT_PLACES
from retour.core.money import minor_units
from retour.insights.charts import Axis, Chart
from retour.insights.domain import metrics, rollup
from retour.insights.models import RollupCell

# A period of at most ten years: more is a typing mistake, and costs a scan for nothing.
MAX_DAYS = 3660
DEFAULT_DAYS = 91
# Beyond these a period's previous period, or its midnight in a time zone, falls out of Python's dates.
EARLIEST = date(1900, 1, 1)
LATEST = date(9000, 1, 1)


class FilterError(DomainError):
    code = "analytics_filter_invalid"
    status = 422


@dataclass(frozen=True)
class Filters:
    """What a page shows: ``store``'s orders placed in ``[start, end)`` (its calendar days), only the
    lines of ``seller`` (a seller's code; "" the store itself) and of ``category`` when given."""

    store: Store
    start: date
    end: date
    seller: str | None = None
    category: str | None = None

    @property
    def scope(self) -> rollup.Scope:
        return rollup.scope_of(self.category, self.seller)

    @property
    def currency(self) -> str:
        return str(self.store.currency)

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store.code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "seller": self.seller,
            "category": self.category,
        }

    def shifted(self, days: int) -> Filters:
        """The same filters over the period ``days`` earlier (a trend's previous period)."""
        step = timedelta(days=days)
        return Filters(self.store, self.start - step, self.end - step, self.seller, self.category)


def today(store: Store) -> date:
    return timezone.now().astimezone(store.zone).date()


def parse_filters(
    store: Store,
    start: str | date | None = None,
    end: str | date | None = None,
    seller: str | None = None,
    category: str | None = None,
    *,
    default_days: int = DEFAULT_DAYS,
) -> Filters:
    """Filters from what a person typed (a form, a query string, the command line): dates as
    YYYY-MM-DD, a seller's code (the store's own code for the store itself), a category. A missing
    period is the ``default_days`` up to today. Anything wrong raises ``FilterError``, translated."""
    last = _day(end, "to") if end else today(store) + timedelta(days=1)
    first = _day(start, "from") if start else last - timedelta(days=default_days)
    if last <= first:
        raise FilterError(_("The end of the period must be a day after its start."), field="to")
    if first < EARLIEST or last > LATEST:
        raise FilterError(
            _("Periods from %(first)s to %(last)s only.")
            % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
            field="from" if first < EARLIEST else "to",
        )
    if (last - first).days > MAX_DAYS:
        raise FilterError(_("A period may last at most %(days)d days.") % {"days": MAX_DAYS}, field="from")
    return Filters(store, first, last, _seller(store, seller), _category(category))


def _day(raw: str | date, name: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise FilterError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw[:40]}, field=name
        ) from None


def _seller(store: Store, code: str | None) -> str | None:
    if code is None or not code.strip():
        return None
    found = Seller.objects.filter(store=store, code=code.strip()).values_list("kind", flat=True).first()
    if found is None:
        raise FilterError(
            _("There is no seller with the code %(code)s.") % {"code": code.strip()[:64]}, field="seller"
        )
    return "" if found == Seller.Kind.STORE else code.strip()


def _category(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    if len(raw.strip()) > 64:
        raise FilterError(_("A category has at most 64 characters."), field="category")
    return raw.strip()


# -- a report -----------------------------------------------------------------------------------------


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    RATIO = "ratio"
    MONEY = "money"
    DATE = "date"
    SCORE = "score"  # a decimal string shown as a number
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: Kind = Kind.TEXT


@dataclass
class Table:
    """Rows of one breakdown; ``chart`` draws some of its columns (``charts.Chart`` naming them)."""

    key: str
    title: str | Promise
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    chart_rows: list[dict[str, Any]] | None = None  # what the chart draws, when not ``rows`` themselves
    note: str | Promise = ""


def bar_table(
    key: str,
    title: str | Promise,
    columns: tuple[Column, ...],
    rows: list[dict[str, Any]],
    *,
    value: str,
    label: str,
    value_format: str = "",
    **more: Any,
) -> Table:
    """A table charted as a horizontal bar a row (long names down the side): its column ``value`` along
    its column ``label``, the chart titled as the table and its axes as the columns (``more``: the
    table's other fields, ``chart_rows``, ``note``)."""
    titles = {column.key: column.label for column in columns}
    chart = Chart(
        title,
        Axis(value, str(titles[value]), "quantitative", value_format),
        Axis(label, str(titles[label])),
        horizontal=True,
    )
    return Table(key, title, columns, rows, chart=chart, **more)


@dataclass(frozen=True)
class Figure:
    """A headline number, the same over the previous period (its trend), and the page that explains it."""

    key: str
    label: str | Promise
    kind: Kind
    value: Any  # None: not available
    previous: Any = None
    page: str = ""
    note: str | Promise = ""

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def change(self) -> str | None:
        """The value less the previous one (same kind of decimal string), when both are known."""
        if (
            self.value is None
            or self.previous is None
            or self.kind not in (Kind.RATIO, Kind.MONEY, Kind.COUNT)
        ):
            return None
        if self.kind == Kind.COUNT:
            return str(int(self.value) - int(self.previous))
        return str(Decimal(self.value) - Decimal(self.previous))


@dataclass
class Report:
    page: str
    title: str | Promise
    filters: Filters
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # What the period's days are of: "orders" placed (every page but one), or returns "requests" made.
    period_kind: str = "orders"

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    def as_json(self) -> dict[str, Any]:
        """What the API and ``--json`` give: the filters, each figure (with its previous value), each
        table's rows."""
        return {
            "page": self.page,
            "currency": self.filters.currency,
            "filters": self.filters.as_dict(),
            "figures": {
                figure.key: {"value": figure.value, "previous": figure.previous} for figure in self.figures
            },
            "tables": {table.key: table.rows for table in self.tables},
        }


@dataclass(frozen=True)
class Page:
    name: str  # in URLs and on the command line: "return-rates"
    title: str | Promise
    build: Callable[[Filters], Report]
    summary: str | Promise = ""
    default_days: int = DEFAULT_DAYS  # the period shown when none is asked for: these days up to today


PAGES: dict[str, Page] = {}
# The dashboard's cards that other pages compute (what is owed, the forecast, the net cost per return):
# card key -> a function of the filters giving the figure's value (a decimal string, or None).
FIGURE_SOURCES: dict[str, Callable[[Filters], Any]] = {}


def provide_figure(key: str, source: Callable[[Filters], Any]) -> None:
    """Let the dashboard's card ``key`` show ``source(filters)`` (its trend: the same a period before)."""
    FIGURE_SOURCES[key] = source


def register(page: Page) -> Page:
    PAGES[page.name] = page
    return page


def page(name: str) -> Page:
    """The page registered under ``name``; ``FilterError`` (404) when none is."""
    found = PAGES.get(name)
    if found is None:
        error = FilterError(_("There is no analytics page %(name)s.") % {"name": name[:64]}, field="name")
        error.status = 404
        raise error
    return found


# -- reading the rollup -------------------------------------------------------------------------------


class Read(NamedTuple):
    """The rollup's cells a page sums, and those of them taken away (``None``: none)."""

    cells: QuerySet[RollupCell]
    away: Q | None


def cells(
    filters: Filters, dimension: str, *, scope: rollup.Scope | None = None, by_day: bool = False
) -> Read:
    """The rollup's cells of ``dimension`` in the filters' period and scope (``in_period``)."""
    scope = scope or filters.scope
    named = {"level": scope.level, "category": scope.category, "seller": scope.seller}
    found, away = in_period(filters, dimension, named, by_day=by_day)
    return Read(RollupCell.objects.filter(found), away)


def in_period(
    filters: Filters, dimension: str, scope: dict[str, Any], *, by_day: bool = False
) -> tuple[Q, Q | None]:
    """The store's cells of ``dimension`` and ``scope`` (field -> value) whose signed sum is the filters'
    period (``rollup.pieces``: whole years and months from the yearly and monthly cells, one covered in
    part from its months and days or as the whole less its other months and days), and those of them
    taken away; with ``by_day``, every day from the daily ones, none taken away. Each piece names every
    field, so that each is one range of the period index."""
    named = {"store": filters.store, **scope}
    if by_day:
        return Q(**named, dimension=dimension, day__gte=filters.start, day__lt=filters.end), None
    # Days from the day after tomorrow (in any time zone) hold no cells yet: a choice of what to read only.
    horizon = timezone.now().date() + timedelta(days=2)
    read: list[Q] = []
    away: list[Q] = []
    for piece in rollup.pieces(filters.start, filters.end, horizon=horizon):
        name = {
            rollup.DAY: dimension,
            rollup.MONTH: rollup.monthly(dimension),
            rollup.YEAR: rollup.yearly(dimension),
        }[piece.span]
        read.append(Q(**named, dimension=name, day__gte=piece.first, day__lt=piece.last))
        if piece.sign < 0:
            # Among the cells read, these alone are of this dimension and these days.
            away.append(Q(dimension=name, day__gte=piece.first, day__lt=piece.last))
    return _any(read), _any(away) if away else None


def _any(parts: list[Q]) -> Q:
    found = parts[0]
    for part in parts[1:]:
        found |= part
    return found


_AMOUNTS = {
    "value",
    "returned_value",
    "refunds_paid",
    "store_credit_issued",
    "store_credit_spent",
    "labels",
    "fees_charged",
}


def _signed(cells: QuerySet[Any, Any], away: Q | None) -> QuerySet[Any, Any]:
    """The cells with their ``sign`` (-1 for those taken away, else 1), when some are taken away."""
    if away is None:
        return cells
    sign = Case(When(away, then=Value(-1)), default=Value(1), output_field=IntegerField())
    signed: QuerySet[Any, Any] = cells.annotate(sign=sign)
    return signed


def _sums(measures: tuple[str, ...] = rollup.MEASURES, *, signed: bool = False) -> dict[str, Any]:
    """Each measure summed over the cells read (``signed``: each times its ``sign``, see ``_signed``)."""

    def term(name: str) -> Any:
        if not signed:
            return name
        kind: Field[Any, Any] = (
            DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
            if name in _AMOUNTS
            else IntegerField()
        )
        return ExpressionWrapper(F(name) * F("sign"), output_field=kind)

    return {name: AmountSum(term(name)) if name in _AMOUNTS else Sum(term(name)) for name in measures}


def plain_rows(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database driver gives them, without Django's
    converters: for sums of counts only (an amount's exact rounding is a converter). A product breakdown
    is tens of thousands of rows, and ``int()`` on each sum of each was a tenth of a page's time."""
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:  # asked for none
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def cell_of(row: Mapping[str, Any]) -> rollup.Cell:
    """The cell of a row of sums (a measure not summed: 0)."""
    values: dict[str, Any] = {
        name: (row.get(name) or (Decimal(0) if name in _AMOUNTS else 0)) for name in rollup.MEASURES
    }
    return rollup.Cell(**values)


def _counted(groups: Iterable[tuple[Any, rollup.Cell]]) -> dict[Any, rollup.Cell]:
    """The groups with a figure: a month's cell less its days outside the period leaves zeros for a
    key only seen on those days, a key the period does not have."""
    return {key: cell for key, cell in groups if cell != rollup.EMPTY}


def total(filters: Filters, dimension: str = rollup.TOTAL) -> rollup.Cell:
    """The sum of the filters' cells (for ``total``: the figures of the whole period)."""
    read = cells(filters, dimension)
    return cell_of(_signed(read.cells, read.away).aggregate(**_sums(signed=read.away is not None)))


def grouped(
    filters: Filters, dimension: str, by: str = "key", *, scope: rollup.Scope | None = None
) -> dict[Any, rollup.Cell]:
    """The filters' cells summed per ``by`` (``key``, ``day``, ``category`` or ``seller``)."""
    read = cells(filters, dimension, scope=scope, by_day=by == "day")
    signed = read.away is not None
    rows = _signed(read.cells, read.away).values(by).annotate(**_sums(signed=signed)).order_by(by)
    return _counted((row[by], cell_of(row)) for row in rows)


def breakdown(
    filters: Filters,
    dimension: str,
    by: tuple[str, ...],
    *,
    measures: tuple[str, ...] = rollup.MEASURES,
    returned_only: bool = False,
) -> dict[tuple[Any, ...], rollup.Cell]:
    """The filters' cells summed per the fields ``by`` (of ``key``, ``day``, ``category``, ``seller``).

    Grouping by category (or seller) reads the scope that tells categories (sellers) apart, within the
    other filter: the rates of each category of one seller's lines, say. Only ``measures`` are summed
    (the others are 0 in the cells given back); with ``returned_only``, only the groups with a returned
    unit come back (a breakdown by product has many groups, most of them without a return)."""
    rows = breakdown_rows(filters, dimension, by, measures=measures, returned_only=returned_only)
    return _counted((tuple(row[name] for name in by), cell_of(row)) for row in rows.order_by(*by))


def breakdown_rows(
    filters: Filters,
    dimension: str,
    by: tuple[str, ...],
    *,
    measures: tuple[str, ...] = rollup.MEASURES,
    returned_only: bool = False,
) -> QuerySet[RollupCell, dict[str, Any]]:
    """``breakdown``'s query, not run: a row (dict) per group, ``by`` and the sums of ``measures``, in
    no order (to be ordered, cut or annotated further: the top products, say). A group may sum to zeros
    (see ``_counted``)."""
    named = _scope_named(filters, dimension, by)
    found, away = in_period(filters, dimension, named, by_day="day" in by)
    signed = away is not None
    grouped_rows = _signed(RollupCell.objects.filter(found), away).values(*by)
    if returned_only:
        # HAVING on its own name, given before the sums that take the columns' names.
        grouped_rows = grouped_rows.annotate(
            returned_any=_sums(("returned_units",), signed=signed)["returned_units"]
        )
        grouped_rows = grouped_rows.filter(returned_any__gt=0)
    rows: QuerySet[RollupCell, dict[str, Any]] = grouped_rows.annotate(
        **_sums(measures, signed=signed)
    ).order_by()
    return rows


def _scope_named(filters: Filters, dimension: str, by: tuple[str, ...]) -> dict[str, Any]:
    """The scope of the cells a breakdown by ``by`` within the filters reads, as field -> value: the
    one scope that counts each group exactly, every category (seller) of it when grouped by category
    (seller). A catalogue product's cells are kept in the ``LINE`` scope alone
    (``rollup.product_scopes``): its units and values within a category, or in the whole store, are its
    sellers' summed (an SKU's are kept per category too, and read as the other dimensions')."""
    if dimension == rollup.PRODUCT:
        named: dict[str, Any] = {"level": rollup.LINE}
        if filters.category is not None:
            named["category"] = filters.category
        if filters.seller is not None:
            named["seller"] = filters.seller
        return named
    per_category = filters.category is not None or "category" in by
    per_seller = filters.seller is not None or "seller" in by
    scope = rollup.scope_of(
        (filters.category or "") if per_category else None, (filters.seller or "") if per_seller else None
    )
    named = {"level": scope.level}
    if filters.category is not None or not per_category:
        named["category"] = scope.category
    if filters.seller is not None or not per_seller:
        named["seller"] = scope.seller
    return named


def by_category(filters: Filters, dimension: str = rollup.TOTAL) -> dict[str, rollup.Cell]:
    """Per category ("" none), within the seller filter (and the category filter, when given)."""
    return {key[0]: cell for key, cell in breakdown(filters, dimension, ("category",)).items()}


def by_seller(filters: Filters, dimension: str = rollup.TOTAL) -> dict[str, rollup.Cell]:
    """Per seller ("" the store itself), within the category filter (and the seller filter)."""
    return {key[0]: cell for key, cell in breakdown(filters, dimension, ("seller",)).items()}


# -- rounding, once ----------------------------------------------------------------------------------


def ratio(numerator: int | Decimal | Fraction, denominator: int | Decimal | Fraction) -> str:
    """``numerator / denominator`` half-up to 4 places (0 when the denominator is 0), as the spec's."""
    if not denominator:
        return metrics.ratio(Fraction(0))
    return metrics.ratio(Fraction(numerator) / Fraction(denominator))


def money(value: int | Decimal | Fraction, currency: str) -> str:
    """An amount half-up to the currency's minor unit, as a decimal string."""
    return str(metrics._round(Fraction(value), minor_units(currency)))


def rates(cell: rollup.Cell, currency: str) -> dict[str, Any]:
    """A slice's counts and its three return rates, as the spec's ``by_category`` object."""
    return {
        "orders": cell.orders,
        "returned_orders": cell.returned_orders,
        "units": cell.units,
        "returned_units": cell.returned_units,
        "value": money(cell.value, currency),
        "returned_value": money(cell.returned_value, currency),
        "order_return_rate": ratio(cell.returned_orders, cell.orders),
        "unit_return_rate": ratio(cell.returned_units, cell.units),
        "value_return_rate": ratio(cell.returned_value, cell.value),
    }


RATE_COLUMNS = (
    Column("orders", gettext_lazy("Orders"), Kind.COUNT),
    Column("returned_orders", gettext_lazy("Returned orders"), Kind.COUNT),
    Column("order_return_rate", gettext_lazy("Order return rate"), Kind.RATIO),
    Column("units", gettext_lazy("Units"), Kind.COUNT),
    Column("returned_units", gettext_lazy("Returned units"), Kind.COUNT),
    Column("unit_return_rate", gettext_lazy("Unit return rate"), Kind.RATIO),
    Column("value", gettext_lazy("Value"), Kind.MONEY),
    Column("returned_value", gettext_lazy("Returned value"), Kind.MONEY),
    Column("value_return_rate", gettext_lazy("Value return rate"), Kind.RATIO),
)


def rate_rows(groups: Iterable[tuple[Any, rollup.Cell]], currency: str, name: str) -> list[dict[str, Any]]:
    """One row per group: its key under ``name``, then its counts and rates (``RATE_COLUMNS``)."""
    return [{name: key, **rates(cell, currency)} for key, cell in groups]
