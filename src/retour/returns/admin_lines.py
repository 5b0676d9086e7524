"""The admin's per-line work on one return: receive each line (received, lost, wrong item; how many units)
and inspect each received line (graded condition, result, disposition), through the returns services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.errors import DomainError
from retour.policies.forms import CONDITION_LABELS
from retour.returns.domain import states
from retour.returns.models import Return, ReturnLine
from retour.returns.services import handling

LEAVE = ""
RECEPTIONS = [
    (LEAVE, gettext_lazy("leave as it is")),
    (ReturnLine.Reception.RECEIVED, ReturnLine.Reception.RECEIVED.label),
    (ReturnLine.Reception.LOST, ReturnLine.Reception.LOST.label),
    (ReturnLine.Reception.WRONG_ITEM, ReturnLine.Reception.WRONG_ITEM.label),
]
RESULTS = [
    (LEAVE, gettext_lazy("leave as it is")),
    (ReturnLine.Inspection.ACCEPTED, ReturnLine.Inspection.ACCEPTED.label),
    (ReturnLine.Inspection.REJECTED, ReturnLine.Inspection.REJECTED.label),
    (ReturnLine.Inspection.REVIEW, ReturnLine.Inspection.REVIEW.label),
]


class ReceiveLineForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Reception"), choices=RECEPTIONS, required=False)
    quantity = forms.IntegerField(label=gettext_lazy("Units received"), min_value=1, required=False)


class InspectLineForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=RESULTS, required=False)
    condition = forms.ChoiceField(
        label=gettext_lazy("Graded condition"), choices=list(CONDITION_LABELS.items())
    )
    disposition = forms.ChoiceField(
        label=gettext_lazy("Disposition"), choices=ReturnLine.Disposition.choices, required=False
    )


def receipts_from(forms_by_line: list[tuple[ReturnLine, ReceiveLineForm]]) -> list[handling.Receipt]:
    return [
        handling.Receipt(line.pk, form.cleaned_data["status"], form.cleaned_data["quantity"])
        for line, form in forms_by_line
        if form.cleaned_data["status"] != LEAVE
    ]


def gradings_from(forms_by_line: list[tuple[ReturnLine, InspectLineForm]]) -> list[handling.Grading]:
    return [
        handling.Grading(
            line.pk,
            form.cleaned_data["condition"],
            form.cleaned_data["result"],
            form.cleaned_data["disposition"],
        )
        for line, form in forms_by_line
        if form.cleaned_data["result"] != LEAVE
    ]


def _receive_forms(ret: Return, data: Any) -> list[tuple[ReturnLine, ReceiveLineForm]]:
    """A form for each line the warehouse may still record: awaited, or declared lost."""
    open_lines = ret.lines.select_related("order_line").filter(
        reception__in=[ReturnLine.Reception.AWAITING, ReturnLine.Reception.LOST]
    )
    return [
        (line, ReceiveLineForm(data, prefix=f"line-{line.pk}", initial={"quantity": line.quantity}))
        for line in open_lines
    ]


def _inspect_forms(ret: Return, data: Any) -> list[tuple[ReturnLine, InspectLineForm]]:
    """A form for each received line not graded for good yet (pending, or to review)."""
    to_grade = ret.lines.select_related("order_line").filter(
        reception=ReturnLine.Reception.RECEIVED,
        inspection__in=[ReturnLine.Inspection.PENDING, ReturnLine.Inspection.REVIEW],
    )
    return [
        (
            line,
            InspectLineForm(
                data,
                prefix=f"line-{line.pk}",
                initial={"condition": line.graded_condition or line.reported_condition},
            ),
        )
        for line in to_grade
    ]


def _save(request: HttpRequest, ret: Return, step: str, rows: list[Any]) -> bool:
    work: list[Any] = receipts_from(rows) if step == "receive" else gradings_from(rows)
    if not work:  # nothing chosen: never "every line" by default from this page
        messages.error(request, _("Choose what to record for at least one line."))
        return False
    try:
        if step == "receive":
            handling.receive(ret, work, actor=request.user)
        else:
            handling.inspect(ret, work, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    return True


def line_view(admin: ModelAdmin[Return], request: HttpRequest, object_id: str, step: str) -> HttpResponse:
    """``step`` is "receive" or "inspect"; both need the permission to receive returns."""
    if not request.user.has_perm("returns.receive_return"):
        raise PermissionDenied
    ret = get_object_or_404(admin.get_queryset(request).select_related("order", "store"), pk=object_id)
    data = request.POST if request.method == "POST" else None
    rows: list[Any] = _receive_forms(ret, data) if step == "receive" else _inspect_forms(ret, data)
    valid = data is not None and all(form.is_valid() for _line, form in rows)
    if valid and _save(request, ret, step, rows):
        messages.success(request, _("%(number)s saved.") % {"number": ret.number})
        return redirect(reverse("admin:returns_return_change", args=[ret.pk]))
    title = (
        _("Receive %(number)s line by line") if step == "receive" else _("Inspect %(number)s line by line")
    )
    context = {
        **admin.admin_site.each_context(request),
        "title": title % {"number": ret.number},
        "ret": ret,
        "rows": rows,
        "step": step,
        "opts": admin.opts,
        "can_receive": ret.state in states.RECEIVING,
        "can_inspect": ret.state == states.RECEIVED,
    }
    return TemplateResponse(request, "admin/returns/return/lines.html", context)
