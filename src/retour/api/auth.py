from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from retour.api.models import ApiToken, digest


class StaffToken(HttpBearer):
    """``Authorization: Bearer rt_…`` for an active staff user's unrevoked token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = (
            ApiToken.objects.select_related("user", "store")
            .filter(token_digest=digest(token), revoked_at__isnull=True)
            .first()
        )
        if record is None or not record.user.is_active or not record.user.is_staff:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record  # request.auth: the token, whose store limits what the request reaches
