"""What the portal keeps of its own: the lookups it was asked, to slow down guessing."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LookupAttempt(models.Model):
    """One attempt to open an order (a lookup or a request for a link). Only hashes are kept: the client's
    address and the order number are never stored as typed."""

    scope = models.CharField(_("scope"), max_length=16)  # "client" or "order"
    key = models.CharField(_("key"), max_length=64)  # sha256 of the address or of store+number
    succeeded = models.BooleanField(_("succeeded"), default=False)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lookup attempt")
        verbose_name_plural = _("lookup attempts")
        indexes = [models.Index(fields=["scope", "key", "at"], name="lookup_scope_key_at")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M}"
