"""A return's own page (the confirmation right after it was asked for, then its status), its label, its
drop-off code, its photos, and cancelling it while nothing is on its way."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from retour.core.errors import DomainError
from retour.core.money import Money
from retour.feedback import services as feedback
from retour.feedback.wording import form_context
from retour.logistics.codes import drop_off_payload, qr_svg
from retour.logistics.services import has_label, postage_paid, printed_label
from retour.logistics.tracking import delivered
from retour.portal import access, status, wording
from retour.portal.offers import locale
from retour.portal.views.common import page
from retour.refunds.services.paying import refunds_for
from retour.returns.domain import states
from retour.returns.models import Return, ReturnLine, ReturnPhoto, Withdrawal
from retour.returns.services import handling

# Until the parcel is on its way the shopper may change their mind; after that, it is the warehouse's.
REFUNDED = frozenset({"pending", "succeeded"})


def _timeline(ret: Return) -> list[tuple[datetime, str, str]]:
    """(when, what happened, why) for the events a shopper is told about, oldest first."""
    rows = []
    for event in ret.events.filter(kind__in=wording.EVENTS).order_by("at", "id"):
        why = event.reason if event.kind in ("rejected", "inspected", "cancelled", "expired") else ""
        rows.append(
            (timezone.localtime(event.at, ret.store.zone), wording.label(wording.EVENTS, event.kind), why)
        )
    return rows


def _refunds(ret: Return) -> list[tuple[str, str]]:
    """Each refund sent or on its way: what the shopper gets, store credit with its bonus."""
    return [
        (Money(refund.amount + refund.bonus, refund.currency).rounded().format(locale()), refund.status)
        for refund in refunds_for(ret)
        if refund.status in REFUNDED
    ]


def _withdrawal(ret: Return) -> Withdrawal | None:
    return Withdrawal.objects.filter(ret=ret).first()


@require_GET
def return_page(request: HttpRequest, number: str) -> HttpResponse:
    ret = access.return_for(request, number)
    lines = list(
        ReturnLine.objects.filter(ret=ret).select_related("order_line", "decision", "inspection_decision")
    )
    language = "fr" if (translation.get_language() or "en").startswith("fr") else "en"
    qr = ""
    if ret.return_method == Return.Method.DROP_OFF and ret.state == states.APPROVED:
        title = _("QR code of return %(number)s") % {"number": ret.number}
        qr = mark_safe(qr_svg(drop_off_payload(ret), title))  # noqa: S308 - segno writes it, escaping the title
    expected = status.expected(ret, lines)
    survey = feedback.survey_of(ret)
    context = {
        **form_context(),
        # Once the return is closed: its survey, answered here or from the emailed link (once either way).
        "survey": survey,
        "survey_answer": feedback.answer_of(survey) if survey is not None else None,
        "ret": ret,
        "order": ret.order,
        "state": wording.label(wording.STATES, ret.state),
        "lines": [
            (
                line,
                wording.label(wording.RESOLUTIONS, line.resolution),
                getattr(line.final_decision, f"explanation_{language}"),
            )
            for line in lines
        ],
        "timeline": _timeline(ret),
        "refunds": _refunds(ret),
        "expected": expected,
        "awaiting": ret.state in states.AWAITING_SHIPMENT and ret.return_method != Return.Method.KEEP,
        "ship_by": handling.ship_by(ret),
        "finished": ret.state in states.FINAL,
        "label": has_label(ret),
        "postage_paid": postage_paid(ret),
        "delivered": delivered(ret),
        "qr": qr,
        "cancellable": handling.can_cancel(ret)[0],
        "new": request.GET.get("new") == "1",
        "withdrawal": _withdrawal(ret),
        "photos": ReturnPhoto.objects.filter(line__ret=ret).order_by("id"),
    }
    return page(request, "portal/return.html", "confirmation" if context["new"] else "status", context)


@require_POST
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    ret = access.return_for(request, number)
    try:  # handling.cancel applies the one rule (returns/domain/states.cancellation) and says why not
        handling.cancel(ret, actor=None, reason=_("Cancelled by the shopper."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your return is cancelled. You can start a new one from your order."))
    return redirect("portal:return", number=ret.number)


@require_GET
def label(request: HttpRequest, number: str) -> HttpResponse:
    ret = access.return_for(request, number)
    try:
        pdf = printed_label(ret, (translation.get_language() or "")[:2])
    except DomainError as error:
        raise Http404(error.message) from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{ret.number}-label.pdf"'
    return response


@require_GET
def photo(request: HttpRequest, number: str, photo_id: int) -> FileResponse:
    """A return's photo, for the shopper whose order it is and for staff allowed to see returns; never
    from the web root (uploads live outside it)."""
    staff = request.user.is_authenticated and request.user.has_perm("returns.view_return")
    ret = (
        Return.objects.filter(number=number.upper()).first() if staff else access.return_for(request, number)
    )
    found = ReturnPhoto.objects.filter(pk=photo_id, line__ret=ret).first() if ret is not None else None
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
