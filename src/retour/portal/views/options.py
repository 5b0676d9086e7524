"""The options screen: for each item what the shopper gets and how, then "Confirm return"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour.core.errors import DomainError
from retour.helpcenter import visitors as helpcenter_visitors
from retour.orders.models import Order
from retour.portal import access
from retour.portal.offers import Offer, Summary, offers
from retour.portal.views.common import confirmed, draft, drop_draft, page
from retour.returns.models import Return, ReturnPhoto
from retour.returns.services.creating import KEEP, Decided, LineRequest, decide_lines, request_return
from retour.returns.services.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_LINE, add_photo


@dataclass
class Answers:
    requests: list[LineRequest] = field(default_factory=list)
    photos: dict[int, list] = field(default_factory=dict)  # type: ignore[type-arg]  # order line id -> uploads
    method: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message


def _requests(saved: dict[str, object]) -> list[LineRequest]:
    return [
        LineRequest(
            order_line_id=int(item["line"]),
            quantity=int(item["quantity"]),
            reason=str(item["reason"]),
            condition=str(item["condition"]),
            reason_text=str(item.get("details", "")),
        )
        for item in saved.get("lines", [])  # type: ignore[attr-defined]
    ]


def _read(request: HttpRequest, found: list[Offer], summary: Summary) -> Answers:
    answers = Answers()
    for offer in found:
        if not offer.eligible:
            continue
        key = offer.key
        chosen = request.POST.get(f"resolution-{key}", "")
        if chosen not in {c.resolution for c in offer.choices}:
            answers.errors[f"resolution-{key}"] = _("Choose what you would like for this item.")
            continue
        variant_id = None
        if chosen == "exchange":
            wanted = request.POST.get(f"variant-{key}", "")
            ids = {str(pk): pk for pk, _label in offer.variants}
            if wanted not in ids:
                answers.errors[f"variant-{key}"] = _("Choose the size or colour you would like instead.")
                continue
            variant_id = ids[wanted]
        uploads = request.FILES.getlist(f"photos-{key}")
        if len(uploads) > MAX_PHOTOS_PER_LINE:
            answers.errors[f"photos-{key}"] = _("At most %(max)d photos per item.") % {
                "max": MAX_PHOTOS_PER_LINE
            }
            continue
        if offer.photo_required and not uploads:
            answers.errors[f"photos-{key}"] = _("The store needs a photo of this item: add at least one.")
            continue
        item: Decided = offer.decided
        answers.requests.append(
            LineRequest(
                order_line_id=item.line.pk,
                quantity=item.request.quantity,
                reason=item.request.reason,
                condition=item.request.condition,
                resolution=chosen,
                reason_text=item.request.reason_text,
                exchange_variant_id=variant_id,
            )
        )
        answers.photos[item.line.pk] = list(uploads)
    shipped = any(r.resolution != KEEP for r in answers.requests)
    methods = {m for m, _label in summary.methods}
    answers.method = request.POST.get("method", "")
    if shipped and answers.method not in methods:
        answers.errors["method"] = _("Choose how you will send the items back.")
    return answers


def _confirm(order: Order, key: str, answers: Answers) -> Return:
    """Create the return and attach its photos, all or nothing."""
    stored: list[ReturnPhoto] = []
    try:
        with transaction.atomic():
            ret, created = request_return(
                order,
                answers.requests,
                channel=Return.Channel.PORTAL,
                language=translation.get_language() or "",
                return_method=answers.method,
                request_key=key,
            )
            if created:
                lines = {line.order_line_id: line for line in ret.lines.all()}
                for line_id, uploads in answers.photos.items():
                    for upload in uploads:
                        stored.append(add_photo(lines[line_id], upload))
    except Exception:
        for photo in stored:  # the rollback forgot their rows; their files must go too
            photo.file.delete(save=False)
        raise
    return ret


@require_http_methods(["GET", "POST"])
def options(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access.order_for(request, order_id)
    saved = draft(request, order.pk)
    if saved is None:
        done = confirmed(request, order.pk)  # a second click on "Confirm return"
        return redirect("portal:return", number=done) if done else redirect("portal:order", order_id=order.pk)
    try:
        decided = decide_lines(order, _requests(saved), now=timezone.now())
    except DomainError as error:  # the order changed meanwhile (another return took the units)
        drop_draft(request, order.pk)
        return page(
            request, "portal/order_changed.html", "options", {"order": order, "message": error.message}
        )
    found, summary = offers(order, decided)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and summary is not None:
        answers = _read(request, found, summary)
        errors = answers.errors
        if not errors:
            try:
                ret = _confirm(order, str(saved["key"]), answers)
            except DomainError as error:
                errors["form"] = error.message
            else:
                drop_draft(request, order.pk, confirmed=ret.number)
                helpcenter_visitors.return_started(request, ret.number)  # "read before a return" for staff
                return redirect(reverse("portal:return", args=[ret.number]) + "?new=1")
        status = 400
    context = {
        "order": order,
        "offers": found,
        "summary": summary,
        "errors": errors,
        "posted": request.POST if request.method == "POST" else {},
        "max_photos": MAX_PHOTOS_PER_LINE,
        "max_photo_mb": MAX_PHOTO_BYTES // 1_048_576,
    }
    return page(request, "portal/options.html", "options", context, status=status)
