"""Every email a return or a guarantee claim sends: one row per timeline event, so sending twice sends
once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.claims.models import Claim, ClaimEvent
from retour.returns.models import Return, ReturnEvent


class EmailRecord(models.Model):
    """One email to send once for one event (a return's, a claim's, a repair's): to whom, in which language,
    how often it was tried and how it went. Each app's row adds what the email is about."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("replaced by a later email")

    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True


class Notification(EmailRecord):
    ret = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("return")
    )
    event = models.OneToOneField(
        ReturnEvent, on_delete=models.CASCADE, related_name="notification", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=32)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"


class ClaimNotification(EmailRecord):
    """Every email a guarantee claim sends: one row per timeline event and reader (the buyer, the seller),
    so sending twice sends once."""

    class Audience(models.TextChoices):
        BUYER = "buyer", _("the buyer")
        SELLER = "seller", _("the seller")

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("claim")
    )
    event = models.ForeignKey(
        ClaimEvent, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("event")
    )
    audience = models.CharField(_("to whom"), max_length=16, choices=Audience.choices, default=Audience.BUYER)
    kind = models.CharField(_("kind"), max_length=32)

    class Meta:
        verbose_name = _("claim notification")
        verbose_name_plural = _("claim notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "audience"], name="claim_notification_once_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
