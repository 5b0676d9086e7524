"""Staff pages of the abuse signals: the review queue with each return's score and its reasons, where
staff mark a return fraud or legitimate (``abuse.services``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour.abuse import services
from retour.abuse.domain.signals import REVIEW_AT
from retour.backoffice.access import store_ids
from retour.core.errors import DomainError
from retour.returns.models import Return


def _row(assessment: Any, language: str) -> dict[str, Any]:
    ret = assessment.ret
    return {
        "ret": ret,
        "customer": ret.customer.email if ret.customer is not None else ret.order.email,
        "data": services.assessment_data(assessment, language),
        "url": reverse("admin:returns_return_change", args=[ret.pk]),
    }


@staff_member_required
@permission_required("returns.view_return", raise_exception=True)
@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Returns waiting for review, the highest abuse score first, with the reasons behind each score."""
    limited = store_ids(request.user)
    if request.method == "POST":
        return _mark(request, limited)
    language = translation.get_language() or "en"
    rows = [_row(row, language) for row in services.review_queue(None if limited is None else list(limited))]
    return render(
        request,
        "backoffice/abuse_review.html",
        {
            "title": _("Review queue: abuse signals"),
            "rows": rows,
            "review_at": REVIEW_AT,
            "may_judge": request.user.has_perm("returns.approve_return"),
        },
    )


def _mark(request: HttpRequest, limited: frozenset[int] | None) -> HttpResponse:
    if not request.user.has_perm("returns.approve_return"):
        messages.error(request, _("You may not judge returns."))
        return HttpResponseRedirect(reverse("backoffice:abuse-review"))
    number = request.POST.get("number", "")[:16]
    ret = Return.objects.filter(number=number).first()
    if ret is None or (limited is not None and ret.store_id not in limited):
        messages.error(request, _("There is no return %(number)s.") % {"number": number})
        return HttpResponseRedirect(reverse("backoffice:abuse-review"))
    try:
        services.mark(
            ret, request.POST.get("verdict", ""), actor=request.user, note=request.POST.get("note", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your verdict on %(number)s is kept.") % {"number": ret.number})
    return HttpResponseRedirect(reverse("backoffice:abuse-review"))
