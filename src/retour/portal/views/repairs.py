"""A repair's own page for the shopper: each step with its date, what comes next and by when, the law's
deadline, and the choices the shopper has now (a quote to accept or decline; a replacement or a refund
for an item that cannot be repaired; a refund or a price reduction once the repair is late)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from retour.core.errors import DomainError
from retour.portal import access
from retour.portal.views.common import page
from retour.repairs import queries
from retour.repairs.domain.states import SHOPPER
from retour.repairs.models import Repair
from retour.repairs.services import paying, steps


def _repair_for(request: HttpRequest, number: str) -> Repair:
    """The repair, if this session was granted its order (404 otherwise, as for its return)."""
    found = queries.find(number)
    if found is None:
        raise Http404
    access.return_for(request, found.ret.number)
    return found


@require_GET
def repair_page(request: HttpRequest, number: str) -> HttpResponse:
    repair = _repair_for(request, number)
    context = {
        "pay_key": secrets.token_urlsafe(16),  # one payment per page shown: a double click pays once
        "repair": repair,
        "journey": queries.journey(repair),
        "ret": repair.ret,
        "order": repair.ret.order,
    }
    return page(request, "portal/repair.html", "status", context)


@require_POST
def choose(request: HttpRequest, number: str) -> HttpResponse:
    """The shopper's choice: one of those the page offers, checked again by the service."""
    repair = _repair_for(request, number)
    choice = request.POST.get("choice", "")[:32]
    if choice not in queries.journey(repair).choices:
        messages.error(request, _("This choice is not open for this repair now."))
        return redirect("portal:repair", number=repair.number)
    try:
        steps.update(repair, choice, role=SHOPPER, actor=None, variant=request.POST.get("variant", "")[:64])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your choice is recorded; we have sent you an email."))
    return redirect("portal:repair", number=repair.number)


@require_POST
def pay(request: HttpRequest, number: str) -> HttpResponse:
    """Pay again what a failed charge left unpaid, once per page shown (its key)."""
    repair = _repair_for(request, number)
    try:
        charge, _created = paying.pay_again(repair, idempotency_key=request.POST.get("key", "")[:255])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if charge.status == "failed":
            messages.error(request, _("The payment failed again: nothing was taken."))
        else:
            messages.success(request, _("Thank you: your payment is recorded."))
    return redirect("portal:repair", number=repair.number)
