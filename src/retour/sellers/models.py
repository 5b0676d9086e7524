"""Seller staff accounts: a user who works for one marketplace seller, the invitation that made it, the
emails a seller is sent about its claims (each once). A seller's evidence photos are claims.ClaimPhoto
rows sent by the seller."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Seller
from retour.claims.models import Claim


class SellerMember(models.Model):
    """A user who acts for ``seller`` and reaches that seller's orders, returns, claims and money only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seller_member",
        verbose_name=_("user"),
    )
    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, related_name="members", verbose_name=_("seller")
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        verbose_name = _("seller staff member")
        verbose_name_plural = _("seller staff members")
        ordering = ["seller", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.seller})"


class Invitation(models.Model):
    """The marketplace invites someone to act for a seller: a one-time link to set a password.

    Only a digest of the link's token is kept; the link works once, before ``expires_at``."""

    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("seller")
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8, default="en")
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )

    class Meta:
        verbose_name = _("seller invitation")
        verbose_name_plural = _("seller invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.seller}"


class SellerNotice(models.Model):
    """One email to one seller staff member about one claim: filed, or its deadline is near. The unique
    constraint makes it once, however many workers run."""

    class Kind(models.TextChoices):
        FILED = "filed", _("claim filed")
        REMINDER = "reminder", _("deadline in 24 hours")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="seller_notices", verbose_name=_("claim")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("seller email")
        verbose_name_plural = _("seller emails")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["claim", "kind", "to"], name="seller_notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.claim_id} → {self.to}"
