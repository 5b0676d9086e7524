"""The seller portal (/seller/): a seller's staff see their own orders, returns, claims and money only.

Every object is read through ``sellers.queries`` for the signed-in account's seller: another seller's
object, or the marketplace's own, is not found (404) exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, LogoutView
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from retour.api.models import ApiToken
from retour.catalog.models import Seller
from retour.claims.domain import states as claim_states
from retour.claims.models import Claim, ClaimPhoto
from retour.claims.queries import claim_rate
from retour.claims.services import deciding, money
from retour.core.errors import DomainError
from retour.orders.models import Order
from retour.returns.models import Return, ReturnLine
from retour.returns.services import handling
from retour.sellers import queries
from retour.sellers.errors import InvitationInvalid
from retour.sellers.services import accounts, evidence

View = Callable[..., HttpResponse | FileResponse]


class SellerLoginForm(AuthenticationForm):
    """Django's login, for seller accounts only: staff sign in to the back office."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if accounts.seller_of(user) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class SellerLogin(LoginView):
    template_name = "sellers/login.html"
    authentication_form = SellerLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("sellers:home")


class SellerLogout(LogoutView):
    next_page = "sellers:login"


def seller_required(view: View) -> View:
    """The signed-in seller account's seller as ``seller``; anyone else goes to the seller login."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse | FileResponse:
        seller = accounts.seller_of(request.user)
        if seller is None:
            return redirect(f"{reverse('sellers:login')}?next={request.path}")
        return view(request, seller, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, seller: Seller, template: str, context: dict[str, Any]) -> HttpResponse:
    # Dates and times as in the store's time zone, for this page only (activate would outlive the request).
    with timezone.override(seller.store.zone):
        return render(request, template, {"seller": seller, **context})


def _claim(seller: Seller, number: str) -> Claim:
    found = queries.claims_of(seller).select_related("order", "store").filter(number=number.upper()).first()
    if found is None:
        raise Http404(_("There is no claim %(number)s.") % {"number": number})
    return found


def _return(seller: Seller, number: str) -> Return:
    found = queries.returns_of(seller).select_related("order", "store").filter(number=number.upper()).first()
    if found is None:
        raise Http404(_("There is no return %(number)s.") % {"number": number})
    return found


def _order(seller: Seller, order_id: int) -> Order:
    found = queries.orders_of(seller).filter(pk=order_id).first()
    if found is None:
        raise Http404(_("There is no such order."))
    return found


def _member(request: HttpRequest) -> User:
    """The signed-in seller account (``seller_required`` let only those in)."""
    assert isinstance(request.user, User)
    return request.user


LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def _locale() -> str:
    return LOCALES["fr" if (get_language() or "en").startswith("fr") else "en"]


def _amount(claim: Claim, value: Any) -> str:
    return claim.money(value).rounded().format(_locale())


def _rate(seller: Seller) -> dict[str, Any]:
    rate = claim_rate(seller)
    return {
        "claimed": rate.claimed_orders,
        "orders": rate.orders,
        "percent": f"{rate.rate * 100:.2f}",
        "at_risk": rate.at_risk,
    }


def _balances(seller: Seller) -> list[str]:
    currencies = {seller.store.currency, *queries.claims_of(seller).values_list("currency", flat=True)}
    return [money.seller_balance(seller, currency).format(_locale()) for currency in sorted(currencies)]


@require_GET
@seller_required
def home(request: HttpRequest, seller: Seller) -> HttpResponse:
    waiting = (
        queries.claims_of(seller).filter(state=claim_states.AWAITING_SELLER).order_by("respond_by", "id")
    )
    to_review = queries.returns_of(seller).filter(state="requested").order_by("created_at", "id")
    return _page(
        request,
        seller,
        "sellers/home.html",
        {
            "waiting": [
                (claim, _amount(claim, claim.claimable)) for claim in waiting.select_related("order")
            ],
            "to_review": to_review.select_related("order"),
            "rate": _rate(seller),
            "balances": _balances(seller),
            "now": timezone.now(),
        },
    )


@require_GET
@seller_required
def claims(request: HttpRequest, seller: Seller) -> HttpResponse:
    found = queries.claims_of(seller).select_related("order").order_by("-filed_at", "-id")[:200]
    return _page(request, seller, "sellers/claims.html", {"claims": found, "now": timezone.now()})


@require_GET
@seller_required
def claim_page(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    claim = _claim(seller, number)
    now = timezone.now()
    can_answer = claim.state == claim_states.AWAITING_SELLER and now <= claim.respond_by
    can_appeal = (
        claim.state in claim_states.APPEALABLE
        and claim.appealed_at is None
        and claim.decided_at is not None
        and now <= claim.decided_at + timedelta(hours=claim_states.APPEAL_HOURS)
    )
    return _page(
        request,
        seller,
        "sellers/claim.html",
        {
            "claim": claim,
            "state": Claim.State(claim.state).label,
            "type": Claim.Type(claim.claim_type).label,
            "lines": [
                (line, _amount(claim, line.amount)) for line in claim.lines.select_related("order_line")
            ],
            "claimable": _amount(claim, claim.claimable),
            "payout": _amount(claim, claim.payout),
            "photos": ClaimPhoto.objects.filter(claim=claim, party=Claim.Party.SELLER),
            "buyer_photos": ClaimPhoto.objects.filter(claim=claim, party=Claim.Party.BUYER),
            "events": claim.events.order_by("at", "id"),
            "can_answer": can_answer,
            "can_appeal": can_appeal,
            "now": now,
        },
    )


def _instant(value: str, seller: Seller) -> datetime | None:
    parsed = parse_datetime(value.strip()) if value.strip() else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, seller.store.zone)
    return parsed


@require_POST
@seller_required
def respond(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    claim = _claim(seller, number)
    kind = request.POST.get("kind", "")
    delivered_raw = request.POST.get("delivered_at", "")
    delivered_at = _instant(delivered_raw, seller)
    try:
        if delivered_raw.strip() and delivered_at is None:
            raise DomainError(_("Give the delivery date and time as shown, e.g. 2026-03-12 14:30."))
        answer = deciding.Answer(
            kind=kind,
            tracking_number=request.POST.get("tracking_number", ""),
            proof_of_delivery=request.POST.get("proof_of_delivery") == "on",
            delivered_at=delivered_at,
            message=request.POST.get("message", ""),
        )
        if kind == deciding.REFUND:
            deciding.respond(claim, answer, actor=request.user)
            messages.success(request, _("You refunded the buyer in full: the claim is closed."))
        else:
            evidence.answer_with_evidence(claim, answer, request.FILES.getlist("photos"), actor=request.user)
            messages.success(request, _("Your answer was sent: the marketplace decides on the evidence."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("sellers:claim", claim.number)


@require_POST
@seller_required
def appeal(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    claim = _claim(seller, number)
    try:
        deciding.appeal(claim, Claim.Party.SELLER, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("Your appeal was sent: the marketplace decides it."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("sellers:claim", claim.number)


@require_GET
@seller_required
def evidence_photo(
    request: HttpRequest, seller: Seller, number: str, photo_id: int
) -> HttpResponse | FileResponse:
    claim = _claim(seller, number)
    photo = ClaimPhoto.objects.filter(claim=claim, pk=photo_id).first()
    if photo is None:
        raise Http404(_("There is no such photo."))
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@require_GET
@seller_required
def returns(request: HttpRequest, seller: Seller) -> HttpResponse:
    found = queries.returns_of(seller).select_related("order").order_by("-created_at", "-id")[:200]
    return _page(request, seller, "sellers/returns.html", {"returns": found})


@require_GET
@seller_required
def return_page(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    ret = _return(seller, number)
    lines = ReturnLine.objects.filter(ret=ret).select_related("order_line")
    return _page(
        request,
        seller,
        "sellers/return.html",
        {
            "ret": ret,
            "state": Return.State(ret.state).label,
            "lines": lines,
            "events": ret.events.order_by("at", "id"),
        },
    )


@require_POST
@seller_required
def authorise(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    ret = _return(seller, number)
    try:
        handling.approve(ret, actor=request.user, note=request.POST.get("note", "")[:2000])
        messages.success(request, _("Return authorised: the buyer is told how to send it back."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("sellers:return", ret.number)


@require_POST
@seller_required
def refuse(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    ret = _return(seller, number)
    try:
        handling.reject(ret, actor=request.user, reason=request.POST.get("reason", "")[:2000])
        messages.success(request, _("Return refused: the buyer reads your reason."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("sellers:return", ret.number)


@require_GET
@seller_required
def orders(request: HttpRequest, seller: Seller) -> HttpResponse:
    found = queries.orders_of(seller).order_by("-ordered_at", "-id")[:200]
    return _page(request, seller, "sellers/orders.html", {"orders": found})


@require_GET
@seller_required
def order_page(request: HttpRequest, seller: Seller, order_id: int) -> HttpResponse:
    order = _order(seller, order_id)
    return _page(
        request,
        seller,
        "sellers/order.html",
        {
            "order": order,
            "lines": queries.lines_of(seller, order),
            "returns": queries.returns_of(seller).filter(order=order),
            "claims": queries.claims_of(seller).filter(order=order),
        },
    )


@require_GET
@seller_required
def money_page(request: HttpRequest, seller: Seller) -> HttpResponse:
    return _page(
        request,
        seller,
        "sellers/money.html",
        {
            "balances": _balances(seller),
            "movements": [
                (move.at, move.memo, move.amount.format(_locale())) for move in money.seller_statement(seller)
            ],
            "rate": _rate(seller),
        },
    )


@require_http_methods(["GET", "POST"])
@seller_required
def tokens(request: HttpRequest, seller: Seller) -> HttpResponse:
    shown = ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100]
        _record, shown = ApiToken.issue(_member(request), name, store=seller.store)
        messages.success(request, _("Copy the token now: it is shown only once."))
    found = ApiToken.objects.filter(user=_member(request), revoked_at__isnull=True)
    return _page(request, seller, "sellers/tokens.html", {"tokens": found, "shown": shown})


@require_POST
@seller_required
def revoke_token(request: HttpRequest, seller: Seller, token_id: int) -> HttpResponse:
    found = ApiToken.objects.filter(user=_member(request), pk=token_id, revoked_at__isnull=True).first()
    if found is None:
        raise Http404(_("There is no such token."))
    found.revoked_at = timezone.now()
    found.save(update_fields=["revoked_at"])
    messages.success(request, _("Token revoked."))
    return redirect("sellers:tokens")


class PasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=128)
    again = forms.CharField(label=gettext_lazy("Password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("again"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's one-time link: choose a password, and you are signed in."""
    try:
        invitation = accounts.open_invitation(token)
    except InvitationInvalid as error:
        return render(request, "sellers/accept.html", {"invalid": error.message}, status=404)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.accept(token, form.cleaned_data["password"])
        except InvitationInvalid as error:
            form.add_error("password", error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome: your seller account is ready."))
            return redirect("sellers:home")
    return render(request, "sellers/accept.html", {"invitation": invitation, "form": form})
