"""Repairs: the item's journey to a repairer and back, its timeline, its emails, who repairs what, and the
legal guarantee a repair extended (docs/repairs.md)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retour.catalog.models import Seller, Store
from retour.core.money import Money
from retour.notifications.models import EmailRecord
from retour.orders.models import Order, OrderLine
from retour.repairs.domain.states import State as S
from retour.returns.models import Return, ReturnLine

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_number() -> str:
    return "F" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


class Repairer(models.Model):
    """Where items are repaired: one of the store's workshops, a marketplace seller, or a repair partner
    whose users see and update only the repairs sent to it."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("the store's workshop")
        SELLER = "seller", _("marketplace seller")
        PARTNER = "partner", _("repair partner")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WORKSHOP)
    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("seller")
    )
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), help_text=_("The address the item is sent to, one line each."))
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="repairers", verbose_name=_("users")
    )

    class Meta:
        verbose_name = _("repairer")
        verbose_name_plural = _("repairers")
        ordering = ["store", "code"]
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="repairer_code_unique_per_store")
        ]

    def __str__(self) -> str:
        return self.name


class RepairRule(models.Model):
    """Which repairer an item goes to: the most specific rule matching its category, brand and seller."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    position = models.PositiveIntegerField(_("position"), default=0)
    category = models.SlugField(_("category"), max_length=64, blank=True)
    brand = models.CharField(_("brand"), max_length=200, blank=True)
    seller_code = models.SlugField(_("seller"), max_length=64, blank=True)
    repairer = models.ForeignKey(
        Repairer, on_delete=models.PROTECT, related_name="rules", verbose_name=_("repairer")
    )

    class Meta:
        verbose_name = _("repair rule")
        verbose_name_plural = _("repair rules")
        ordering = ["store", "position", "id"]

    def __str__(self) -> str:
        return f"{self.category or '*'} / {self.brand or '*'} / {self.seller_code or '*'} → {self.repairer}"


class RepairSettings(models.Model):
    """A store's policy for repairs out of the legal guarantee: the diagnosis fee a declined quote charges
    (each quote records the setting as it is when quoted; a quote may state a lower fee, never a higher)."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="repair_settings", verbose_name=_("store")
    )
    diagnosis_fee = models.DecimalField(
        _("diagnosis fee"),
        max_digits=12,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000000))],
        help_text=_(
            "What a shopper pays when declining a repair's quote, in the order's currency (never more than "
            "the quote; nothing under the legal guarantee). 0: no fee."
        ),
    )

    class Meta:
        verbose_name = _("repair settings")
        verbose_name_plural = _("repair settings")

    def __str__(self) -> str:
        return str(self.store)


class Repair(models.Model):
    class State(models.TextChoices):
        REQUESTED = S.REQUESTED, pgettext_lazy("repair state", "requested")
        APPROVED = S.APPROVED, pgettext_lazy("repair state", "approved")
        SENT = S.SENT, pgettext_lazy("repair state", "sent to the repairer")
        RECEIVED = S.RECEIVED, pgettext_lazy("repair state", "received by the repairer")
        DIAGNOSED = S.DIAGNOSED, pgettext_lazy("repair state", "diagnosed")
        QUOTED = S.QUOTED, pgettext_lazy("repair state", "quote sent")
        QUOTE_ACCEPTED = S.QUOTE_ACCEPTED, pgettext_lazy("repair state", "quote accepted")
        QUOTE_DECLINED = S.QUOTE_DECLINED, pgettext_lazy("repair state", "quote declined")
        REPAIRED = S.REPAIRED, pgettext_lazy("repair state", "repaired")
        SHIPPED_BACK = S.SHIPPED_BACK, pgettext_lazy("repair state", "shipped back")
        DELIVERED = S.DELIVERED, pgettext_lazy("repair state", "delivered back")
        UNREPAIRABLE = S.UNREPAIRABLE, pgettext_lazy("repair state", "cannot be repaired")
        REPLACEMENT_CHOSEN = S.REPLACEMENT_CHOSEN, pgettext_lazy("repair state", "replacement chosen")
        REFUND_CHOSEN = S.REFUND_CHOSEN, pgettext_lazy("repair state", "refund chosen")
        PRICE_REDUCTION_CHOSEN = (
            S.PRICE_REDUCTION_CHOSEN,
            pgettext_lazy("repair state", "price reduction chosen"),
        )
        CANCELLED = S.CANCELLED, pgettext_lazy("repair state", "cancelled")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    ret = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="repairs", verbose_name=_("return")
    )
    line = models.OneToOneField(
        ReturnLine, on_delete=models.PROTECT, related_name="repair", verbose_name=_("return line")
    )
    number = models.CharField(_("repair number"), max_length=16, unique=True, default=new_number)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.REQUESTED)
    repairer = models.ForeignKey(
        Repairer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repairs",
        verbose_name=_("repairer"),
    )
    under_guarantee = models.BooleanField(_("under the legal guarantee"), default=False)
    country = models.CharField(_("shopper's country"), max_length=2, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    requested_at = models.DateTimeField(_("requested at"))
    due_on = models.DateField(_("to be back in conformity by"))
    due_legal = models.BooleanField(_("deadline fixed by law"), default=False)
    due_basis = models.CharField(_("legal basis of the deadline"), max_length=100, blank=True)
    warned_at = models.DateTimeField(_("staff warned at"), null=True, blank=True)
    state_since = models.DateTimeField(_("in this state since"))
    description = models.TextField(_("the fault, in the shopper's words"), blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    quote_amount = models.DecimalField(_("quote"), max_digits=12, decimal_places=4, null=True, blank=True)
    diagnosis_fee = models.DecimalField(
        _("diagnosis fee"), max_digits=12, decimal_places=4, default=Decimal(0)
    )
    tracking_to_repairer = models.CharField(_("tracking to the repairer"), max_length=64, blank=True)
    tracking_back = models.CharField(_("tracking back to the shopper"), max_length=64, blank=True)
    replacement_order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement order"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "due_on"], name="repair_state_due")]

    def __str__(self) -> str:
        return self.number

    @property
    def quote(self) -> Money | None:
        return None if self.quote_amount is None else Money(self.quote_amount, self.currency)

    @property
    def fee(self) -> Money:
        return Money(self.diagnosis_fee, self.currency)


class RepairEvent(models.Model):
    """One step of a repair's timeline: who, when, from which state to which, why."""

    repair = models.ForeignKey(
        Repair, on_delete=models.PROTECT, related_name="events", verbose_name=_("repair")
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by (role)"), max_length=32, blank=True)
    kind = models.CharField(_("event"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("repair event")
        verbose_name_plural = _("repair events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.repair} {self.kind}"


class RepairNotification(EmailRecord):
    """The shopper's email for a step of their repair: one per event, so sending twice sends once."""

    repair = models.ForeignKey(
        Repair, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("repair")
    )
    event = models.OneToOneField(
        RepairEvent, on_delete=models.PROTECT, related_name="notification", verbose_name=_("event")
    )

    class Meta:
        verbose_name = _("repair notification")
        verbose_name_plural = _("repair notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event.kind} → {self.to}"


class GuaranteeExtension(models.Model):
    """An order line whose legal guarantee a repair extended, to ``until`` (L217-13; Directive 2024/1799
    art. 16); the legal floor uses it for later requests about that line."""

    order_line = models.OneToOneField(
        OrderLine, on_delete=models.PROTECT, related_name="guarantee_extension", verbose_name=_("order line")
    )
    repair = models.OneToOneField(
        Repair, on_delete=models.PROTECT, related_name="extension", verbose_name=_("repair")
    )
    original_end = models.DateField(_("original end of the legal guarantee"))
    until = models.DateField(_("legal guarantee extended until"))
    basis = models.CharField(_("legal basis"), max_length=100)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal guarantee extension")
        verbose_name_plural = _("legal guarantee extensions")

    def __str__(self) -> str:
        return f"{self.order_line} → {self.until}"
