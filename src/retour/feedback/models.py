"""The shopper's survey after a return closes, its one answer, the addresses that asked for no more
surveys, and the alerts staff were sent about products whose return rate jumped (in each staff member's
language)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Product, Store
from retour.returns.models import Return


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(models.Model):
    """One per closed return: the link emailed to the shopper (and shown on the portal's status page),
    with the return's reasons and outcome as they were when it closed."""

    class EmailStatus(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        OPTED_OUT = "opted_out", _("not sent: the shopper opted out")
        NO_ADDRESS = "no_address", _("not sent: no email address")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    ret = models.OneToOneField(
        Return, on_delete=models.PROTECT, related_name="survey", verbose_name=_("return")
    )
    token = models.CharField(_("link token"), max_length=64, unique=True, default=new_token, editable=False)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    reasons: models.JSONField[list[str], list[str]] = models.JSONField(_("reasons"), default=list)
    email_status = models.CharField(
        _("email"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    email_attempts = models.PositiveIntegerField(_("attempts"), default=0)
    email_error = models.TextField(_("last error"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("return closed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "created_at"], name="survey_store_created")]

    def __str__(self) -> str:
        return str(self.ret_id)


class SurveyAnswer(models.Model):
    """The shopper's answer: one per survey (the database refuses a second), never changed."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("email link")
        PORTAL = "portal", _("return page")
        API = "api", _("API")

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, related_name="answer", verbose_name=_("survey")
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1 to 5)"))
    would_buy_again = models.BooleanField(_("would buy again"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    channel = models.CharField(_("answered on"), max_length=16, choices=Channel.choices)
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5), name="survey_satisfaction_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.satisfaction}/5"


class SurveyOptOut(models.Model):
    """An address that asked for no more surveys from a store: no survey email goes to it again."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    email = models.CharField(_("email"), max_length=254)  # normalised: trimmed, lower case
    at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")
        constraints = [models.UniqueConstraint(fields=["store", "email"], name="survey_opt_out_once")]

    def __str__(self) -> str:
        return self.email


class ProductAlert(models.Model):
    """A jump in a product's return rate that staff were told about: open while the jump lasts (one
    email per jump), closed when the rate is back to what it was."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    recent_units = models.PositiveIntegerField(_("units sold lately"))
    recent_returned = models.PositiveIntegerField(_("units returned lately"))
    recent_rate = models.DecimalField(_("return rate lately"), max_digits=5, decimal_places=4)
    baseline_rate = models.DecimalField(_("return rate before"), max_digits=5, decimal_places=4)
    p_value = models.FloatField(_("p-value"))
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    emailed_to = models.TextField(_("emailed to"), blank=True)

    class Meta:
        verbose_name = _("product alert")
        verbose_name_plural = _("product alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_alert_per_product",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.recent_rate}"


class StaffLanguage(models.Model):
    """The language a staff member's alert emails (product jumps) are written in; without one, the
    store's language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("staff member"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("language of a staff member's alerts")
        verbose_name_plural = _("languages of staff members' alerts")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"
