"""Finding an order: its number with its email or postal code, or a link sent to its email."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from retour.catalog.models import Store
from retour.portal import access, throttle
from retour.portal.forms import LinkForm, LookupForm
from retour.portal.views.common import page, store_for


def _home(
    request: HttpRequest, store: Store | None, form: LookupForm, link_form: LinkForm, *, status: int = 200
) -> HttpResponse:
    context: dict[str, object] = {"store": store, "form": form, "link_form": link_form, "stores": []}
    if store is None:
        context["stores"] = list(Store.objects.order_by("name"))
    return page(request, "portal/lookup.html", "lookup", context, status=status)


def _too_many(verdict: throttle.Verdict) -> str:
    return _("Too many attempts. For your security, try again in %(minutes)d minutes.") % {
        "minutes": verdict.retry_in_minutes
    }


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    store = store_for(request)
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or store is None or not form.is_valid():
        return _home(
            request, store, form, LinkForm(), status=400 if form.is_bound and not form.is_valid() else 200
        )
    number, proof = form.cleaned_data["number"], form.cleaned_data["proof"]
    client, order_key = throttle.client_key(request), throttle.order_key(store.code, number)
    attempt = throttle.begin(client, order_key, postal="@" not in proof)
    if not attempt.verdict.allowed:
        form.add_error(None, _too_many(attempt.verdict))
        return _home(request, store, form, LinkForm(), status=429)
    order = access.find_order(store, number, proof)
    if order is not None:
        throttle.succeeded(attempt)
    if order is None:
        # The same answer whether the number is unknown or the email does not match it.
        form.add_error(
            None,
            _(
                "We could not find an order with these details. Check the order number and the email "
                "address or postal code, or ask for a link below."
            ),
        )
        return _home(request, store, form, LinkForm(), status=400)
    access.grant(request, order)
    return redirect("portal:order", order_id=order.pk)


@require_POST
def send_link(request: HttpRequest) -> HttpResponse:
    store = store_for(request)
    link_form = LinkForm(request.POST)
    if store is None or not link_form.is_valid():
        return _home(request, store, LookupForm(), link_form, status=400)
    number, email = link_form.cleaned_data["number"], link_form.cleaned_data["email"]
    # Lookups and guesses at the order number never block the link: it goes to the order's own address.
    verdict = throttle.ask_link(throttle.client_key(request), throttle.email_key(store.code, email))
    if not verdict.allowed:
        link_form.add_error(None, _too_many(verdict))
        return _home(request, store, LookupForm(), link_form, status=429)
    site = f"{request.scheme}://{request.get_host()}"
    access.send_link(store, number, email, language=translation.get_language() or "en", site=site)
    messages.info(
        request,
        _(
            "If an order with this number was placed with this email address, we have sent it a link. "
            "It works for 24 hours."
        ),
    )
    return redirect(f"{request.path.rsplit('link/', 1)[0]}?store={store.code}")


@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    order = access.order_from_token(token)
    if order is None:
        store = store_for(request)
        form = LookupForm()
        form.cleaned_data = {}  # add_error needs it, and an unbound form has none
        form.add_error(None, _("This link has expired or is not valid. Ask for a new one below."))
        return _home(request, store, form, LinkForm(), status=400)
    access.grant(request, order)
    return redirect("portal:order", order_id=order.pk)
