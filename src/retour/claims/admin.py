"""Claims in the back office, read-only: they change only through the services (timeline, money)."""

from __future__ import annotations

from django.contrib import admin

from retour.claims.models import Claim, ClaimEvent, ClaimLine
from retour.core.admin import ReadOnly


class ClaimLineInline(ReadOnly, admin.TabularInline[ClaimLine, Claim]):
    model = ClaimLine
    fields = readonly_fields = ("order_line", "quantity", "amount")
    extra = 0


class ClaimEventInline(ReadOnly, admin.TabularInline[ClaimEvent, Claim]):
    model = ClaimEvent
    fields = readonly_fields = ("at", "kind", "from_state", "to_state", "actor", "actor_label", "reason")
    extra = 0


@admin.register(Claim)
class ClaimAdmin(ReadOnly, admin.ModelAdmin[Claim]):
    list_display = ["number", "store", "seller", "claim_type", "state", "respond_by", "payout", "funded_by"]
    list_filter = ["state", "claim_type", "funded_by", "store"]
    search_fields = ["number", "order__number", "seller__code"]
    ordering = ["respond_by", "id"]
    inlines = [ClaimLineInline, ClaimEventInline]
    readonly_fields = [field.name for field in Claim._meta.fields]
