"""The back office's exports: a store's returns, refunds or claims of a period, downloaded as a file.

The file is the one ``retour export`` writes and ``GET /api/v1/exports/{dataset}`` sends
(insights/exports.py),
streamed from the database a chunk at a time.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from retour.backoffice.access import stores_for
from retour.catalog.models import Store
from retour.insights import exports

DATASET_LABELS = {
    "returns": gettext_lazy("Returns (one row per returned line)"),
    "refunds": gettext_lazy("Refund payments"),
    "claims": gettext_lazy("Guarantee claims"),
}
FORMAT_LABELS = {"csv": gettext_lazy("CSV (spreadsheets)"), "jsonl": gettext_lazy("JSON Lines")}


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(label=gettext_lazy("What"), choices=list(DATASET_LABELS.items()))
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("code"), label=gettext_lazy("Store"), empty_label=None
    )
    start = forms.DateField(label=gettext_lazy("From (first day)"))
    end = forms.DateField(label=gettext_lazy("To (the day after)"))
    format = forms.ChoiceField(label=gettext_lazy("File format"), choices=list(FORMAT_LABELS.items()))

    def __init__(self, data: dict[str, Any] | None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        self.fields["store"].queryset = stores_for(user).order_by("code")  # type: ignore[attr-defined]
        allowed = [(name, label) for name, label in DATASET_LABELS.items() if self._may(name)]
        self.fields["dataset"].choices = allowed  # type: ignore[attr-defined]

    def _may(self, name: str) -> bool:
        return bool(self.user.has_perm(exports.DATASETS[name].permission))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            raise ValidationError(_("The period must end after it starts."))
        return data


@staff_member_required
@require_GET
def exports_page(request: HttpRequest) -> HttpResponseBase:
    if "dataset" not in request.GET:
        today = timezone.localdate()
        initial = {
            "start": (today.replace(day=1) - timedelta(days=1)).replace(day=1),
            "end": today.replace(day=1),
        }
        form = ExportForm(None, user=request.user)
        form.initial = initial
        return render(request, "backoffice/exports.html", {"form": form, "title": _("Exports")})
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "backoffice/exports.html", {"form": form, "title": _("Exports")}, status=400)
    data = form.cleaned_data
    dataset, store = exports.DATASETS[data["dataset"]], data["store"]
    start: date = data["start"]
    end: date = data["end"]
    response = StreamingHttpResponse(
        exports.stream(dataset, store, start, end, data["format"]),
        content_type=exports.CONTENT_TYPES[data["format"]],
    )
    name = exports.filename(dataset, store, start, end, data["format"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
