"""Claims in the back office: the queue by the seller's deadline, a claim's evidence side by side, and the
decision (grant or deny, with the reason the buyer reads) and appeals, through the services only: the
records themselves are read-only (timeline, money)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.claims import queries
from retour.claims.domain import states
from retour.claims.models import Claim, ClaimEvent, ClaimLine, ClaimPhoto
from retour.claims.services import deciding, money
from retour.claims.services.filing import MAX_TEXT
from retour.claims.wording import reason_text
from retour.core.admin import ReadOnly
from retour.core.display import amount, amount_column, moment, time_column
from retour.core.errors import DomainError

AMOUNTS = ("item_price", "shipping_paid", "already_refunded", "claimable", "payout")
TIMES = (
    "filed_at",
    "respond_by",
    "responded_at",
    "delivered_at",
    "decided_at",
    "appealed_at",
    "appeal_decided_at",
    "created_at",
    "updated_at",
)


def _store_zone(row: Any) -> Any:
    return row.store.zone


def _verbose(name: str) -> Any:
    field = Claim._meta.get_field(name)
    return getattr(field, "verbose_name", name)


def _shown(name: str) -> str:
    """The read-only field that shows ``name``: its formatted column for an amount or a time."""
    return f"{name}_shown" if name in AMOUNTS or name in TIMES else name


class ClaimLineInline(ReadOnly, admin.TabularInline[ClaimLine, Claim]):
    model = ClaimLine
    fields = readonly_fields = ("order_line", "quantity", "paid")

    paid = amount_column("amount", gettext_lazy("paid for these units"), lambda row: row.claim.currency)
    extra = 0


class ClaimEventInline(ReadOnly, admin.TabularInline[ClaimEvent, Claim]):
    model = ClaimEvent
    fields = readonly_fields = ("when", "kind", "from_state", "to_state", "actor", "actor_label", "reason")

    when = time_column("at", gettext_lazy("at"), lambda row: row.claim.store.zone)
    extra = 0


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("granted", gettext_lazy("Grant: pay the buyer")), ("denied", gettext_lazy("Deny"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Reason, for the buyer"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The buyer reads it on their claim's page and in their email."),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AppealForm(forms.Form):
    party = forms.ChoiceField(label=gettext_lazy("Appealed by"), choices=Claim.Party.choices)
    reason = forms.CharField(
        label=gettext_lazy("Grounds of appeal"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("decide", gettext_lazy("to decide (seller answered, or appealed)")),
            ("awaiting", gettext_lazy("waiting for the seller")),
            ("overdue", gettext_lazy("seller's time is up")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() == "decide":
            return queryset.filter(state__in=[states.SELLER_RESPONDED, states.APPEALED])
        if self.value() == "awaiting":
            return queryset.filter(state=states.AWAITING_SELLER)
        if self.value() == "overdue":
            return queryset.filter(state=states.AWAITING_SELLER, respond_by__lt=timezone.now())
        return queryset


@admin.register(Claim)
class ClaimAdmin(StoreScoped[Claim], ReadOnly, admin.ModelAdmin[Claim]):
    list_display = [
        "number",
        "store",
        "seller",
        "claim_type",
        "state",
        "respond_by_shown",
        "time_left",
        "payout_shown",
        "funded_by",
    ]
    list_filter = [QueueFilter, "state", "claim_type", "funded_by", "store", "seller"]
    search_fields = ["number", "order__number", "seller__code"]
    ordering = ["respond_by", "id"]
    inlines = [ClaimLineInline, ClaimEventInline]
    readonly_fields = [_shown(field.name) for field in Claim._meta.fields]
    exclude = [*AMOUNTS, *TIMES]  # shown formatted: in the claim's currency, in the store's time zone
    locals().update(
        {f"{name}_shown": amount_column(name, _verbose(name)) for name in AMOUNTS}
        | {f"{name}_shown": time_column(name, _verbose(name), _store_zone) for name in TIMES}
    )
    change_form_template = "admin/claims/claim/change_form.html"
    change_list_template = "admin/claims/claim/change_list.html"

    @admin.display(description=gettext_lazy("seller's time left"))
    def time_left(self, claim: Claim) -> str:
        if claim.state != states.AWAITING_SELLER:
            return "—"
        left = claim.respond_by - timezone.now()
        if left.total_seconds() <= 0:
            return _("time is up")
        hours = int(left.total_seconds() // 3600)
        return _("%(hours)d h") % {"hours": hours}

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="claims_claim_decide",
            ),
            path(
                "<path:object_id>/appeal/",
                self.admin_site.admin_view(self.appeal_view),
                name="claims_claim_appeal",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        claim = self.get_object(request, object_id)  # None for another store's or a malformed id
        extra = {**(extra_context or {})}
        if claim is not None:
            extra.update(evidence(claim))
            can_decide = request.user.has_perm("claims.decide_claim")
            extra["decide_form"] = (
                DecideForm(initial={"key": uuid.uuid4().hex})
                if can_decide and claim.state in (*states.UNDECIDED, states.APPEALED)
                else None
            )
            now = timezone.now()
            appeal_open = states.appeal_open(claim.state, claim.decided_at, claim.appealed_at, now)
            extra["appeal_form"] = (
                AppealForm() if appeal_open and request.user.has_perm("claims.appeal_claim") else None
            )
        return super().change_view(request, object_id, form_url, extra)

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("claims.decide_claim"):
            raise PermissionDenied
        claim = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        if request.method != "POST":
            return back
        form = DecideForm(request.POST)
        if not form.is_valid():
            for error in form_errors(form):
                self.message_user(request, error, messages.ERROR)
            return back
        data = form.cleaned_data
        try:
            decided, changed = deciding.decide(
                claim, data["outcome"], note=data["note"], key=data["key"], actor=request.user
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return back
        if changed:
            self.message_user(
                request,
                _("Claim %(number)s is now %(state)s.")
                % {"number": decided.number, "state": Claim.State(decided.state).label},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("This decision was already recorded."), messages.WARNING)
        return back

    def appeal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("claims.appeal_claim"):
            raise PermissionDenied
        claim = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        if request.method != "POST":
            return back
        form = AppealForm(request.POST)
        if not form.is_valid():
            for error in form_errors(form):
                self.message_user(request, error, messages.ERROR)
            return back
        try:
            deciding.appeal(
                claim, form.cleaned_data["party"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, _("The appeal is recorded: decide it below."), messages.SUCCESS)
        return back


def form_errors(form: forms.Form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def evidence(claim: Claim) -> dict[str, Any]:
    """What the buyer said and what the seller answered, side by side, with what the rules say now."""
    photos = list(ClaimPhoto.objects.filter(claim=claim).order_by("id"))
    assessment = claim.assessment or {}
    said = assessment.get("decision")
    return {
        "claim": claim,
        "buyer_photos": [p for p in photos if p.party == Claim.Party.BUYER],
        "seller_photos": [p for p in photos if p.party == Claim.Party.SELLER],
        "rules_say": (
            _("The rules say: %(decision)s (%(reason)s).")
            % {"decision": said, "reason": reason_text(assessment.get("reason") or "")}
            if said
            else ""
        ),
        "explanation": (assessment.get("explanation") or {}).get(
            "fr" if (translation.get_language() or "").startswith("fr") else "en", ""
        ),
        "decision_reason": reason_text(claim.decision_reason) if claim.decision_reason else "",
        "payout_status": money.payout_status(claim),
        "payout_text": amount(claim.payout, claim.currency),
        "respond_by_text": moment(claim.respond_by, claim.store.zone),
        "responded_at_text": moment(claim.responded_at, claim.store.zone),
        "payout_expected": queries.payout_expected(claim),
        "facts": sorted((claim.facts or {}).items()),
    }
