"""Past returns brought from another returns tool, and the store's settings for its analytics.

A past return is history: it was decided, shipped and paid elsewhere, so it holds no policy decision and
moves no money in Retour's ledger. It keeps the figures the other tool gave (what was refunded, the fees,
the label) for the analytics, and the units it took count against what a shopper may still return.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
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
        # The analytics rollup's follow job asks every minute which ones changed since it looked.
        indexes = [models.Index(fields=["store", "updated_at"], name="past_return_store_updated")]

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


AT_LEAST_ZERO = MinValueValidator(Decimal(0), message=_("Enter an amount of zero or more."))
AT_MOST_ONE = MaxValueValidator(Decimal(1), message=_("Enter a share between 0 and 1."))
ZERO_TO_ONE = MinValueValidator(Decimal(0), message=_("Enter a share between 0 and 1."))


def _amount(name: Any, help_text: Any) -> models.DecimalField[Any, Any]:
    return amount_field(name, help_text=help_text, validators=[AT_LEAST_ZERO])


def _share(name: Any, help_text: Any, default: int = 0) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        name,
        max_digits=5,
        decimal_places=4,
        default=Decimal(default),
        help_text=help_text,
        validators=[ZERO_TO_ONE, AT_MOST_ONE],
    )


class InsightsSettings(models.Model):
    """A store's settings for its analytics: what a return costs it beyond what the ledger records."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="insights_settings", verbose_name=_("store")
    )
    handling_cost_per_unit = amount_field(
        _("handling cost per unit"),
        help_text=_("What receiving and processing one returned unit costs the store (return metrics)."),
        validators=[AT_LEAST_ZERO],
    )
    tracking_cost_per_label = _amount(
        _("tracking cost per label"), _("What tracking one prepaid return label costs.")
    )
    insurance_cost_per_label = _amount(
        _("insurance cost per label"), _("A fixed insurance cost for each prepaid return label.")
    )
    insurance_share_of_value = _share(
        _("insurance as a share of value"),
        _("Insurance of a labelled return as a share of its returned value (0.01 is 1 %)."),
    )
    payment_fee_share = _share(
        _("payment fees not given back (share)"),
        _("The share of money refunded to a payment that the payment provider does not give back."),
    )
    payment_fee_per_refund = _amount(
        _("payment fees not given back (per refund)"),
        _("A fixed payment fee the provider keeps for each return refunded to a payment."),
    )
    recovery_refurbish = _share(
        _("recovery rate when refurbished"),
        _("The share of the returned value recovered from a refurbished item (1: nothing lost)."),
        default=1,
    )
    recovery_liquidate = _share(
        _("recovery rate when liquidated"),
        _("The share of the returned value recovered from a liquidated item (1: nothing lost)."),
        default=1,
    )
    recovery_scrap = _share(
        _("recovery rate when destroyed"),
        _("The share of the returned value recovered from a destroyed item (1: nothing lost)."),
        default=1,
    )

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return str(self.store)


def handling_cost_per_unit(store: Store) -> Decimal:
    settings = InsightsSettings.objects.filter(store=store).first()
    return Decimal(settings.handling_cost_per_unit) if settings is not None else Decimal(0)


def _count(name: Any) -> models.IntegerField[int, int]:
    # Not "positive": a month's and a year's cells are added to with what changed in some of their
    # days, which may be less (``services.rollup``); every stored figure still is 0 or more.
    return models.IntegerField(name, default=0)


class RollupCell(models.Model):
    """One cell of the analytics rollup (``insights.domain.rollup``): a store's figures for the orders
    placed on one day, under one dimension's key, for one scope of lines. Derived data: rebuilt from the
    orders and returns at will (``retour report rebuild``), kept up to date by the worker."""

    # No index of its own: the unique index starts with the store. No constraint in the database either:
    # derived data, written by the rollup alone (a store deleted takes its cells with it all the same,
    # Django deleting them), and checking each new cell's store at commit cost a sixth of adding cells.
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("store"),
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField(_("order day"))
    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=128, blank=True)
    level = models.PositiveSmallIntegerField(_("scope"))
    category = models.CharField(_("category"), max_length=64, blank=True)
    seller = models.CharField(_("seller"), max_length=64, blank=True)
    orders = _count(_("orders"))
    returned_orders = _count(_("returned orders"))
    units = _count(_("units"))
    returned_units = _count(_("returned units"))
    value = amount_field(_("value"))
    returned_value = amount_field(_("returned value"))
    returns = _count(_("returns"))
    void_returns = _count(_("void returns"))
    received_units = _count(_("received units"))
    refunds_paid = amount_field(_("refunds paid"))
    store_credit_issued = amount_field(_("store credit issued"))
    store_credit_spent = amount_field(_("store credit spent"))
    labels = amount_field(_("labels"))
    fees_charged = amount_field(_("fees charged"))
    labelled_returns = _count(_("returns with a prepaid label"))
    labelled_value = amount_field(_("returned value with a prepaid label"))
    refunded_returns = _count(_("returns refunded to a payment"))

    class Meta:
        verbose_name = _("analytics rollup cell")
        verbose_name_plural = _("analytics rollup cells")
        constraints = [
            # The one index (each more made adding new orders' cells cost as much again): every read
            # names the store, the dimension and the scope's level, then a period of days; the category
            # and the seller are tested in the index (a breakdown leaves one of them free). In this
            # order, new days' cells go to the end of each dimension's part of the index, not beside
            # their key's older days all over it: at a million orders the cells of 2,000 new orders,
            # added in the old order (key, then day), took longer to write than the orders themselves.
            models.UniqueConstraint(
                fields=["store", "dimension", "level", "day", "category", "seller", "key"],
                name="rollup_cell_by_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.key}"


class ChasingCell(models.Model):
    """One cell of the chasing rollup (``insights.domain.chasing.cells``): a store's returns asked for on
    one day (the store's), for one scope of lines, counted under one figure (``dimension``, ``key``).
    Derived data, kept by the rollup's job and rebuilt with it."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    day = models.DateField(_("request day"))
    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=32, blank=True)
    level = models.PositiveSmallIntegerField(_("scope"))
    category = models.CharField(_("category"), max_length=64, blank=True)
    seller = models.CharField(_("seller"), max_length=64, blank=True)
    count = models.PositiveIntegerField(_("returns"), default=0)
    value = amount_field(_("value"))
    seconds = models.BigIntegerField(_("seconds"), default=0)

    class Meta:
        verbose_name = _("chasing rollup cell")
        verbose_name_plural = _("chasing rollup cells")
        constraints = [
            # A page reads one scope over a period of days, every figure: one range of this index.
            models.UniqueConstraint(
                fields=["store", "level", "category", "seller", "day", "dimension", "key"],
                name="chasing_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.key}"


class RollupState(models.Model):
    """How far a store's rollup has followed the facts: changes made before ``checked_until`` are in."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    checked_until = models.DateTimeField(_("changes followed until"))
    rebuilt_at = models.DateTimeField(_("last rebuilt at"), null=True, blank=True)
    # A new random value each time the facts change (cells written): what is derived from the facts
    # and cached (the refund outlook) is keyed by it, so it is never read stale once followed.
    version = models.CharField(_("version of the facts"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("analytics rollup state")
        verbose_name_plural = _("analytics rollup states")

    def __str__(self) -> str:
        return str(self.store)


class RolledUpOrder(models.Model):
    """An order the rollup has taken in, as it was then (``seen``: its ``updated_at``). A new order is
    added to the cells it counts in; only an order changed since it was seen has its day written again."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("order")
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    seen = models.DateTimeField(_("order as of"))

    class Meta:
        verbose_name = _("order in the analytics rollup")
        verbose_name_plural = _("orders in the analytics rollup")

    def __str__(self) -> str:
        return str(self.order_id)


class StoredOutlook(models.Model):
    """A store's refund outlook as of the end of a day (``as_of``): what it owed then and the cash refunds
    forecast for the 12 weeks after, computed by the worker (``services.outlook``) so that pages read it
    instead of computing it. ``data`` is the forecast as the API gives it (``forecast_report.forecast_data``);
    ``version`` the version of the facts it was computed from (``RollupState.version``)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("seconds to compute"), default=0.0)
    version = models.CharField(_("version of the facts"), max_length=32, blank=True)
    owed = amount_field(_("owed now"))
    next_4_weeks = amount_field(_("refunds forecast, next 4 weeks"))
    next_4_weeks_low = amount_field(_("low end of the forecast, next 4 weeks"))
    next_4_weeks_high = amount_field(_("high end of the forecast, next 4 weeks"))
    data = models.JSONField(_("forecast"))

    class Meta:
        verbose_name = _("stored refund outlook")
        verbose_name_plural = _("stored refund outlooks")
        constraints = [models.UniqueConstraint(fields=["store", "as_of"], name="outlook_one_per_store_day")]

    def __str__(self) -> str:
        return f"{self.store} {self.as_of}"
