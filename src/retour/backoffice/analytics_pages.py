"""The cost-of-returns and chasing pages of the back office, with their CSV files (issue 11, items 3 and 5).

The figures are the queries' (``insights.cost_queries``, ``insights.chasing_queries``): the same as
``retour report cost|chasing`` and ``GET /api/v1/analytics/cost|chasing`` for the same filters.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from retour.backoffice.access import stores_for
from retour.catalog.models import Store
from retour.core.money import Money
from retour.core.spreadsheet import safe_rows
from retour.insights.chasing_queries import store_chasing
from retour.insights.cost_queries import Filters, store_cost
from retour.insights.cost_report import component_names

SEE = "insights.view_insightssettings"


class AnalyticsFilterForm(forms.Form):
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("code"), label=gettext_lazy("Store"), empty_label=None
    )
    start = forms.DateField(label=gettext_lazy("From (first day)"))
    end = forms.DateField(label=gettext_lazy("To (the day after)"))
    seller = forms.CharField(label=gettext_lazy("Seller (code)"), required=False, max_length=64)
    category = forms.CharField(label=gettext_lazy("Category"), required=False, max_length=64)

    def __init__(self, data: dict[str, Any], *, user: Any) -> None:
        super().__init__(data)
        # A staff member limited to some stores chooses among those only; another store is not a choice.
        self.fields["store"].queryset = stores_for(user).order_by("code")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            raise ValidationError(_("The period must end after it starts."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(seller=data["seller"] or None, category=data["category"] or None)


def _form(request: HttpRequest) -> AnalyticsFilterForm:
    store = stores_for(request.user).order_by("code").first()
    today = timezone.localdate(timezone=store.zone) if store is not None else date.today()
    defaults = {
        "start": (today - timedelta(days=90)).isoformat(),
        "end": (today + timedelta(days=1)).isoformat(),
    }
    if store is not None:
        defaults["store"] = str(store.pk)
    return AnalyticsFilterForm({**defaults, **request.GET.dict()}, user=request.user)


def _csv(name: str, rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    csv.writer(response).writerows(safe_rows(rows))
    return response


COST_COLUMNS = (
    "returns",
    "units",
    "returned_value",
    "labels",
    "handling",
    "tracking",
    "insurance",
    "payment_fees",
    "disposition_loss",
    "fees_charged",
    "net",
    "net_per_return",
    "net_per_unit",
    "share_of_value",
)


def cost_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The cost report as rows: a header, the total, then each category, seller and reason."""
    rows: list[list[Any]] = [["slice", "key", *COST_COLUMNS], ["total", "", *(data[c] for c in COST_COLUMNS)]]
    for slice_name in ("by_category", "by_seller", "by_reason"):
        for key, counts in data[slice_name].items():
            rows.append([slice_name.removeprefix("by_"), key, *(counts[c] for c in COST_COLUMNS)])
    return rows


def chasing_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The chasing report as rows of (figure, key, value)."""
    days, refunds = data["days_to_ship"], data["refunds"]
    rows: list[list[Any]] = [["figure", "key", "value"]]
    rows += [[name, "", data[name]] for name in ("requested", "to_ship", "shipped", "shipped_share")]
    rows += [[f"days_to_ship_{name}", "", days[name]] for name in ("mean", "median", "p90")]
    rows += [["shipped_on_day", str(day), count] for day, count in enumerate(days["histogram"])]
    rows.append(["shipped_before_reminders", "", data["shipped_before_reminders"]])
    for day, counts in data["reminders"].items():
        rows += [[f"reminder_{name}", day, counts[name]] for name in ("reminded", "shipped_after", "share")]
    rows += [["expired", "", data["expired"]], ["expired_value", "", data["expired_value"]]]
    for name, value in refunds.items():
        if name != "histogram":
            rows.append([f"refunds_{name}", "", value])
    rows += [["refunded_on_day", str(day), count] for day, count in enumerate(refunds["histogram"])]
    return rows


BAR_WIDTH = 400  # the SVG's bar area, in its own units
BAR_HEIGHT = 22


def _bars(values: list[tuple[str, Any]], shown: list[str] | None = None) -> list[dict[str, Any]]:
    """The rows of a bar chart drawn as SVG (no script, no style attribute: it passes the strict CSP and
    prints), each with its length, position and number as shown."""
    top = max((abs(float(value)) for _label, value in values), default=0.0)
    return [
        {
            "label": label,
            "value": (shown or [str(v) for _l, v in values])[index],
            "length": round(BAR_WIDTH * abs(float(value)) / top) if top > 0 else 0,
            "y": index * BAR_HEIGHT,
            "text_y": index * BAR_HEIGHT + 15,
        }
        for index, (label, value) in enumerate(values)
    ]


def _money(store: Store) -> Any:
    language = (translation.get_language() or "en")[:2]

    def money(value: str) -> str:
        return Money(Decimal(value), store.currency).format(language)

    return money


def _percent(value: str) -> str:
    text = f"{Decimal(value) * 100:.2f}"
    french = (translation.get_language() or "").startswith("fr")
    return (text.replace(".", ",") if french else text) + "\u00a0%"


MONEY = ("returned_value", *COST_COLUMNS[3:13])


def _shown(counts: dict[str, Any], money: Any) -> dict[str, Any]:
    """A slice's figures as a person reads them: money in the store's currency and language, a percent."""
    return {
        **{key: counts[key] for key in ("returns", "units")},
        **{key: money(counts[key]) for key in MONEY},
        "share_of_value": _percent(counts["share_of_value"]),
    }


def _histogram(counts: list[int]) -> list[dict[str, Any]]:
    last = len(counts) - 1
    return _bars([(str(day) if day < last else f"{day}+", n) for day, n in enumerate(counts)])


@staff_member_required
@permission_required(SEE, raise_exception=True)
@require_http_methods(["GET"])
def cost_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"title": _("Cost of returns"), "form": form}
    if form.is_valid():
        store = form.cleaned_data["store"]
        found = store_cost(
            store, form.cleaned_data["start"], form.cleaned_data["end"], filters=form.filters()
        )
        data: dict[str, Any] = found.as_dict()
        if request.GET.get("format") == "csv":
            return _csv(f"cost-{store.code}-{found.period.start}", cost_rows(data))
        names = component_names()
        money = _money(store)
        costs = [key for key in names if key != "fees_charged"]
        context.update(
            {
                "store": store,
                "total": _shown(data, money),
                "components": [(names[key], money(data[key])) for key in names],
                "chart": _bars(
                    [(names[key], data[key]) for key in costs], [money(data[key]) for key in costs]
                ),
                "chart_height": BAR_HEIGHT * len(costs),
                "slices": [
                    (title, [(key or empty, _shown(counts, money)) for key, counts in data[name].items()])
                    for title, name, empty in (
                        (_("By category"), "by_category", _("(no category)")),
                        (_("By seller"), "by_seller", _("(the store)")),
                        (_("By reason"), "by_reason", "-"),
                    )
                ],
                "csv_query": request.GET.urlencode(),
            }
        )
    return render(request, "backoffice/analytics_cost.html", context)


@staff_member_required
@permission_required(SEE, raise_exception=True)
@require_http_methods(["GET"])
def chasing_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"title": _("Chasing and refund speed"), "form": form}
    if form.is_valid():
        store = form.cleaned_data["store"]
        found = store_chasing(
            store, form.cleaned_data["start"], form.cleaned_data["end"], filters=form.filters()
        )
        data: dict[str, Any] = found.as_dict()
        if request.GET.get("format") == "csv":
            return _csv(f"chasing-{store.code}-{found.period.start}", chasing_rows(data))
        money = _money(store)
        shipping = _histogram(data["days_to_ship"]["histogram"])
        refunds = _histogram(data["refunds"]["histogram"])
        context.update(
            {
                "store": store,
                "data": data,
                "shipped_share": _percent(data["shipped_share"]),
                "expired_value": money(data["expired_value"]),
                "surcharges_owed": money(data["refunds"]["surcharges_owed"]),
                "within_share": _percent(data["refunds"]["within_14_days_share"]),
                "reminders": [
                    (day, counts, _percent(counts["share"])) for day, counts in data["reminders"].items()
                ],
                "shipping_chart": shipping,
                "shipping_height": BAR_HEIGHT * len(shipping),
                "refund_chart": refunds,
                "refund_height": BAR_HEIGHT * len(refunds),
                "csv_query": request.GET.urlencode(),
            }
        )
    return render(request, "backoffice/analytics_chasing.html", context)
