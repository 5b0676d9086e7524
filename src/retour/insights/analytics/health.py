"""Product return health (issue 12, item 4), an analytics page: the products that come back far more
than their category (``domain.health``'s test, not a raw ratio), every product's rate against its
category's and its trend, the variants, reasons and words of the products worth a look, and what their
shoppers searched and read in the help center before returning them (``insights.product_health``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from retour.insights import product_health
from retour.insights.analytics.base import (
    Column,
    Figure,
    Filters,
    Kind,
    Page,
    Report,
    Table,
    bar_table,
    ratio,
    register,
)
from retour.insights.domain import health
from retour.policies.forms import REASON_LABELS

NAME = "product-health"
SHOWN = product_health.COMPARED  # products in the table of every product
VERDICTS = {
    health.FLAGGED: _("returns far more than its category"),
    health.NOT_FAR: _("close to its category"),
    health.NOT_SIGNIFICANT: _("above its category, but chance may explain it"),
    health.TOO_FEW: _("too few sales to judge"),
    health.NO_BASELINE: _("its category sold too little to compare"),
}


def _times(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _p_value(value: float | None) -> str:
    return "" if value is None else f"{value:.2g}"


def _reason(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


def _row(row: product_health.ProductRow) -> dict[str, Any]:
    previous = row.previous
    return {
        "product": row.title,
        "category": row.category,
        "units": row.units,
        "returned_units": row.returned,
        "return_rate": ratio(row.returned, row.units),
        "category_rate": ratio(row.baseline.returned, row.baseline.units),
        "times": _times(row.verdict.ratio),
        "p_value": _p_value(row.verdict.p_value),
        "previous_units": previous.units,
        "previous_rate": ratio(previous.returned, previous.units),
        "verdict": str(VERDICTS[row.verdict.code]),
        "top_reason": _reason(row.reasons[0][0]) if row.reasons else "",
    }


COLUMNS = (
    Column("product", _("Product")),
    Column("category", _("Category")),
    Column("units", _("Units sold"), Kind.COUNT),
    Column("returned_units", _("Returned units"), Kind.COUNT),
    Column("return_rate", _("Unit return rate"), Kind.RATIO),
    Column("category_rate", _("Its category's rate"), Kind.RATIO),
    Column("times", _("Times its category's")),
    Column("p_value", _("p-value")),
    Column("previous_units", _("Units sold the period before"), Kind.COUNT),
    Column("previous_rate", _("Rate the period before"), Kind.RATIO),
    Column("top_reason", _("Main reason")),
)


def build(filters: Filters) -> Report:
    days = (filters.end - filters.start).days
    scope = product_health.scope_of(
        filters.store, filters.start, filters.end, filters.seller, filters.category
    )
    previous = product_health.scope_of(
        filters.store, filters.shifted(days).start, filters.start, filters.seller, filters.category
    )
    found = product_health.measure(scope, previous=previous)
    judged = [row for row in found.products if row.verdict.p_value is not None]
    report = Report(NAME, PAGE.title, filters)
    report.figures = [
        Figure("products_judged", _("Products with enough sales to judge"), Kind.COUNT, len(judged)),
        Figure(
            "products_flagged",
            _("Products returned far more than their category"),
            Kind.COUNT,
            len(found.flagged),
        ),
        Figure("unit_return_rate", _("Unit return rate"), Kind.RATIO, ratio(found.returned, found.units)),
    ]
    flagged = [_row(row) for row in found.flagged]
    report.tables.append(
        bar_table(
            "health",
            _("Products that return far more than their category"),
            COLUMNS,
            flagged,
            value="times",
            label="product",
            note=_(
                "A product is listed when it sold at least %(units)d units, %(returned)d of them came back, "
                "its rate is at least %(ratio)s times its category's (without it), and a one-sided binomial "
                "test keeps it with the false discovery rate under %(rate)s %%."
            )
            % {
                "units": health.MIN_UNITS,
                "returned": health.MIN_RETURNED,
                "ratio": health.MIN_RATIO,
                "rate": int(health.FALSE_DISCOVERY * 100),
            },
        )
    )
    every = [_row(row) for row in found.products[:SHOWN]]
    report.tables.append(
        bar_table(
            "products",
            _("Most returned products against their category"),
            (*COLUMNS, Column("verdict", _("Verdict"))),
            every,
            value="return_rate",
            label="product",
            value_format=".0%",
            chart_rows=[{"product": row["product"], "return_rate": row["return_rate"]} for row in every[:15]],
        )
    )
    report.tables += _details(found.products[: product_health.DETAILS])  # those measure() looked into
    return report


def _details(rows: list[product_health.ProductRow]) -> list[Table]:
    variants = [
        {
            "product": row.title,
            "variant": variant.title,
            "units": variant.units,
            "returned_units": variant.returned,
            "return_rate": ratio(variant.returned, variant.units),
            "category_rate": ratio(row.baseline.returned, row.baseline.units),
            "times": _times(variant.verdict.ratio),
            "verdict": str(VERDICTS[variant.verdict.code]),
        }
        for row in rows
        for variant in row.variants
    ]
    reasons = [
        {"product": row.title, "reason": _reason(code), "returns": n}
        for row in rows
        for code, n in row.reasons
    ]
    words = [{"product": row.title, "word": word, "comments": n} for row in rows for word, n in row.words]
    visits = [
        {"product": row.title, "kind": str(_("search")), "text": text, "returns": n}
        for row in rows
        for text, n in row.searches
    ] + [
        {"product": row.title, "kind": str(_("article read")), "text": text, "returns": n}
        for row in rows
        for text, n in row.articles
    ]
    product = Column("product", _("Product"))
    return [
        Table(
            "variants",
            _("Variants"),
            (
                product,
                Column("variant", _("Variant")),
                Column("units", _("Units sold"), Kind.COUNT),
                Column("returned_units", _("Returned units"), Kind.COUNT),
                Column("return_rate", _("Unit return rate"), Kind.RATIO),
                Column("category_rate", _("Its category's rate"), Kind.RATIO),
                Column("times", _("Times its category's")),
                Column("verdict", _("Verdict")),
            ),
            variants,
            note=_(
                "Each variant against its product's category without the product, tested as products are."
            ),
        ),
        Table(
            "reasons",
            _("Top reasons"),
            (product, Column("reason", _("Reason")), Column("returns", _("Returned lines"), Kind.COUNT)),
            reasons,
        ),
        Table(
            "words",
            _("Words that come back in comments"),
            (product, Column("word", _("Word")), Column("comments", _("Comments"), Kind.COUNT)),
            words,
            note=_("Return comments and survey comments; a word counts once per comment."),
        ),
        Table(
            "help",
            _("Searched and read in the help center before returning"),
            (
                product,
                Column("kind", _("What")),
                Column("text", _("Search or article")),
                Column("returns", _("Returns it came before"), Kind.COUNT),
            ),
            visits,
            note=_(
                "What a better product page could have answered: the 30 days before each return was started."
            ),
        ),
    ]


PAGE = register(
    Page(
        NAME,
        _("Product return health"),
        build,
        _("Products returned far more than their category (tested); their reasons, words and help searches."),
        default_days=90,
    )
)
