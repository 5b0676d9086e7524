from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from retour.api.models import ApiToken, digest
from retour.sellers.services.accounts import seller_of


class StaffToken(HttpBearer):
    """``Authorization: Bearer rt_…`` for an active staff user's unrevoked token, or a seller account's
    (which reaches its seller's objects only: ``scope.seller_scope``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = (
            ApiToken.objects.select_related("user", "store")
            .filter(token_digest=digest(token), revoked_at__isnull=True)
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        if not record.user.is_staff and seller_of(record.user) is None:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record  # request.auth: the token, whose store limits what the request reaches
