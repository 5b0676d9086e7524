"""``/api/v1/analytics/``: the analytics' figures, the same as the pages, the CSV files and ``retour report``.

- ``GET cost-settings`` and ``PUT cost-settings``: the store's cost rates (all or nothing, each bad value
  named);
- ``GET forecast``: what is owed in refunds now and the cash refunds expected in the next 12 weeks
  (``retour report forecast``); ``GET forecast-backtest``: its WAPE at 1, 4 and 12 weeks.
- ``GET {name}``: any page of the back office's analytics (``dashboard``, ``return-rates``, ``outcomes``,
  ``cost``, ``chasing``…), its figures and tables as ``retour report NAME --json`` prints them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from retour.api.scope import one_store
from retour.api.v1.returns import require
from retour.core.errors import DomainError
from retour.insights import cashflow, forecast_report
from retour.insights.analytics.base import parse_filters
from retour.insights.analytics.pages import page
from retour.insights.services.cost_settings import FIELDS, settings_of, update_cost_settings

router = Router(tags=["analytics"])
SEE = "insights.view_insightssettings"
CHANGE = "insights.change_insightssettings"


class PeriodInvalid(DomainError):
    code = "period_invalid"
    status = 422


class CostSettingsIn(Schema):
    """Any of the rates, as decimal strings (amounts of zero or more, shares from 0 to 1)."""

    model_config = {"extra": "forbid"}

    handling_cost_per_unit: str | None = Field(None, max_length=40)
    tracking_cost_per_label: str | None = Field(None, max_length=40)
    insurance_cost_per_label: str | None = Field(None, max_length=40)
    insurance_share_of_value: str | None = Field(None, max_length=40)
    payment_fee_share: str | None = Field(None, max_length=40)
    payment_fee_per_refund: str | None = Field(None, max_length=40)
    recovery_refurbish: str | None = Field(None, max_length=40)
    recovery_liquidate: str | None = Field(None, max_length=40)
    recovery_scrap: str | None = Field(None, max_length=40)


def _settings(store_code: str | None, request: HttpRequest) -> dict[str, str]:
    row = settings_of(one_store(request, store_code))
    return {name: str(getattr(row, name)) for name in FIELDS}


@router.get("/cost-settings", response=dict[str, str], summary="The store's cost rates")
def cost_settings(request: HttpRequest, store: str | None = Query(None, max_length=64)) -> dict[str, str]:  # type: ignore[type-arg]
    require(request, SEE, _("You may not see the analytics."))
    return _settings(store, request)


@router.put("/cost-settings", response=dict[str, str], summary="Change the store's cost rates")
def change_cost_settings(
    request: HttpRequest,
    values: CostSettingsIn,
    store: str | None = Query(None, max_length=64),  # type: ignore[type-arg]
) -> dict[str, str]:
    """Any of the rates, as decimal strings: amounts of zero or more, shares from 0 to 1. All or nothing:
    a bad value is refused with every error named (``errors``: rate -> message) and nothing changes."""
    require(request, CHANGE, _("You may not change the cost settings."))
    update_cost_settings(one_store(request, store), values.model_dump(exclude_none=True))
    return _settings(store, request)


class ForecastQuery(Schema):
    store: str | None = Field(None, max_length=64)
    today: date | None = Field(
        None,
        ge=cashflow.EARLIEST,
        le=cashflow.LATEST,
        description="Forecast with what was known by the end of this day.",
    )


@router.get("/forecast", response=dict[str, Any], summary="Refunds owed now and expected in 12 weeks")
def forecast(request: HttpRequest, query: Query[ForecastQuery]) -> dict[str, Any]:
    """Owed now (each return approved and not paid, with the ETA model's dates), and by week: the cash
    expected from open returns, returns still to come, returns from new orders, with a 90 % band, beside
    the expected sales. Money as decimal strings in the store's currency."""
    require(request, SEE, _("You may not see the analytics."))
    store = one_store(request, query.store)
    today = query.today or cashflow.today_of(store)
    made = cashflow.forecast(store, today)
    return forecast_report.forecast_data(store, made, cashflow.owed_now(store, today))


@router.get("/forecast-backtest", response=dict[str, Any], summary="The refund forecast's backtest (WAPE)")
def forecast_backtest(request: HttpRequest, query: Query[ForecastQuery]) -> dict[str, Any]:
    """The forecast made each Monday of the last 26 weeks against what was then paid: the weighted absolute
    percentage error at 1, 4 and 12 weeks, as fractions (null when no forecast's horizon has passed)."""
    require(request, SEE, _("You may not see the analytics."))
    store = one_store(request, query.store)
    return forecast_report.backtest_data(cashflow.backtest(store, query.today or cashflow.today_of(store)))


class PageFilters(Schema):
    store: str | None = Field(None, max_length=64)
    start: date | None = Field(
        None, alias="from", description="The period's first day (default: the page's usual span up to today)."
    )
    end: date | None = Field(None, alias="to", description="The day after the period.")
    seller: str | None = Field(
        None, max_length=64, description="A seller's code (the store's own code: the store itself)."
    )
    category: str | None = Field(None, max_length=64)


class PageReport(Schema):
    page: str
    currency: str
    filters: dict[str, Any]
    figures: dict[str, dict[str, Any]]
    tables: dict[str, list[dict[str, Any]]]


# Last: the paths above (cost-settings, forecast…) answer first.
@router.get("/{name}", response=PageReport, summary="An analytics page's figures and tables")
def analytics_page(request: HttpRequest, name: str, filters: Query[PageFilters]) -> dict[str, Any]:
    """Orders placed in ``[from, to)`` (the store's days) and their returns, per the metrics spec: counts
    as numbers, ratios as decimal strings of 4 places, money as decimal strings in the store's currency;
    ``figures`` each with its value over the period before (``previous``) where the page shows a trend."""
    require(request, SEE, _("You may not see the analytics."))
    store = one_store(request, filters.store)
    found = page(name)
    chosen = parse_filters(
        store, filters.start, filters.end, filters.seller, filters.category, default_days=found.default_days
    )
    return found.build(chosen).as_json()
