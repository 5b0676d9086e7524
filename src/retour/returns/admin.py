"""Returns in the admin: read what was asked and decided, follow the timeline, approve or reject.

Lines and events are read-only here: every change goes through the returns services, which check the
state table and write the timeline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.errors import DomainError
from retour.returns.models import Return, ReturnEvent, ReturnLine
from retour.returns.services import handling


class ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReturnLineInline(ReadOnlyInline, admin.TabularInline[ReturnLine, Return]):
    model = ReturnLine
    fields = [
        "order_line",
        "quantity",
        "reason",
        "reason_text",
        "reported_condition",
        "resolution",
        "decision",
        "reception",
        "received_quantity",
        "inspection",
        "graded_condition",
        "inspection_change",
        "disposition",
    ]
    readonly_fields = fields  # type: ignore[assignment]


class ReturnEventInline(ReadOnlyInline, admin.TabularInline[ReturnEvent, Return]):
    model = ReturnEvent
    fields = ["at", "kind", "from_state", "to_state", "actor", "actor_label", "reason", "line"]
    readonly_fields = fields  # type: ignore[assignment]
    ordering = ["at", "id"]
    verbose_name_plural = gettext_lazy("timeline")


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin[Return]):
    list_display = ["number", "state", "outcome", "order", "customer", "channel", "created_at", "store"]
    list_filter = ["state", "store", "channel"]
    search_fields = ["number", "order__number", "customer__email"]
    readonly_fields = [
        "number",
        "store",
        "order",
        "customer",
        "state",
        "outcome",
        "language",
        "channel",
        "rejection_reason",
        "created_by",
        "created_at",
        "approved_at",
    ]
    inlines = [ReturnLineInline, ReturnEventInline]
    actions = ["approve_selected", "cancel_selected"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # returns are asked for through the portal, the API or `retour` commands

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

    @admin.action(description=gettext_lazy("Cancel the selected returns"), permissions=["approve"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._each(
            request,
            queryset,
            lambda ret: handling.cancel(ret, actor=request.user),
            _("Returns cancelled: %(count)d."),
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.approve_return")
