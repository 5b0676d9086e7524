"""Admin helpers shared by every domain."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnly:
    """For admin screens of records that change only through services (money, timelines): look, never edit."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
