"""What every portal page shares: the store it serves, the help beside each step, the flow's draft."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from retour.catalog.models import Store
from retour.helpcenter.visitors import remember_store
from retour.portal import help as step_help

DRAFT_KEY = "retour_portal_draft"
CONFIRMED_KEY = "retour_portal_confirmed"
# The screens from finding the order to the confirmation: never more than four.
STEPS = ("lookup", "items", "options", "confirmation")


def store_for(request: HttpRequest) -> Store | None:
    """The store named by ``?store=``, or the only one there is."""
    code = request.GET.get("store") or request.POST.get("store")
    if code:
        return Store.objects.filter(code=code[:64]).first()
    stores = list(Store.objects.all()[:2])
    return stores[0] if len(stores) == 1 else None


def page(
    request: HttpRequest, template: str, step: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    store = context.get("store") or getattr(context.get("order"), "store", None)
    if isinstance(store, Store):
        remember_store(request, store)  # the help center's pages then show this store's articles
    context = {
        **context,
        "step": step,
        "step_number": STEPS.index(step) + 1 if step in STEPS else None,
        "step_count": len(STEPS),
        "help_articles": step_help.articles_for(step, store=store if isinstance(store, Store) else None),
    }
    # Dates and times read as in the store's time zone (the template filters convert to the active one).
    with timezone.override(store.zone if isinstance(store, Store) else None):
        return render(request, template, context, status=status)


def draft(request: HttpRequest, order_id: int) -> dict[str, Any] | None:
    found = request.session.get(DRAFT_KEY, {}).get(str(order_id))
    return found if isinstance(found, dict) else None


def save_draft(request: HttpRequest, order_id: int, lines: list[dict[str, Any]]) -> None:
    """What the shopper picked on the items screen, with a key that makes confirming it idempotent."""
    drafts = dict(request.session.get(DRAFT_KEY, {}))
    previous = drafts.get(str(order_id)) or {}
    same = previous.get("lines") == lines
    drafts[str(order_id)] = {"key": previous.get("key") if same else uuid.uuid4().hex, "lines": lines}
    request.session[DRAFT_KEY] = drafts


def drop_draft(request: HttpRequest, order_id: int, *, confirmed: str = "") -> None:
    """Forget the draft; once confirmed, remember the return it made (a second click lands on it)."""
    drafts = dict(request.session.get(DRAFT_KEY, {}))
    drafts.pop(str(order_id), None)
    request.session[DRAFT_KEY] = drafts
    if confirmed:
        request.session[CONFIRMED_KEY] = {**request.session.get(CONFIRMED_KEY, {}), str(order_id): confirmed}


def confirmed(request: HttpRequest, order_id: int) -> str:
    """The number of the return this session last confirmed for the order, if any."""
    return str(request.session.get(CONFIRMED_KEY, {}).get(str(order_id), ""))
