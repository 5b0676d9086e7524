"""The analytics pages of the back office: ``/backoffice/analytics/`` (the dashboard) and
``/backoffice/analytics/<name>/``, each with its filters, figures, charts drawn on the server (inline
SVG: no script), its tables and a CSV file per table. Staff who may see the analytics, in their stores."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from retour.backoffice.access import stores_for
from retour.catalog.models import Seller, Store
from retour.core.spreadsheet import safe_rows
from retour.insights.analytics import render as shown
from retour.insights.analytics.base import FilterError, Filters, Report, parse_filters
from retour.insights.analytics.pages import PAGES, page
from retour.insights.charts import svg_markup
from retour.insights.domain import rollup
from retour.insights.models import RollupCell

PERMISSION = "insights.view_insightssettings"  # as the API's analytics: Finance and Administrators


@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def analytics(request: HttpRequest, name: str = "dashboard") -> HttpResponse:
    try:
        found = page(name)
    except FilterError:
        raise Http404(name) from None
    stores = list(stores_for(request.user).order_by("code"))
    if not stores:
        raise Http404("no store")
    asked = request.GET.get("store")
    store = next((s for s in stores if s.code == asked), None) if asked else stores[0]
    if store is None:
        raise Http404(asked)  # another store's analytics are not found, as a store that does not exist
    error = ""
    try:
        filters = parse_filters(
            store,
            request.GET.get("from") or None,
            request.GET.get("to") or None,
            request.GET.get("seller"),
            request.GET.get("category"),
            default_days=found.default_days,
        )
    except FilterError as problem:
        error = problem.message
        filters = parse_filters(store, default_days=found.default_days)
    try:
        report = found.build(filters)
    except FilterError as problem:  # a page's own bound (the forecast's calendar): its default instead
        error = problem.message
        filters = parse_filters(store, default_days=found.default_days)
        report = found.build(filters)
    if request.GET.get("format") == "csv" and not error:
        return _csv(report, request.GET.get("table", ""))
    query = _query(filters)
    context: dict[str, Any] = {
        "title": str(report.title),
        "report": report,
        "error": error,
        "filters": filters,
        "seller_code": (filters.seller or _own_code(store)) if filters.seller is not None else "",
        "stores": stores,
        "sellers": list(
            Seller.objects.filter(store=store).order_by("name").values_list("code", "name", "kind")
        ),
        "categories": _categories(store),
        "pages": [
            *(
                {
                    "name": p.name,
                    "title": p.title,
                    "url": reverse("backoffice:analytics-page", args=[p.name]) + "?" + query,
                    "current": p.name == found.name,
                }
                # The dashboard first, then the pages as they were registered.
                for p in sorted(PAGES.values(), key=lambda p: p.name != "dashboard")
            ),
        ],
        "figures": [
            {
                "figure": figure,
                "value": shown.shown(figure.value, figure.kind, filters.currency),
                "previous": shown.shown(figure.previous, figure.kind, filters.currency)
                if figure.previous is not None
                else "",
                "change": shown.change(figure, filters.currency),
                "url": _page_url(figure.page, query),
            }
            for figure in report.figures
        ],
        "tables": [
            {
                "table": table,
                "id": f"chart-{table.key}",
                "svg": svg_markup(
                    table.chart,
                    table.chart_rows if table.chart_rows is not None else table.rows,
                    label_id=f"chart-{table.key}-title",
                )
                if table.chart is not None and table.rows
                else "",
                "headers": [column.label for column in table.columns],
                "numeric": [column.kind not in ("text", "date", "bool") for column in table.columns],
                "rows": shown.display_rows(table, filters.currency),
                "csv": "?" + query + "&" + urlencode({"format": "csv", "table": table.key}),
            }
            for table in report.tables
        ],
    }
    return render(request, "backoffice/analytics.html", context)


def _page_url(name: str, query: str) -> str:
    """The page a card links to, with the same filters ("" when no page has that name)."""
    if name in PAGES:
        return reverse("backoffice:analytics-page", args=[name]) + "?" + query
    return ""


def _query(filters: Filters) -> str:
    values = {"store": filters.store.code, "from": filters.start.isoformat(), "to": filters.end.isoformat()}
    if filters.seller is not None:
        values["seller"] = filters.seller or _own_code(filters.store)
    if filters.category is not None:
        values["category"] = filters.category
    return urlencode(values)


def _own_code(store: Store) -> str:
    return (
        Seller.objects.filter(store=store, kind=Seller.Kind.STORE).values_list("code", flat=True).first()
        or ""
    )


def _categories(store: Store) -> list[str]:
    return list(
        RollupCell.objects.filter(store=store, dimension=rollup.TOTAL, level=rollup.CATEGORY)
        .values_list("category", flat=True)
        .distinct()
        .order_by("category")
    )


def _csv(report: Report, key: str) -> HttpResponse:
    table = next((t for t in report.tables if t.key == key), None)
    if table is None:
        raise Http404(key)
    filters = report.filters
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{report.page}-{table.key}-{filters.store.code}-{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    csv.writer(response).writerows(safe_rows(shown.csv_rows(table)))
    return response
