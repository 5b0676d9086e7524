"""Return rates (issue 11, item 1): over time (week, month) and by category, product, seller, reason,
customer segment, country, sales channel and payment method; by orders, units and value.

Every rate follows the spec (specs/returns-metrics.md): orders placed in the period, their returns
whenever made, void returns left out. A product's priority score is its returned units weighed by how
far its unit return rate is above its category's: ``returned_units * product rate / category rate`` (a
product returned as often as its category scores its returned units; twice as often, twice that).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Product
from retour.core.work_mem import work_mem
from retour.insights.analytics.base import (
    RATE_COLUMNS,
    Column,
    Figure,
    Filters,
    Kind,
    Page,
    Report,
    Table,
    bar_table,
    breakdown,
    breakdown_rows,
    by_category,
    by_seller,
    cell_of,
    grouped,
    money,
    rate_rows,
    ratio,
    register,
)
from retour.insights.charts import Axis, Chart
from retour.insights.domain import metrics, rollup
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS

NAME = "return-rates"
TOP_PRODUCTS = 20
# Products read to rank the top ones (by a float score, before the exact one).
CANDIDATES = 5 * TOP_PRODUCTS
# PostgreSQL's work_mem while they are ranked: the 1,000,000-order bench store's 365 days hash 191,577
# cells into 16,000 products in 11 MB (the default 4 MB sorts them on disk instead, twice as slow).
GROUPING_MEMORY_MB = 64


def week_of(day: date) -> date:
    """The Monday starting ``day``'s week (ISO weeks)."""
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> date:
    return day.replace(day=1)


def bucketed(per_day: dict[date, rollup.Cell], bucket: Any) -> list[tuple[date, rollup.Cell]]:
    sums: dict[date, rollup.Cell] = {}
    for day, cell in per_day.items():
        sums.setdefault(bucket(day), rollup.Cell()).add(cell)
    return sorted(sums.items())


def rates_chart(title: Any, field: str, label: Any, *, over_time: bool) -> Chart:
    """Three rates of each row (orders, units, value) as three series."""
    if over_time:
        return Chart(
            title,
            Axis(field, str(label), "ordinal"),
            Axis("rate", str(_("Return rate")), "quantitative", ".0%"),
            mark="line",
            color=Axis("measure", str(_("Rate by"))),
        )
    return Chart(
        title,
        Axis("rate", str(_("Return rate")), "quantitative", ".0%"),
        Axis(field, str(label)),
        horizontal=True,
        color=Axis("measure", str(_("Rate by"))),
        extra={"encoding": {"yOffset": {"field": "measure", "sort": None}}},
    )


def long_rows(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The rows of a rates table in the long form a three-series chart reads."""
    measures = (
        ("order_return_rate", _("orders")),
        ("unit_return_rate", _("units")),
        ("value_return_rate", _("value")),
    )
    return [
        {field: str(row[field]), "measure": str(label), "rate": row[key]}
        for row in rows
        for key, label in measures
    ]


def _rate_table(
    key: str,
    title: Any,
    name: str,
    label: Any,
    rows: list[dict[str, Any]],
    *,
    over_time: bool = False,
    kind: Kind = Kind.TEXT,
) -> Table:
    return Table(
        key,
        title,
        (Column(name, label, kind), *RATE_COLUMNS),
        rows,
        chart=rates_chart(title, name, label, over_time=over_time),
        chart_rows=long_rows(rows, name),
    )


def build(filters: Filters) -> Report:
    currency = filters.currency
    per_day = grouped(filters, rollup.TOTAL, "day")
    overall = rollup.total(per_day.values())
    report = Report(NAME, PAGE.title, filters)
    report.figures = rate_figures(overall, currency)
    weeks = rate_rows(((d.isoformat(), c) for d, c in bucketed(per_day, week_of)), currency, "week")
    months = rate_rows(((d.strftime("%Y-%m"), c) for d, c in bucketed(per_day, month_of)), currency, "month")
    categories = by_category(filters)
    sellers = by_seller(filters)
    report.tables = [
        _rate_table(
            "by_week", _("Return rate by week"), "week", _("Week of"), weeks, over_time=True, kind=Kind.DATE
        ),
        _rate_table("by_month", _("Return rate by month"), "month", _("Month"), months, over_time=True),
        _rate_table(
            "by_category",
            _("Return rate by category"),
            "category",
            _("Category"),
            rate_rows(categories.items(), currency, "category"),
        ),
        products_table(filters, categories),
        sellers_table(filters, sellers),
        reasons_table(filters),
        *(
            _rate_table(
                f"by_{dimension}",
                title,
                dimension,
                label,
                rate_rows(grouped(filters, dimension).items(), currency, dimension),
            )
            for dimension, title, label in (
                (rollup.SEGMENT, _("Return rate by customer segment"), _("Segment")),
                (rollup.COUNTRY, _("Return rate by country"), _("Country")),
                (rollup.CHANNEL, _("Return rate by sales channel"), _("Channel")),
                (rollup.PAYMENT, _("Return rate by payment method"), _("Payment method")),
            )
        ),
    ]
    return report


def rate_figures(cell: rollup.Cell, currency: str) -> list[Figure]:
    values = rate_rows([("", cell)], currency, "all")[0]
    return [
        Figure("orders", _("Orders"), Kind.COUNT, values["orders"]),
        Figure("order_return_rate", _("Order return rate"), Kind.RATIO, values["order_return_rate"]),
        Figure("unit_return_rate", _("Unit return rate"), Kind.RATIO, values["unit_return_rate"]),
        Figure("value_return_rate", _("Value return rate"), Kind.RATIO, values["value_return_rate"]),
    ]


def products_table(filters: Filters, categories: dict[str, rollup.Cell]) -> Table:
    """The products to look at first: highest priority score, within the filters."""
    top = _top_products(_product_cells(filters, categories), categories)
    names = product_names([key for _score, _units, key, _category, _cell in top])
    table_rows = []
    for score, _units, key, category, cell in top:
        category_cell = categories[category]
        table_rows.append(
            {
                "product": names.get(key, key),
                "category": category,
                "returned_units": cell.returned_units,
                "units": cell.units,
                "unit_return_rate": ratio(cell.returned_units, cell.units),
                "category_unit_return_rate": ratio(category_cell.returned_units, category_cell.units),
                "returned_value": money(cell.returned_value, filters.currency),
                "priority_score": _score(score),
            }
        )
    return bar_table(
        "top_products",
        _("Products to look at first (priority score)"),
        (
            Column("product", _("Product")),
            Column("category", _("Category")),
            Column("returned_units", _("Returned units"), Kind.COUNT),
            Column("units", _("Units"), Kind.COUNT),
            Column("unit_return_rate", _("Unit return rate"), Kind.RATIO),
            Column("category_unit_return_rate", _("Its category's rate"), Kind.RATIO),
            Column("returned_value", _("Returned value"), Kind.MONEY),
            Column("priority_score", _("Priority score"), Kind.SCORE),
        ),
        table_rows,
        value="priority_score",
        label="product",
    )


def _top_products(
    rows: dict[tuple[str, str], rollup.Cell], categories: dict[str, rollup.Cell]
) -> list[tuple[Fraction, int, str, str, rollup.Cell]]:
    """The ``TOP_PRODUCTS`` highest scores, exactly ordered. A store has many products: they are ranked
    by a float score first, and only those within a hair of the last one kept are scored exactly."""
    rough: list[tuple[float, tuple[str, str], rollup.Cell]] = []
    for (key, category), cell in rows.items():
        category_cell = categories.get(category)
        if not cell.returned_units or not key or category_cell is None or not category_cell.returned_units:
            continue
        rough.append((rough_score(cell, category_cell), (key, category), cell))
    rough.sort(key=lambda item: -item[0])
    if len(rough) > TOP_PRODUCTS:
        floor = rough[TOP_PRODUCTS - 1][0] * (1 - 1e-9)
        rough = [item for item in rough if item[0] >= floor]
    scored: list[tuple[Fraction, int, str, str, rollup.Cell]] = []
    for _rough, (key, category), cell in rough:
        category_cell = categories[category]
        product_rate = Fraction(cell.returned_units, cell.units) if cell.units else Fraction(0)
        category_rate = Fraction(category_cell.returned_units, category_cell.units)
        scored.append(
            (cell.returned_units * product_rate / category_rate, cell.returned_units, key, category, cell)
        )
    scored.sort(key=lambda item: (-item[0], -item[1], item[2], item[3]))
    return scored[:TOP_PRODUCTS]


def _score(value: Fraction) -> str:
    """A priority score half-up to 2 places."""
    return str(metrics._round(value, 2))


def _product_cells(
    filters: Filters, categories: dict[str, rollup.Cell]
) -> dict[tuple[str, str], rollup.Cell]:
    """Per (product, category) within the filters, the products that may be among the top ones: the
    database sums a store's many products and ranks them by the rough score, handing back the best
    ``CANDIDATES`` of the catalogue's products and of SKUs each (all of them when the last is within a
    hair of the ``TOP_PRODUCTS``-th: ties): the top ones are among them."""
    factors = {
        name: cell.units / cell.returned_units for name, cell in categories.items() if cell.returned_units
    }
    if not factors:
        return {}
    found: dict[tuple[str, str], rollup.Cell] = {}
    for dimension in (rollup.PRODUCT, rollup.SKU):
        found.update(_ranked_cells(filters, dimension, factors, categories))
    return found


def _ranked_cells(
    filters: Filters, dimension: str, factors: dict[str, float], categories: dict[str, rollup.Cell]
) -> dict[tuple[str, str], rollup.Cell]:
    """``_product_cells`` of one dimension (catalogue products, or SKUs)."""
    # Only products with returns (so only categories with a factor): the categories are not named in
    # the query, which made PostgreSQL read the period once per category.
    rows = breakdown_rows(
        filters,
        dimension,
        ("key", "category"),
        measures=("units", "returned_units", "returned_value"),
        returned_only=True,
    )
    # The sums of the rows (their annotations, named as the columns they sum).
    returned = Cast(F("returned_units"), FloatField())
    factor = Case(
        *(When(category=name, then=Value(value)) for name, value in factors.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    ranked = rows.annotate(
        rough=Case(
            When(GreaterThan(F("units"), 0), then=returned * returned / F("units") * factor),
            default=Value(0.0),
            output_field=FloatField(),
        )
    ).order_by("-rough", "key", "category")
    # A long period groups a few hundred thousand cells: in memory, not spilled to disk (PostgreSQL).
    with work_mem(GROUPING_MEMORY_MB, using=rows.db):
        found = {(row["key"], row["category"]): cell_of(row) for row in ranked[:CANDIDATES]}
        if len(found) == CANDIDATES:
            scores = sorted(
                rough_score(cell, categories[category]) for (_key, category), cell in found.items()
            )
            if scores[0] >= scores[-TOP_PRODUCTS] * (1 - 2e-9):  # the cut may fall among ties: read all
                found = {(row["key"], row["category"]): cell_of(row) for row in rows}
    return found


def rough_score(cell: rollup.Cell, category: rollup.Cell) -> float:
    """A product's priority score as a float (to rank many products fast; the top ones are then scored
    exactly)."""
    if not cell.units:
        return 0.0
    return cell.returned_units**2 * category.units / (cell.units * category.returned_units)


def product_names(keys: Iterable[str]) -> dict[str, str]:
    ids = [int(key) for key in keys if key.isdigit()]
    names = {str(pk): title for pk, title in Product.objects.filter(pk__in=ids).values_list("pk", "title")}
    names.update({key: key.removeprefix("sku:") for key in keys if key.startswith("sku:")})
    return names


def sellers_table(filters: Filters, sellers: dict[str, rollup.Cell]) -> Table:
    """Rates per seller, and the share of its returned units given a reason that is the seller's fault
    (defective, damaged in transit, wrong item, not as described)."""
    fault = _fault_units(filters)
    rows = rate_rows(sellers.items(), filters.currency, "seller")
    for row in rows:
        cell = sellers[row["seller"]]
        row["seller_fault_share"] = ratio(fault.get(row["seller"], 0), cell.returned_units)
    return Table(
        "by_seller",
        _("Return rate by seller"),
        (
            Column("seller", _("Seller")),
            *RATE_COLUMNS,
            Column("seller_fault_share", _("Seller's fault"), Kind.RATIO),
        ),
        rows,
        chart=rates_chart(_("Return rate by seller"), "seller", _("Seller"), over_time=False),
        chart_rows=long_rows(
            [{**row, "seller": row["seller"] or str(_("(the store)"))} for row in rows], "seller"
        ),
    )


def _fault_units(filters: Filters) -> dict[str, int]:
    """Per seller, its returned units given a reason that is the seller's fault."""
    units: dict[str, int] = {}
    for (seller, reason), cell in breakdown(filters, rollup.REASON, ("seller", "key")).items():
        if reason in SELLER_FAULT_REASONS:
            units[seller] = units.get(seller, 0) + cell.returned_units
    return units


def reasons_table(filters: Filters) -> Table:
    reasons = grouped(filters, rollup.REASON)
    all_units = sum(cell.returned_units for cell in reasons.values())
    fault_units = sum(cell.returned_units for key, cell in reasons.items() if key in SELLER_FAULT_REASONS)
    rows = [
        {
            "reason": key,
            "returned_units": cell.returned_units,
            "returned_value": money(cell.returned_value, filters.currency),
            "share": ratio(cell.returned_units, all_units),
            "seller_fault": key in SELLER_FAULT_REASONS,
        }
        for key, cell in sorted(reasons.items(), key=lambda item: (-item[1].returned_units, item[0]))
        if cell.returned_units
    ]
    table = bar_table(
        "by_reason",
        _("Returns by reason"),
        (
            Column("reason", _("Reason")),
            Column("returned_units", _("Returned units"), Kind.COUNT),
            Column("returned_value", _("Returned value"), Kind.MONEY),
            Column("share", _("Share of returned units"), Kind.RATIO),
            Column("seller_fault", _("Seller's fault"), Kind.BOOL),
        ),
        rows,
        value="share",
        label="reason",
        value_format=".0%",
    )
    table.note = _("Seller's fault: %(share)s of returned units.") % {"share": ratio(fault_units, all_units)}
    return table


PAGE = register(
    Page(
        NAME,
        _("Return rates"),
        build,
        _("Which products, sellers, reasons and customers returns come from."),
    )
)
