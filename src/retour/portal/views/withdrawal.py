"""The EU withdrawal function (Directive 2011/83/EU art. 11a, as Directive 2023/2673 added it): from the
order, "Withdraw from contract here", then a page to confirm who withdraws from what, "Confirm
withdrawal", then an acknowledgement on screen and by email with the date and time."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour.core.errors import DomainError
from retour.portal import access
from retour.portal.forms import WithdrawalForm
from retour.portal.views.common import page
from retour.returns.models import Withdrawal
from retour.returns.services.withdrawing import withdraw, withdrawable

KEY = "retour_portal_withdrawal"


@require_http_methods(["GET", "POST"])
def withdrawal(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access.order_for(request, order_id)
    chosen = (
        {int(pk) for pk in request.POST.getlist("lines") if pk.isdigit()}
        if request.method == "POST"
        else set()
    )
    keys = dict(request.session.get(KEY, {}))
    key = keys.setdefault(str(order.pk), uuid.uuid4().hex)  # made with the page: two clicks share it
    earlier = Withdrawal.objects.filter(order=order, ret__request_key=f"withdrawal-{key}").first()
    if earlier is not None:
        same = chosen == set(earlier.ret.lines.values_list("order_line_id", flat=True))
        if request.method == "POST" and same:  # "Confirm withdrawal" clicked twice: the first one's page
            return redirect(reverse("portal:return", args=[earlier.ret.number]) + "?withdrawn=1")
        key = keys[str(order.pk)] = uuid.uuid4().hex  # that one was for other items: a new statement
    request.session[KEY] = keys
    covered = [item for item in withdrawable(order) if item.decision.legal_basis == "eu_withdrawal"]
    if not covered:
        raise Http404(_("The right of withdrawal covers nothing in this order any more."))
    customer = order.customer
    initial = {
        "name": f"{customer.first_name} {customer.last_name}".strip() if customer else "",
        "email": order.email or (customer.email if customer else ""),
    }
    form = WithdrawalForm(request.POST if request.method == "POST" else None, initial=initial)
    error = ""
    if request.method == "POST":
        if not chosen:
            error = _("Choose the items you withdraw from.")
        elif form.is_valid():
            try:
                statement = withdraw(
                    order,
                    sorted(chosen),
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=translation.get_language() or "",
                    request_key=f"withdrawal-{key}",
                )
            except DomainError as refused:
                error = refused.message
            else:
                return redirect(reverse("portal:return", args=[statement.ret.number]) + "?withdrawn=1")
    context = {"order": order, "form": form, "covered": covered, "chosen": chosen, "error": error}
    status = 400 if request.method == "POST" else 200
    return page(request, "portal/withdrawal.html", "withdrawal", context, status=status)
