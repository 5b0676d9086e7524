"""The refund liability and cash-flow forecast page of the back office, with its CSV file (issue 11, item 4).

The figures are ``insights.cashflow``'s, shaped by ``insights.forecast_report``: the same as
``retour report forecast`` and ``GET /api/v1/analytics/forecast`` for the same store and day.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from retour.catalog.models import Store
from retour.core.money import Money
from retour.core.spreadsheet import safe_rows
from retour.insights import cashflow, forecast_report
from retour.returns.models import Return

SEE = "insights.view_insightssettings"
COLUMNS = ("week", "owed_due", "pipeline", "coming", "new_orders", "expected", "low", "high", "sales")
# The chart, in the SVG's own units: a plot area beside the amount labels, a column a week.
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 680, 240, 80, 10, 30


class ForecastForm(forms.Form):
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("code"), label=gettext_lazy("Store"), empty_label=None
    )
    today = forms.DateField(
        label=gettext_lazy("As of (the last day known)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_today(self) -> Any:
        day = self.cleaned_data.get("today")
        if day is not None and not cashflow.EARLIEST <= day <= cashflow.LATEST:
            raise forms.ValidationError(
                _("The day must be between %(first)s and %(last)s.")
                % {"first": cashflow.EARLIEST.isoformat(), "last": cashflow.LATEST.isoformat()}
            )
        return day


def _form(request: HttpRequest) -> ForecastForm:
    store = Store.objects.order_by("code").first()
    defaults = {"store": str(store.pk)} if store is not None else {}
    return ForecastForm({**defaults, **request.GET.dict()})


def forecast_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The CSV: a header, then a row a week (the API's ``weeks``), amounts as decimal strings."""
    return [list(COLUMNS), *([week[column] for column in COLUMNS] for week in data["weeks"])]


def chart(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """The expected cash a week as a line inside its band (a polygon), what is owed now as bars, on one
    scale: SVG without script or style attribute (strict CSP, prints). Coordinates are strings written
    with a decimal point, so that no locale of the page turns them into "92,3"."""
    top = max((float(week["high"]) for week in weeks), default=0.0)
    top = max(top, max((float(week["owed_due"]) for week in weeks), default=0.0)) or 1.0
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(weeks), 1)

    def x(index: int) -> float:
        return LEFT + step * (index + 0.5)

    def y(value: str) -> float:
        return TOP + plot_h * (1 - float(value) / top)

    def n(value: float) -> str:
        return f"{value:.1f}"

    high = [f"{n(x(i))},{n(y(week['high']))}" for i, week in enumerate(weeks)]
    low = [f"{n(x(i))},{n(y(week['low']))}" for i, week in reversed(list(enumerate(weeks)))]
    return {
        "band": " ".join(high + low),
        "line": " ".join(f"{n(x(i))},{n(y(week['expected']))}" for i, week in enumerate(weeks)),
        "bars": [
            {
                "x": n(x(i) - step / 4),
                "y": n(y(week["owed_due"])),
                "width": n(step / 2),
                "height": n(TOP + plot_h - y(week["owed_due"])),
            }
            for i, week in enumerate(weeks)
        ],
        "ticks": [{"x": n(x(i)), "label": week["week"][5:]} for i, week in enumerate(weeks)],
        "axis_y": str(TOP + plot_h),
        "top_label_y": str(TOP + 10),
        "tick_y": str(HEIGHT - 8),
        "left": str(LEFT),
        "right": str(WIDTH - 10),
        "width": str(WIDTH),
        "height": str(HEIGHT),
    }


def _money(store: Store) -> Any:
    language = (translation.get_language() or "en")[:2]

    def money(value: str | Decimal) -> str:
        return Money(Decimal(value), store.currency).format(language)

    return money


@staff_member_required
@permission_required(SEE, raise_exception=True)
@require_http_methods(["GET"])
def forecast_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"title": _("Refunds owed and forecast"), "form": form}
    if form.is_valid():
        store = form.cleaned_data["store"]
        today = form.cleaned_data["today"] or cashflow.today_of(store)
        made, liability = cashflow.forecast(store, today), cashflow.owed_now(store, today)
        data = forecast_report.forecast_data(store, made, liability)
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="forecast-{store.code}-{today}.csv"'
            csv.writer(response).writerows(safe_rows(forecast_rows(data)))
            return response
        money = _money(store)
        weeks = data["weeks"]
        top = max([float(week["high"]) for week in weeks] + [float(week["owed_due"]) for week in weeks])
        context.update(
            {
                "store": store,
                "as_of": today,
                "owed_total": money(data["owed_now"]["total"]),
                "owed": [
                    {**owed, "state": Return.State(owed["state"]).label, "amount": money(owed["amount"])}
                    for owed in data["owed_now"]["returns"]
                ],
                "next_4": {key: money(value) for key, value in data["next_4_weeks"].items()},
                "weeks": [
                    {
                        **{key: money(week[key]) for key in COLUMNS[1:]},
                        "week": week["week"],
                        "share_of_sales": _share(week["expected"], week["sales"]),
                    }
                    for week in weeks
                ],
                "chart": chart(weeks),
                "chart_top": money(Decimal(repr(round(top, 2)))),
                "csv_query": request.GET.urlencode(),
            }
        )
    return render(request, "backoffice/analytics_forecast.html", context)


def _share(part: str, whole: str) -> str:
    if Decimal(whole) <= 0:
        return "-"
    text = f"{Decimal(part) / Decimal(whole) * 100:.1f}"
    french = (translation.get_language() or "").startswith("fr")
    return (text.replace(".", ",") if french else text) + "\u00a0%"
