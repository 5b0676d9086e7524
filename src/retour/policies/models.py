"""Return policies as immutable versions, and the decisions made under them with their facts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Seller, Store
from retour.core.errors import DomainError
from retour.core.fields import amount_field, currency_field


class VersionImmutable(DomainError):
    code = "policy_version_immutable"
    status = 409


class ReturnPolicy(models.Model):
    """The policy slot of a store, or of one marketplace seller in it; its versions never change."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="policies", verbose_name=_("store")
    )
    seller = models.ForeignKey(
        Seller,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("seller"),
        help_text=_("Empty for the store's own policy."),
    )
    active_version = models.ForeignKey(
        "PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("active version"),
    )

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        constraints = [
            models.UniqueConstraint(fields=["store", "seller"], name="one_policy_per_seller"),
            models.UniqueConstraint(
                fields=["store"], condition=models.Q(seller__isnull=True), name="one_store_policy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} – {self.seller}" if self.seller_id else str(self.store)


class PolicyVersion(models.Model):
    policy = models.ForeignKey(
        ReturnPolicy, on_delete=models.PROTECT, related_name="versions", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=64, help_text=_("The name inside the document."))
    document = models.TextField(_("document (YAML)"))
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A version is written once: decisions point to it and must keep meaning what they meant."""
        if not self._state.adding:
            raise VersionImmutable(
                gettext("A policy version cannot be changed: load the changed document as a new version.")
            )
        super().save(*args, **kwargs)


class PolicyDecision(models.Model):
    """A decision as it was made: the facts (in columns, for replay), the version, the outcome."""

    class Stage(models.TextChoices):
        REQUEST = "request", _("at request")
        INSPECTION = "inspection", _("at inspection")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("policy version")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REQUEST)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision it revises"),
    )
    decided_at = models.DateTimeField(_("decided at"), db_index=True)
    # The facts
    country = models.CharField(_("country"), max_length=2)
    currency = currency_field(_("currency"))
    category = models.CharField(_("category"), max_length=64, blank=True)
    unit_price = amount_field(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    ordered_at = models.DateField(_("ordered on"))
    delivered_at = models.DateField(_("delivered on"), null=True, blank=True)
    requested_at = models.DateField(_("requested on"))
    condition = models.CharField(_("condition"), max_length=16)
    reason = models.CharField(_("reason"), max_length=32)
    is_gift = models.BooleanField(_("gift"), default=False)
    member = models.BooleanField(_("member"), default=False)
    final_sale = models.BooleanField(_("final sale"), default=False)
    personalised = models.BooleanField(_("personalised"), default=False)
    seller_code = models.CharField(_("seller"), max_length=64, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=100, blank=True)
    # JSON list of the product's tags, sorted ("[]" for none): what ``facts_of`` reads back.
    tags = models.TextField(_("tags"), blank=True, default="[]")
    segment = models.CharField(_("customer segment"), max_length=64, blank=True)
    # The outcome
    eligible = models.BooleanField(_("eligible"))
    code = models.CharField(_("code"), max_length=64)
    refund_percent = models.PositiveSmallIntegerField(_("refund %"))
    item_refund = amount_field(_("item refund"))
    fees = amount_field(_("fees"))
    refund_amount = amount_field(_("refund amount"))
    store_credit_amount = amount_field(_("store credit amount"))
    keep_item = models.BooleanField(_("keep the item"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=32, blank=True)
    resolutions = models.CharField(_("resolutions offered"), max_length=200, blank=True)
    trace = models.CharField(_("rules that fired"), max_length=500, blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    explanation_fr = models.TextField(_("explanation (French)"), blank=True)

    class Meta:
        verbose_name = _("policy decision")
        verbose_name_plural = _("policy decisions")
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["store", "stage", "decided_at"], name="decision_store_stage_time")]

    def __str__(self) -> str:
        return f"{self.code} ({self.refund_percent} %)"
