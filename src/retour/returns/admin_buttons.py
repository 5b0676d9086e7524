"""The buttons on a return's page in the admin: the list's actions, for this one return, as its state and
the staff member's permissions allow. A button that does not apply is not shown, and a press that no
longer applies (a second click, a page left open while someone else acted) does nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.errors import DomainError
from retour.returns.domain import states
from retour.returns.models import Return, ReturnLine
from retour.returns.services import handling, notes

if TYPE_CHECKING:
    from retour.returns.admin import ReturnAdmin

APPROVE, RECEIVE, REFUND = "returns.approve_return", "returns.receive_return", "returns.refund_return"


@dataclass(frozen=True)
class Button:
    action: str  # the name of the list's admin action it runs
    label: Promise
    permission: str
    field: str = ""  # "note" or "sku": what is typed beside the button


BUTTONS = {
    button.action: button
    for button in (
        Button("approve_selected", gettext_lazy("Approve"), APPROVE),
        Button("reject_selected", gettext_lazy("Reject"), APPROVE, field="note"),
        Button("mark_in_transit_selected", gettext_lazy("Mark in transit"), RECEIVE),
        Button("receive_selected", gettext_lazy("Receive every awaited line"), RECEIVE),
        Button("inspect_selected", gettext_lazy("Inspect: accept as reported"), RECEIVE),
        Button("exchange_selected", gettext_lazy("Send the exchange"), APPROVE, field="sku"),
        Button("close_exchanged_selected", gettext_lazy("Close as exchanged"), APPROVE),
        Button("cancel_selected", gettext_lazy("Cancel the return"), APPROVE),
    )
}


def _applies(ret: Return) -> list[str]:
    """The actions that can move ``ret`` as it is now, in the order the work is done (the refunds app's
    admin puts its refund buttons first on an inspected return)."""
    state = ret.state
    found: list[str] = []
    if state == states.REQUESTED:
        found += ["approve_selected", "reject_selected"]
    if state in states.AWAITING_SHIPMENT:
        found.append("mark_in_transit_selected")
    if state in states.RECEIVING and ret.lines.filter(reception=ReturnLine.Reception.AWAITING).exists():
        found.append("receive_selected")
    if state == states.RECEIVED:
        found.append("inspect_selected")
    if state == states.INSPECTED:
        swaps = ret.lines.filter(resolution__in=["exchange", "replacement"])
        if swaps.filter(exchange__isnull=True).exists():
            found.append("exchange_selected")
        if ret.exchanges.exists():
            found.append("close_exchanged_selected")
    if handling.can_cancel(ret)[0]:
        found.append("cancel_selected")
    return found


def buttons_for(ret: Return, user: Any) -> list[Button]:
    return [BUTTONS[name] for name in _applies(ret) if user.has_perm(BUTTONS[name].permission)]


def press(admin: ReturnAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """POST only (the admin's CSRF check applies): run the pressed button's action on this return, once."""
    ret = admin.get_object(request, object_id)  # None for another store's or a malformed id
    if ret is None:
        raise Http404
    page = redirect("admin:returns_return_change", ret.pk)
    if request.method != "POST":
        return page
    name = request.POST.get("button", "")
    if request.POST.get("state") != ret.state:
        messages.info(request, _("%(number)s changed meanwhile: nothing was done again.") % {"number": ret})
        return page
    if name not in [button.action for button in admin.buttons_for(ret, request.user)]:
        messages.error(request, _("This action does not apply to %(number)s now.") % {"number": ret})
        return page
    getattr(admin, name)(request, admin.get_queryset(request).filter(pk=ret.pk))
    return page


def write_note(admin: ModelAdmin[Return], request: HttpRequest, object_id: str) -> HttpResponse:
    ret = admin.get_object(request, object_id)  # None for another store's or a malformed id
    if ret is None or not isinstance(request.user, AbstractBaseUser):  # the admin lets only staff in
        raise Http404
    if request.method == "POST":
        try:
            notes.add_note(ret, request.POST.get("text", ""), author=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Note added to %(number)s.") % {"number": ret})
    return redirect("admin:returns_return_change", ret.pk)
