"""API tokens for staff and other systems. Only a digest of each token is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PREFIX = "rt_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    store = models.ForeignKey(
        "catalog.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
        help_text=_("Set: the token reaches this store's returns and orders only. Empty: every store."),
    )
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    hint = models.CharField(
        _("hint"), max_length=12, editable=False, help_text=_("The token's first characters.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @classmethod
    def issue(cls, user: object, name: str = "", store: object = None) -> tuple[ApiToken, str]:
        """Create a token (for ``store`` only, when given); the clear value is returned once, never kept."""
        token = PREFIX + secrets.token_urlsafe(32)
        record = cls.objects.create(
            user=user, name=name, store=store, token_digest=digest(token), hint=token[:10]
        )
        return record, token
