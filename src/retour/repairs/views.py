"""The repairer's pages (/repairer/): a repair partner's users, and a seller's accounts for the repairs
sent to that seller, see and update only those repairs: received, diagnosis, quote, repaired, shipped
back with tracking. Another repairer's repair is not found (404), exactly as one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from retour.core.errors import DomainError
from retour.repairs import queries
from retour.repairs.domain.states import REPAIRER, State
from retour.repairs.models import Repair
from retour.repairs.services import steps

View = Callable[..., HttpResponse]
# What a repairer may record, in the order of the journey.
REPAIRER_STEPS = (
    State.RECEIVED,
    State.DIAGNOSED,
    State.QUOTED,
    State.UNREPAIRABLE,
    State.REPAIRED,
    State.SHIPPED_BACK,
    State.DELIVERED,
)


class RepairerLoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not queries.is_repairer(user):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class RepairerLogin(LoginView):
    template_name = "repairs/login.html"
    authentication_form = RepairerLoginForm

    def get_default_redirect_url(self) -> str:
        return reverse("repairs:home")


class RepairerLogout(LogoutView):
    next_page = "repairs:login"


def repairer_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.is_repairer(request.user):
            return redirect(f"{reverse('repairs:login')}?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapped


def _repair(request: HttpRequest, number: str) -> Repair:
    found = queries.for_repairer_user(request.user).filter(number=number.strip().upper()[:16]).first()
    if found is None:
        raise Http404(_("There is no repair %(number)s.") % {"number": number})
    return found


@require_GET
@repairer_required
def home(request: HttpRequest) -> HttpResponse:
    repairs = [(r, queries.label(r.state)) for r in queries.for_repairer_user(request.user)[:200]]
    return render(request, "repairs/home.html", {"repairs": repairs})


@require_GET
@repairer_required
def repair_page(request: HttpRequest, number: str) -> HttpResponse:
    repair = _repair(request, number)
    journey = queries.journey(repair)
    options = [(s.value, queries.label(s.value)) for s in REPAIRER_STEPS]
    return render(request, "repairs/repair.html", {"repair": repair, "journey": journey, "steps": options})


@require_POST
@repairer_required
def update(request: HttpRequest, number: str) -> HttpResponse:
    repair = _repair(request, number)
    target = request.POST.get("step", "")[:32]
    if target not in {s.value for s in REPAIRER_STEPS}:
        messages.error(request, _("Choose a step."))
        return redirect("repairs:repair", number=repair.number)
    fields = {key: request.POST.get(key, "") for key in ("note", "tracking", "amount", "fee")}
    try:
        steps.update(repair, target, role=REPAIRER, actor=request.user, **fields)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved: the shopper is told."))
    return redirect("repairs:repair", number=repair.number)
