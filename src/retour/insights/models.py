"""Past returns brought from another returns tool, and the store's settings for its analytics.

A past return is history: it was decided, shipped and paid elsewhere, so it holds no policy decision and
moves no money in Retour's ledger. It keeps the figures the other tool gave (what was refunded, the fees,
the label) for the analytics, and the units it took count against what a shopper may still return.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.core.fields import amount_field
from retour.orders.models import Order, OrderLine


class PastReturn(models.Model):
    class Status(models.TextChoices):
        REFUNDED = "refunded", _("refunded")
        STORE_CREDIT = "store_credit", _("store credit")
        EXCHANGED = "exchanged", _("exchanged")
        KEPT = "kept", _("kept (returnless)")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")
        OPEN = "open", _("open")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    number = models.CharField(_("return number"), max_length=64)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="past_returns", verbose_name=_("order")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    requested_at = models.DateTimeField(_("requested at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    refunded = amount_field(_("refunded"))
    store_credit = amount_field(_("store credit issued"))
    fees_charged = amount_field(_("fees charged"))
    label_cost = amount_field(_("label cost"))
    content_hash = models.CharField(_("content fingerprint"), max_length=40, editable=False)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("past return")
        verbose_name_plural = _("past returns")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="past_return_number_unique_per_store")
        ]

    def __str__(self) -> str:
        return self.number


class PastReturnLine(models.Model):
    past_return = models.ForeignKey(
        PastReturn, on_delete=models.CASCADE, related_name="lines", verbose_name=_("past return")
    )
    position = models.PositiveIntegerField(_("position"))
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="past_return_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=64)
    condition = models.CharField(_("condition"), max_length=32, blank=True)
    resolution = models.CharField(_("resolution"), max_length=16)
    amount = amount_field(_("paid value returned"))

    class Meta:
        verbose_name = _("past return line")
        verbose_name_plural = _("past return lines")
        ordering = ["past_return", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["past_return", "position"], name="past_return_line_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.sku or self.order_line.title}"


class InsightsSettings(models.Model):
    """A store's settings for its analytics."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="insights_settings", verbose_name=_("store")
    )
    handling_cost_per_unit = amount_field(
        _("handling cost per unit"),
        help_text=_("What receiving and processing one returned unit costs the store (return metrics)."),
    )

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return str(self.store)


def handling_cost_per_unit(store: Store) -> Decimal:
    settings = InsightsSettings.objects.filter(store=store).first()
    return Decimal(settings.handling_cost_per_unit) if settings is not None else Decimal(0)
