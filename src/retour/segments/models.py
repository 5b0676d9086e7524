"""A store's segment rules, and each customer's figures and computed segment as last computed."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.core.fields import amount_field
from retour.orders.models import Customer


def _default_rules() -> list[dict[str, Any]]:
    from retour.segments.domain.rules import DEFAULT_RULES_DATA

    return [dict(rule) for rule in DEFAULT_RULES_DATA]


class SegmentRules(models.Model):
    """The store's named segments, as rules tried in order (``segments.domain.rules``)."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    rules = models.JSONField(_("rules"), default=_default_rules)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("segment rules")
        verbose_name_plural = _("segment rules")

    def __str__(self) -> str:
        return str(self.store)


class CustomerProfile(models.Model):
    """A customer's figures as of ``as_of`` (the day after the last computation), recomputed as their
    returns move and by ``retour segments recompute``."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    as_of = models.DateField(_("as of"))
    orders_total = models.PositiveIntegerField(_("orders"), default=0)
    orders_365d = models.PositiveIntegerField(_("orders in 365 days"), default=0)
    returns_365d = models.PositiveIntegerField(_("returns in 365 days"), default=0)
    return_rate_units = models.DecimalField(
        _("return rate by units"), max_digits=5, decimal_places=1, default=0
    )
    return_rate_value = models.DecimalField(
        _("return rate by value"), max_digits=5, decimal_places=1, default=0
    )
    net_spend_365d = amount_field(_("net spend in 365 days"))
    recency_days = models.PositiveIntegerField(_("days since the last order"), null=True, blank=True)
    rfm = models.CharField(_("RFM"), max_length=8, blank=True)
    segment = models.CharField(_("computed segment"), max_length=64, blank=True, db_index=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        indexes = [models.Index(fields=["store", "segment"], name="profile_store_segment")]

    def __str__(self) -> str:
        return f"{self.customer} ({self.segment or '-'})"
