from __future__ import annotations

from django.contrib import admin

from retour.insights.models import InsightsSettings, PastReturn, PastReturnLine


class PastReturnLineInline(admin.TabularInline[PastReturnLine, PastReturn]):
    model = PastReturnLine
    extra = 0
    fields = ("position", "order_line", "quantity", "reason", "condition", "resolution", "amount")
    readonly_fields = fields
    can_delete = False


@admin.register(PastReturn)
class PastReturnAdmin(admin.ModelAdmin[PastReturn]):
    """Past returns are history brought in by ``retour import-returns``: shown, never edited here."""

    list_display = ["number", "order", "status", "requested_at", "resolved_at", "refunded", "store"]
    list_filter = ["store", "status"]
    search_fields = ["number", "order__number"]
    raw_id_fields = ["order"]
    inlines = [PastReturnLineInline]
    show_full_result_count = False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(InsightsSettings)
class InsightsSettingsAdmin(admin.ModelAdmin[InsightsSettings]):
    list_display = ["store", "handling_cost_per_unit"]
