"""Staff members' stores: set on the staff member's page (the user admin, with the stores inline)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from retour.backoffice.models import StaffStore


class StaffStoreInline(admin.TabularInline[StaffStore, Any]):
    model = StaffStore
    extra = 0
    autocomplete_fields = ["store"]


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [*UserAdmin.inlines, StaffStoreInline]
