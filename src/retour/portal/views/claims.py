"""The marketplace guarantee for the buyer: file a claim on one screen (type, items, message, photos),
then follow it on its own page: the seller's deadline, the evidence asked, the decision and why, the
payout and when it arrives, the appeal within 30 days. The rules decide (claims.services); these pages
only ask and show."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from retour.claims import queries
from retour.claims.domain import states
from retour.claims.errors import ClaimExists
from retour.claims.models import Claim, ClaimPhoto
from retour.claims.services import deciding, money, outlook
from retour.claims.services import photos as claim_photos
from retour.claims.services.filing import ClaimedLine, Filing, file_claim, filed_with
from retour.claims.wording import reason_text
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Order
from retour.portal import access, wording
from retour.portal.forms import AppealForm, ClaimForm
from retour.portal.offers import locale
from retour.portal.views.common import page

PHOTO_REQUIRED = "not_as_described"
KEY = re.compile(r"[0-9a-f]{32}")


def _language() -> str:
    return "fr" if (translation.get_language() or "").startswith("fr") else "en"


def type_sentence(seen: outlook.TypeOutlook, order: Order) -> tuple[str, str]:
    """What the buyer is told about one type of claim now, and where to go for the step it asks."""
    if seen.eligible:
        return _("You can file this claim now."), ""
    if seen.code == "too_early" and seen.file_from is not None:
        when = formats.date_format(timezone.localtime(seen.file_from, order.store.zone), "DATETIME_FORMAT")
        return _("You can file from %(when)s.") % {"when": when}, ""
    if seen.code == "contact_seller_first":
        link = reverse("portal:order", args=[order.pk]) + "#items"
        return _("Contact the seller first: ask for a return here."), link
    if seen.code == "unknown":
        return _("This order has no delivery estimate: contact us to claim."), ""
    return seen.explanation(_language()), ""


def _chosen(request: HttpRequest, outlooks: list[outlook.SellerOutlook]) -> outlook.SellerOutlook | None:
    """The seller the buyer claims against: named (``seller``), or the seller of a named item (``line``),
    or the first that can be claimed against."""
    raw_seller = request.GET.get("seller") or request.POST.get("seller") or ""
    raw_line = request.GET.get("line") or ""
    for found in outlooks:
        if raw_seller.isdigit() and found.seller.pk == int(raw_seller):
            return found
        if raw_line.isdigit() and any(line.pk == int(raw_line) for line in found.lines):
            return found
    if raw_seller or raw_line:
        return None
    return next((found for found in outlooks if found.can_file), outlooks[0] if outlooks else None)


@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, order_id: int) -> HttpResponse:
    """The claim, on one screen; filing it opens its page (the second screen)."""
    order = access.order_for(request, order_id)
    outlooks = outlook.for_order(order)
    chosen = _chosen(request, outlooks)
    if chosen is None:
        raise Http404
    open_types = [
        (t.claim_type, wording.label(wording.CLAIM_TYPES, t.claim_type)) for t in chosen.types if t.eligible
    ]
    lines = [(line.pk, line.title) for line in chosen.claimable_lines]
    error = ""
    if request.method == "POST":
        key = request.POST.get("key", "")
        filed = filed_with(order, f"portal-{key}") if KEY.fullmatch(key) else None
        if filed is not None:  # a second click on the same form: the claim it made
            return redirect("portal:claim", number=filed.number)
        form = ClaimForm(request.POST, types=open_types, lines=lines)
        if form.is_valid():
            done = _file(request, order, chosen, form)
            if isinstance(done, HttpResponse):
                return done
            error = done
        else:
            error = _("Some answers are missing: see the fields marked below.")
    else:
        wanted = request.GET.get("type", "")
        raw_line = request.GET.get("line", "")
        initial: dict[str, Any] = {
            "key": uuid.uuid4().hex,
            "claim_type": wanted if wanted in dict(open_types) else "",
            "lines": [int(raw_line)] if raw_line.isdigit() else [pk for pk, _title in lines],
        }
        form = ClaimForm(types=open_types, lines=lines, initial=initial)
    context = {
        "order": order,
        "outlook": chosen,
        "types": [
            (t, wording.label(wording.CLAIM_TYPES, t.claim_type), *type_sentence(t, order))
            for t in chosen.types
        ],
        "language": _language(),
        "form": form,
        "error": error,
        "max_photos": claim_photos.MAX_PHOTOS_PER_CLAIM,
        "max_photo_mb": claim_photos.MAX_PHOTO_BYTES // 1_048_576,
    }
    return page(request, "portal/claim_new.html", "claim", context, status=400 if error else 200)


def _file(
    request: HttpRequest, order: Any, chosen: outlook.SellerOutlook, form: ClaimForm
) -> HttpResponse | str:
    """File the claim with its photos, all or nothing; the page to go to, or the error to show."""
    data = form.cleaned_data
    uploads = request.FILES.getlist("photos")
    if data["claim_type"] == PHOTO_REQUIRED and not uploads:
        return _("Add at least one photo that shows the problem.")
    picked = [line for line in chosen.claimable_lines if line.pk in data["lines"]]
    stated = outlook.stated_from_returns(order, picked)
    filing = Filing(
        data["claim_type"],
        [ClaimedLine(line.pk, line.quantity) for line in picked],
        message=data["message"],
        language=_language(),
        stated=stated,
    )
    stored: list[ClaimPhoto] = []
    try:
        cleaned = claim_photos.read_photos(uploads)  # decoded before any lock is taken
        with transaction.atomic():
            claim, created = file_claim(
                order, filing, key=f"portal-{data['key']}", actor=None, channel=Claim.Channel.PORTAL
            )
            if created:
                stored = claim_photos.store_photos(claim, Claim.Party.BUYER, cleaned)
    except ClaimExists as error:
        messages.info(request, error.message)
        return redirect("portal:claim", number=error.details["claim"])
    except DomainError as error:
        for photo in stored:  # the rollback forgot their rows; their files must go too
            photo.file.delete(save=False)
        return error.message
    return redirect(f"{_claim_url(claim)}?new=1")


def _claim_url(claim: Claim) -> str:
    return reverse("portal:claim", args=[claim.number])


def _payout(claim: Claim) -> dict[str, Any] | None:
    status = money.payout_status(claim)
    if status == "none":
        return None
    return {
        "amount": Money(claim.payout, claim.currency).format(locale()),
        "status": status,
        "expected": queries.payout_expected(claim),
        "capped": claim.capped,
    }


def _timeline(claim: Claim) -> list[tuple[datetime, str, str]]:
    rows = []
    for event in claim.events.order_by("at", "id"):
        if event.kind not in wording.CLAIM_EVENTS:
            continue
        why = event.reason if event.kind in ("denied", "granted", "appealed", "appeal_upheld") else ""
        rows.append(
            (
                timezone.localtime(event.at, claim.store.zone),
                wording.label(wording.CLAIM_EVENTS, event.kind),
                why,
            )
        )
    return rows


@require_GET
def claim_page(request: HttpRequest, number: str) -> HttpResponse:
    claim = access.claim_for(request, number)
    now = timezone.now()
    photos = list(claim.photos.order_by("id"))
    context = {
        "claim": claim,
        "order": claim.order,
        "type": wording.label(wording.CLAIM_TYPES, claim.claim_type),
        "state": wording.label(wording.CLAIM_STATES, claim.state),
        "lines": list(claim.lines.select_related("order_line")),
        "evidence_asked": wording.label(wording.CLAIM_EVIDENCE, claim.claim_type),
        "waiting": claim.state == states.AWAITING_SELLER,
        "overdue": claim.state == states.AWAITING_SELLER and now > claim.respond_by,
        "buyer_photos": [p for p in photos if p.party == Claim.Party.BUYER],
        "seller_photos": [p for p in photos if p.party == Claim.Party.SELLER],
        "reason": reason_text(claim.decision_reason) if claim.decision else "",
        "payout": _payout(claim),
        "claimed": Money(claim.claimable, claim.currency).format(locale()),
        "appeal_open": states.appeal_open(claim.state, claim.decided_at, claim.appealed_at, now),
        "appeal_until": states.appeal_until(claim.decided_at) if claim.decided_at else None,
        "appeal_form": AppealForm(),
        "timeline": _timeline(claim),
        "new": request.GET.get("new") == "1",
    }
    return page(request, "portal/claim.html", "claim", context)


@require_POST
def claim_appeal(request: HttpRequest, number: str) -> HttpResponse:
    claim = access.claim_for(request, number)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("portal:claim", number=claim.number)
    try:
        deciding.appeal(claim, Claim.Party.BUYER, reason=form.cleaned_data["reason"], actor=None)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your appeal is received: staff look at your claim again."))
    return redirect("portal:claim", number=claim.number)


@require_GET
def claim_photo(request: HttpRequest, number: str, photo_id: int) -> FileResponse:
    """A claim's photo, for the buyer whose order it is and for staff allowed to see claims."""
    staff = request.user.is_authenticated and request.user.has_perm("claims.view_claim")
    claim = (
        Claim.objects.filter(number=number.upper()).first() if staff else access.claim_for(request, number)
    )
    found = ClaimPhoto.objects.filter(pk=photo_id, claim=claim).first() if claim is not None else None
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
