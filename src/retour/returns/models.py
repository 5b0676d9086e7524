"""Returns (RMA), their lines, photos and the append-only timeline."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store, Variant
from retour.core.fields import amount_field
from retour.orders.models import Customer, Order, OrderLine
from retour.policies.models import PolicyDecision

# No 0/O, 1/I/L: a number read out on the phone or typed off a parcel is typed right.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_number() -> str:
    return "R" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


class Return(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        LABEL_ISSUED = "label_issued", _("label issued")
        IN_TRANSIT = "in_transit", _("in transit")
        RECEIVED = "received", _("received")
        INSPECTED = "inspected", _("inspected")
        RESOLVED = "resolved", _("resolved")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    class Method(models.TextChoices):
        NONE = "", _("not chosen")
        LABEL = "label", _("prepaid label")
        DROP_OFF = "drop_off", _("box-free drop-off")
        IN_STORE = "in_store", _("in store")
        KEEP = "keep", _("keep the item")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("shopper portal")
        API = "api", _("API")
        BACKOFFICE = "backoffice", _("back office")

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="returns", verbose_name=_("store")
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        verbose_name=_("customer"),
    )
    number = models.CharField(_("return number"), max_length=16, unique=True, default=new_number)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    return_method = models.CharField(
        _("return method"), max_length=16, choices=Method.choices, blank=True, default=Method.NONE
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    # The key a client sent with its request (the portal's form, an API Idempotency-Key): asked again with
    # it, the same return comes back.
    request_key = models.CharField(_("request key"), max_length=64, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["store", "state"], name="return_store_state"),
            # The analytics rollup's follow job asks every minute which returns changed since it looked.
            models.Index(fields=["store", "updated_at"], name="return_store_updated"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["store", "request_key"], name="return_request_key_unique")
        ]
        permissions = [
            ("approve_return", _("Can approve or reject returns")),
            ("receive_return", _("Can receive and inspect returns")),
            ("refund_return", _("Can refund returns")),
        ]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    class Reception(models.TextChoices):
        AWAITING = "awaiting", _("awaiting")
        RECEIVED = "received", _("received")
        LOST = "lost", _("lost")
        WRONG_ITEM = "wrong_item", _("wrong item")

    class Inspection(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        REVIEW = "review", _("to review")

    class Disposition(models.TextChoices):
        NONE = "", _("not decided")
        RESTOCK = "restock", _("restock")
        REFURBISH = "refurbish", _("refurbish")
        LIQUIDATE = "liquidate", _("liquidate")
        SCRAP = "scrap", _("scrap")
        RETURN_TO_VENDOR = "return_to_vendor", _("return to vendor")
        BACK_TO_CUSTOMER = "back_to_customer", _("back to customer")

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return"))
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="return_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=32)
    reason_text = models.TextField(_("in the shopper's words"), blank=True)
    reported_condition = models.CharField(_("reported condition"), max_length=16)
    resolution = models.CharField(_("resolution chosen"), max_length=16)
    exchange_variant = models.ForeignKey(
        Variant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchange for"),
    )
    decision = models.ForeignKey(
        PolicyDecision, on_delete=models.PROTECT, related_name="+", verbose_name=_("decision at request")
    )
    inspection_decision = models.ForeignKey(
        PolicyDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision at inspection"),
    )
    inspection_change = models.TextField(_("change at inspection"), blank=True)
    reception = models.CharField(
        _("reception"), max_length=16, choices=Reception.choices, default=Reception.AWAITING
    )
    received_quantity = models.PositiveIntegerField(_("received quantity"), default=0)
    inspection = models.CharField(
        _("inspection"), max_length=16, choices=Inspection.choices, default=Inspection.PENDING
    )
    graded_condition = models.CharField(_("graded condition"), max_length=16, blank=True)
    disposition = models.CharField(
        _("disposition"), max_length=24, choices=Disposition.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["ret", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.title}"

    @property
    def final_decision(self) -> PolicyDecision:
        return self.inspection_decision or self.decision


class ReturnPhoto(models.Model):
    line = models.ForeignKey(
        ReturnLine, on_delete=models.CASCADE, related_name="photos", verbose_name=_("line")
    )
    file = models.FileField(_("photo"), upload_to="returns/photos/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return str(self.file.name)


class ReturnEvent(models.Model):
    """One entry of a return's timeline: who, when, from, to, why. Never changed, never deleted."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events", verbose_name=_("return"))
    line = models.ForeignKey(
        ReturnLine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("line"),
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by (role)"), max_length=32, blank=True)
    kind = models.CharField(_("event"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["ret", "at", "id"]
        # The analytics rollup's follow job asks every minute which returns moved since it looked.
        indexes = [models.Index(fields=["at"], name="return_event_at")]

    def __str__(self) -> str:
        # Staff read the kind and the states as labels in the timeline's columns, not as codes here.
        return f"#{self.pk}"


class Exchange(models.Model):
    """The order that ships the new item (another variant, or the same one as a replacement)."""

    ret = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("return")
    )
    line = models.OneToOneField(
        ReturnLine, on_delete=models.PROTECT, related_name="exchange", verbose_name=_("return line")
    )
    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="exchange_for", verbose_name=_("exchange order")
    )
    variant = models.ForeignKey(
        Variant, on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    kind = models.CharField(_("kind"), max_length=16)  # exchange | replacement
    instant = models.BooleanField(_("ships before the return arrives"), default=False)
    difference = amount_field(
        _("price difference"), help_text=_("Positive: the shopper pays it; negative: it is refunded.")
    )
    charged_at = models.DateTimeField(_("charged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")

    def __str__(self) -> str:
        return f"{self.ret} → {self.order}"


class Withdrawal(models.Model):
    """A shopper's statement that they withdraw from the contract (EU Directive 2011/83/EU art. 11, made
    through the withdrawal function of art. 11a; UK CCR 2013 reg. 32): who, when, for which items, and the
    return that brings the items back. Never changed, never deleted."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("order")
    )
    ret = models.OneToOneField(
        Return, on_delete=models.PROTECT, related_name="withdrawal", verbose_name=_("return")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    at = models.DateTimeField(_("withdrawn at"))
    channel = models.CharField(_("channel"), max_length=16, choices=Return.Channel.choices)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.order} {self.at:%Y-%m-%d %H:%M}"


class ReturnNote(models.Model):
    """A staff member's internal note on a return: who, when, what. Staff read it on the return's page;
    the shopper never does (no email, no portal page, no API field carries it). Never changed."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="notes", verbose_name=_("return"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["ret", "created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.pk}"
