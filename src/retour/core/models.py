"""Records shared by every domain: when each periodic job was last queued, and which workers are alive."""

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


class WorkerHeartbeat(models.Model):
    """A running ``retour worker`` says it is alive every few seconds: a task it claimed while its
    heartbeat stopped (killed, out of memory, the machine gone) is handed to another worker."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at:%Y-%m-%d %H:%M:%S}"
