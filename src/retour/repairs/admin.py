"""Repairs in the back office: the queue by deadline (the law's, or the store's target), late ones first
in view, each repair's timeline read-only (steps go through the services: the API, the CLI, the
repairer's pages); repairers, their routing rules and each store's repair settings (the diagnosis fee a
declined quote charges) are edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.repairs.models import Repair, Repairer, RepairEvent, RepairRule, RepairSettings
from retour.repairs.services import paying


class EventInline(ReadOnly, admin.TabularInline[RepairEvent, Repair]):
    model = RepairEvent
    fields = ("at", "kind", "from_state", "to_state", "actor_label", "reason", "data")
    readonly_fields = fields
    extra = 0


@admin.register(Repair)
class RepairAdmin(ReadOnly, StoreScoped[Repair], admin.ModelAdmin[Repair]):
    list_display = (
        "number",
        "state",
        "due_on",
        "legal_deadline",
        "late",
        "warned_at",
        "repairer",
        "ret",
        "quote_refund_owed",
    )
    list_filter = ("state", "due_legal", "under_guarantee", "store")
    search_fields = ("number", "ret__number", "ret__order__number")
    ordering = ("due_on", "id")
    readonly_fields = (
        "number",
        "store",
        "ret",
        "line",
        "state",
        "repairer",
        "under_guarantee",
        "country",
        "requested_at",
        "due_on",
        "due_legal",
        "due_basis",
        "warned_at",
        "description",
        "diagnosis",
        "quote_amount",
        "diagnosis_fee",
        "tracking_to_repairer",
        "tracking_back",
        "replacement_order",
        "quote_refund_owed",
    )
    inlines = [EventInline]

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.has_perm("repairs.view_repair"))

    @admin.display(description=gettext_lazy("deadline fixed by law"), boolean=True)
    def legal_deadline(self, repair: Repair) -> bool:
        return repair.due_legal

    @admin.display(description=gettext_lazy("quote to refund"))
    def quote_refund_owed(self, repair: Repair) -> str:
        """An accepted quote collected, then the item not repaired: staff refund it to the shopper."""
        owed = paying.quote_refund_owed(repair)
        return "" if owed is None else owed.rounded().format((translation.get_language() or "en")[:2])

    @admin.display(description=gettext_lazy("late"), boolean=True)
    def late(self, repair: Repair) -> bool:
        return repair.state not in ("delivered", "cancelled") and timezone.localdate() > repair.due_on


class RuleInline(admin.TabularInline[RepairRule, Repairer]):
    model = RepairRule
    fk_name = "repairer"
    fields = ("store", "position", "category", "brand", "seller_code")
    extra = 0


@admin.register(Repairer)
class RepairerAdmin(StoreScoped[Repairer], admin.ModelAdmin[Repairer]):
    list_display = ("code", "name", "kind", "store", "email")
    list_filter = ("kind", "store")
    filter_horizontal = ("users",)
    inlines = [RuleInline]


@admin.register(RepairSettings)
class RepairSettingsAdmin(StoreScoped[RepairSettings], admin.ModelAdmin[RepairSettings]):
    """Each store's repair policy; a quote records the fee as it is when quoted (changing it later
    changes no quote made before)."""

    list_display = ("store", "diagnosis_fee")
    fields = ("store", "diagnosis_fee")
