from __future__ import annotations

from django.contrib import admin

from retour.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["hint", "user", "name", "store", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["hint", "created_at", "last_used_at"]
    list_filter = ["revoked_at"]
