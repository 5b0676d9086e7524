"""Records shared by every domain: when each periodic job was last queued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """The last time a periodic job was queued, so that several workers queue it once between them."""

    name = models.CharField(_("job"), max_length=64, unique=True)
    last_queued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
