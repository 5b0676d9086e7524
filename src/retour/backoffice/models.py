"""Which stores a staff member works for. A staff member with none is not limited (a small shop's team, the
platform's operators); one with some sees and acts on those stores' objects only, everywhere in the back
office. Superusers are never limited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store


class StaffStore(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_stores",
        verbose_name=_("staff member"),
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))

    class Meta:
        verbose_name = _("store of a staff member")
        verbose_name_plural = _("stores of staff members")
        constraints = [models.UniqueConstraint(fields=["user", "store"], name="staff_store_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.store}"
