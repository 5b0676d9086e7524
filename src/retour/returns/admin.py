"""Returns in the admin: read what was asked and decided, follow the timeline, approve or reject.

Lines and events are read-only here: every change goes through the returns services, which check the
state table and write the timeline. What a return's page offers about its refunds (the refunds paid, the
refund dates and legal deadlines, the refund actions and buttons) is added by the refunds app's admin,
which registers this admin again with them: refunds are downstream of returns.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.core.display import amount, label_column, labelled_filter, moment, time_column
from retour.core.errors import DomainError
from retour.policies.forms import CONDITION_LABELS, REASON_LABELS, RESOLUTION_LABELS
from retour.returns import admin_buttons
from retour.returns.admin_lines import line_view
from retour.returns.domain import states
from retour.returns.errors import ReturnInvalid
from retour.returns.models import Return, ReturnEvent, ReturnLine
from retour.returns.services import handling
from retour.returns.services.notes import MAX_NOTE, NOTE_EVENT, notes_of

STATE_LABELS = dict(Return.State.choices)
# What staff read for each kind of event: a move to a state reads as the state, the rest as said here.
EVENT_LABELS = {
    **STATE_LABELS,
    "line_received": gettext_lazy("line received"),
    "line_lost": gettext_lazy("line lost"),
    "line_wrong_item": gettext_lazy("wrong item received"),
    "line_inspected": gettext_lazy("line inspected"),
    "reminder": gettext_lazy("reminder sent"),
    "refund_requested": gettext_lazy("refund requested"),
    "refunded": gettext_lazy("refund paid"),
    "refund_failed": gettext_lazy("refund failed"),
    "exchange": gettext_lazy("exchange order created"),
    "replacement": gettext_lazy("replacement order created"),
    "repair": gettext_lazy("sent for repair"),
    "repaired": gettext_lazy("item repaired"),
    "withdrawal": gettext_lazy("withdrawal from the contract"),
    "exchange_paid": gettext_lazy("exchange difference paid"),
    "exchange_charge_failed": gettext_lazy("exchange charge failed"),
    "exchange_charged": gettext_lazy("exchange charged"),
    NOTE_EVENT: gettext_lazy("internal note written"),
    "held_for_review": gettext_lazy("held for review"),
}


def _zone(row: Any) -> Any:
    return row.ret.store.zone


class ReadOnlyInline(ReadOnly):
    extra = 0
    can_delete = False


class ReturnLineInline(ReadOnlyInline, admin.TabularInline[ReturnLine, Return]):
    model = ReturnLine
    fields = [
        "order_line",
        "quantity",
        "reason_label",
        "reason_text",
        "condition_label",
        "resolution_label",
        "exchange_variant",
        "refund_amount",
        "reception",
        "received_quantity",
        "inspection",
        "graded_label",
        "inspection_change",
        "disposition",
    ]
    readonly_fields = fields  # type: ignore[assignment]

    reason_label = label_column("reason", gettext_lazy("reason"), REASON_LABELS)
    condition_label = label_column("reported_condition", gettext_lazy("reported condition"), CONDITION_LABELS)
    resolution_label = label_column("resolution", gettext_lazy("resolution chosen"), RESOLUTION_LABELS)
    graded_label = label_column("graded_condition", gettext_lazy("graded condition"), CONDITION_LABELS)

    @admin.display(description=gettext_lazy("refund decided"))
    def refund_amount(self, line: ReturnLine) -> str:
        decision = line.final_decision
        return f"{amount(decision.refund_amount, decision.currency)} ({decision})"


class ReturnEventInline(ReadOnlyInline, admin.TabularInline[ReturnEvent, Return]):
    model = ReturnEvent
    fields = ["when", "event", "before", "after", "actor", "actor_label", "why", "line"]
    readonly_fields = fields  # type: ignore[assignment]
    ordering = ["at", "id"]
    verbose_name_plural = gettext_lazy("timeline")

    @admin.display(description=gettext_lazy("why"))
    def why(self, event: ReturnEvent) -> str:
        """The reason in the staff member's language when the event kept both (``reason_en``,
        ``reason_fr`` in its data: a return held for review), else as it was written."""
        language = "fr" if (translation.get_language() or "en").startswith("fr") else "en"
        return str(event.data.get(f"reason_{language}") or event.reason)

    when = time_column("at", gettext_lazy("at"), _zone)
    event = label_column("kind", gettext_lazy("event"), EVENT_LABELS)
    before = label_column("from_state", gettext_lazy("from"), STATE_LABELS)
    after = label_column("to_state", gettext_lazy("to"), STATE_LABELS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnEvent]:
        return super().get_queryset(request).select_related("ret__store", "actor", "line__order_line")


class ReturnActionForm(ActionForm):
    note = forms.CharField(
        label=gettext_lazy("Reason (the shopper reads it)"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )
    sku = forms.CharField(
        label=gettext_lazy("SKU to exchange for (empty: the same item again)"),
        required=False,
        widget=forms.TextInput(attrs={"size": 16}),
    )


class WaitingFilter(admin.SimpleListFilter):
    """What a return waits for, and who does it next: the review queue first (oldest first)."""

    title = gettext_lazy("waiting for")
    parameter_name = "waiting"
    STATES = {
        "review": [states.REQUESTED],
        "parcel": sorted(states.AWAITING_SHIPMENT | {states.IN_TRANSIT}),
        "inspection": [states.RECEIVED],
        "resolution": [states.INSPECTED],
    }

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("review", gettext_lazy("review (approve or reject)")),
            ("parcel", gettext_lazy("the parcel")),
            ("inspection", gettext_lazy("inspection")),
            ("resolution", gettext_lazy("a refund or a resolution")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Return]) -> QuerySet[Return]:
        wanted = self.STATES.get(self.value() or "")
        return queryset if wanted is None else queryset.filter(state__in=wanted)


def reviewing(request: HttpRequest) -> bool:
    return request.GET.get("waiting") == "review" or request.GET.get("state__exact") == states.REQUESTED


@admin.register(Return)
class ReturnAdmin(StoreScoped[Return], admin.ModelAdmin[Return]):
    action_form = ReturnActionForm
    list_display = ["number", "state", "outcome_label", "order", "customer", "channel", "requested", "store"]
    list_filter = [
        WaitingFilter,
        "state",
        labelled_filter("outcome", gettext_lazy("outcome"), handling.OUTCOME_LABELS),
        "store",
        "channel",
    ]
    list_select_related = ["store", "order", "customer"]
    search_fields = ["number", "order__number", "customer__email"]
    readonly_fields = [
        "number",
        "store",
        "order",
        "customer",
        "state",
        "outcome_label",
        "language",
        "channel",
        "rejection_reason",
        "created_by",
        "requested",
        "approved",
        "internal_notes",
    ]
    exclude = ["outcome", "approved_at"]  # shown as labels and store times (read-only) above
    inlines = [ReturnLineInline, ReturnEventInline]
    actions = [
        "approve_selected",
        "reject_selected",
        "mark_in_transit_selected",
        "receive_selected",
        "inspect_selected",
        "exchange_selected",
        "close_exchanged_selected",
        "cancel_selected",
    ]
    show_full_result_count = False

    outcome_label = label_column("outcome", gettext_lazy("outcome"), handling.OUTCOME_LABELS)
    requested = time_column("created_at", gettext_lazy("requested at"), lambda ret: ret.store.zone)
    approved = time_column("approved_at", gettext_lazy("approved at"), lambda ret: ret.store.zone)

    @admin.display(description=gettext_lazy("internal notes (staff only)"))
    def internal_notes(self, ret: Return) -> str:
        from django.utils.html import format_html, format_html_join

        found = notes_of(ret)
        if not found:
            return "—"
        zone = ret.store.zone
        return format_html(
            '<ul class="internal-notes">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong>, {}: {}</li>",
                ((note.author.get_username(), moment(note.created_at, zone), note.text) for note in found),
            ),
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # The review queue is worked oldest first: the shopper who waited longest is answered first.
        return ["created_at", "id"] if reviewing(request) else ["-created_at", "-id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.add_return")

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Staff create returns on the back office's page (order, lines, decisions), not a model form."""
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)  # Django's own refusal
        return HttpResponseRedirect(reverse("backoffice:new-return"))

    def get_urls(self) -> list[URLPattern]:
        def view(step: str) -> Any:
            return self.admin_site.admin_view(
                lambda request, object_id: line_view(self, request, object_id, step)
            )

        def press(request: HttpRequest, object_id: str) -> HttpResponse:
            return admin_buttons.press(self, request, object_id)

        def note(request: HttpRequest, object_id: str) -> HttpResponse:
            return admin_buttons.write_note(self, request, object_id)

        return [
            path("<path:object_id>/receive/", view("receive"), name="returns_return_receive"),
            path("<path:object_id>/inspect/", view("inspect"), name="returns_return_inspect"),
            path("<path:object_id>/act/", self.admin_site.admin_view(press), name="returns_return_act"),
            path("<path:object_id>/note/", self.admin_site.admin_view(note), name="returns_return_note"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        ret = self.get_object(request, object_id)  # None for another store's or a malformed id
        extra = {
            **(extra_context or {}),
            "can_receive_lines": request.user.has_perm("returns.receive_return"),
            "buttons": self.buttons_for(ret, request.user) if ret is not None else [],
            "note_limit": MAX_NOTE,
        }
        return super().change_view(request, object_id, form_url, extra)

    def buttons_for(self, ret: Return, user: Any) -> list[admin_buttons.Button]:
        """The buttons a return's page shows ``user`` (the refunds app's admin adds its own)."""
        return admin_buttons.buttons_for(ret, user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing is deleted: a return ends cancelled, rejected or expired

    def _each(self, request: HttpRequest, queryset: QuerySet[Return], act: Any, done: str) -> None:
        moved = 0
        for ret in queryset:
            try:
                act(ret)
                moved += 1
            except DomainError as error:
                self.message_user(request, f"{ret.number}: {error.message}", messages.ERROR)
        if moved:
            self.message_user(request, done % {"count": moved}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Approve the selected returns"), permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._each(
            request,
            queryset,
            lambda ret: handling.approve(ret, actor=request.user),
            _("Returns approved: %(count)d."),
        )

    @admin.action(
        description=gettext_lazy("Mark the selected returns in transit (the parcel was sent)"),
        permissions=["receive"],
    )
    def mark_in_transit_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._each(
            request,
            queryset,
            lambda ret: handling.mark_in_transit(ret, actor=request.user),
            _("Returns marked in transit: %(count)d."),
        )

    @admin.action(description=gettext_lazy("Cancel the selected returns"), permissions=["approve"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._each(
            request,
            queryset,
            lambda ret: handling.cancel(ret, actor=request.user),
            _("Returns cancelled: %(count)d."),
        )

    @admin.action(
        description=gettext_lazy("Reject the selected returns (give the reason)"), permissions=["approve"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        note = request.POST.get("note", "")
        self._each(
            request,
            queryset,
            lambda ret: handling.reject(ret, actor=request.user, reason=note),
            _("Returns rejected: %(count)d."),
        )

    @admin.action(
        description=gettext_lazy("Receive the selected returns (every line still awaited, in full)"),
        permissions=["receive"],
    )
    def receive_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._each(
            request,
            queryset,
            lambda ret: handling.receive(ret, actor=request.user),
            _("Returns received: %(count)d."),
        )

    @admin.action(
        description=gettext_lazy("Inspect: accept every received line in its reported condition"),
        permissions=["receive"],
    )
    def inspect_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        def inspect(ret: Return) -> Any:
            gradings = [
                handling.Grading(line.pk, line.reported_condition)
                for line in ret.lines.filter(reception=ReturnLine.Reception.RECEIVED, inspection="pending")
            ]
            return handling.inspect(ret, gradings, actor=request.user)

        self._each(request, queryset, inspect, _("Returns inspected: %(count)d."))

    @admin.action(
        description=gettext_lazy("Exchange every line for the SKU given, or replace it (a linked order)"),
        permissions=["approve"],
    )
    def exchange_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        from retour.catalog.models import Variant
        from retour.returns.services.resolutions import exchange

        sku = request.POST.get("sku", "").strip()

        def act(ret: Return) -> None:
            typed = None
            if sku:
                typed = Variant.objects.filter(store_id=ret.store_id, sku=sku).first()
                if typed is None:
                    raise ReturnInvalid(_("The store has no item with SKU %(sku)s.") % {"sku": sku})
            with transaction.atomic():  # every line or none: one out of stock exchanges nothing
                for line in ret.lines.all():
                    # a SKU typed in the action bar, else (the service's rule) the variant the shopper
                    # chose, else the same item
                    exchange(ret, line, typed, actor=request.user)

        self._each(request, queryset, act, _("Exchange orders created for %(count)d return(s)."))

    @admin.action(description=gettext_lazy("Close as exchanged or replaced"), permissions=["approve"])
    def close_exchanged_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        from retour.returns.services.resolutions import close_exchanged

        self._each(
            request,
            queryset,
            lambda ret: close_exchanged(ret, actor=request.user),
            _("Returns resolved: %(count)d."),
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.approve_return")

    def has_receive_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.receive_return")
