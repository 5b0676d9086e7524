"""Refunds in the admin: read-only (money moves only through the services), manual ones confirmed here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.admin import ReadOnly
from retour.core.errors import DomainError
from retour.refunds.models import (
    LedgerEntry,
    LedgerTransaction,
    Refund,
    RefundRequest,
    StoreCreditAccount,
    StoreCreditMovement,
)
from retour.refunds.services.paying import confirm_manual


class RefundInline(ReadOnly, admin.TabularInline[Refund, RefundRequest]):
    model = Refund
    extra = 0
    fields = [
        "gateway",
        "payment",
        "amount",
        "currency",
        "status",
        "provider_reference",
        "attempts",
        "last_error",
    ]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnly, admin.ModelAdmin[RefundRequest]):
    list_display = ["ret", "method", "amount", "currency", "fees", "created_at", "requested_by"]
    search_fields = ["ret__number", "idempotency_key"]
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnly, admin.ModelAdmin[Refund]):
    list_display = ["id", "order", "gateway", "amount", "currency", "status", "created_at", "completed_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["order__number", "provider_reference", "request__ret__number"]
    actions = ["confirm_selected"]

    @admin.action(
        description=gettext_lazy("Confirm the money was sent (manual refunds)"), permissions=["refund"]
    )
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        confirmed = 0
        for refund in queryset.filter(status="pending"):
            try:
                confirm_manual(refund, actor=request.user)
                confirmed += 1
            except DomainError as error:
                self.message_user(request, f"{refund.pk}: {error.message}", messages.ERROR)
        self.message_user(request, _("Manual refunds confirmed: %(count)d.") % {"count": confirmed})

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.refund_return")


class MovementInline(ReadOnly, admin.TabularInline[StoreCreditMovement, StoreCreditAccount]):
    model = StoreCreditMovement
    extra = 0
    fields = ["created_at", "amount", "reason", "refund", "expires_on"]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(ReadOnly, admin.ModelAdmin[StoreCreditAccount]):
    list_display = ["customer", "currency"]
    search_fields = ["customer__email"]
    inlines = [MovementInline]


class EntryInline(ReadOnly, admin.TabularInline[LedgerEntry, LedgerTransaction]):
    model = LedgerEntry
    extra = 0
    fields = ["account", "debit", "credit"]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnly, admin.ModelAdmin[LedgerTransaction]):
    list_display = ["id", "memo", "currency", "refund", "created_at"]
    list_filter = ["memo", "currency"]
    inlines = [EntryInline]
