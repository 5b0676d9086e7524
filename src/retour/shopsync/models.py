"""A store's connection to its shop platform, each webhook received from it, the shop's last word on each
order, and each return, refund or exchange order sent back to it."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.orders.models import Order


class Platform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    WOOCOMMERCE = "woocommerce", "WooCommerce"


class Connection(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="shop_connections", verbose_name=_("store")
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    shop_domain = models.CharField(
        _("shop domain"),
        max_length=255,
        help_text=_("The shop's host name, e.g. my-shop.myshopify.com or shop.example.com."),
    )
    # Secrets as the webhooks' signing secrets are kept: in the database, never shown again once entered
    # (the back office's fields are write-only, the API and the command never print them).
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=255)
    access_token = models.CharField(_("API access token or consumer key"), max_length=255, blank=True)
    api_secret = models.CharField(_("API consumer secret"), max_length=255, blank=True)
    api_url = models.URLField(
        _("API address"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty: https:// followed by the shop domain."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop connection")
        verbose_name_plural = _("shop connections")
        ordering = ["store", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "shop_domain"], name="shop_connection_domain_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.shop_domain}"

    @property
    def base_url(self) -> str:
        return (self.api_url or f"https://{self.shop_domain}").rstrip("/")


# Outcomes of a webhook that was authentic and taken into account once: its id is not taken again.
TAKEN_ONCE = ("applied", "unchanged", "stale", "unknown_order", "ignored", "invalid")


class ReceivedWebhook(models.Model):
    """Every webhook a shop sent, applied or not, and why not."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("applied")
        UNCHANGED = "unchanged", _("applied, nothing changed")
        FORGED = "forged", _("refused: bad signature or unknown shop")
        REPLAYED = "replayed", _("refused: sent too long ago (replayed)")
        DUPLICATE = "duplicate", _("ignored: received already")
        STALE = "stale", _("ignored: older than what is stored")
        UNKNOWN_ORDER = "unknown_order", _("ignored: unknown order")
        IGNORED = "ignored", _("ignored: topic not used")
        INVALID = "invalid", _("refused: the order is not valid")

    connection = models.ForeignKey(
        Connection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="received",
        verbose_name=_("connection"),
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    shop_domain = models.CharField(_("shop domain"), max_length=255, blank=True)
    webhook_id = models.CharField(_("webhook id"), max_length=100, blank=True)
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    resource_id = models.CharField(_("order or refund id"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    detail = models.TextField(_("detail"), blank=True)
    shop_updated_at = models.DateTimeField(_("updated in the shop"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("received shop webhook")
        verbose_name_plural = _("received shop webhooks")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "webhook_id"],
                condition=Q(outcome__in=TAKEN_ONCE),
                name="shop_webhook_taken_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id}"


class SyncedOrder(models.Model):
    """The shop's last version of an order that was applied: what an older one is compared with, and what
    a refund is added to. ``payload`` is the shop's own JSON (its line items' ids name them back)."""

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="orders", verbose_name=_("connection")
    )
    external_id = models.CharField(_("id in the shop"), max_length=100)
    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="shop_sync", verbose_name=_("order")
    )
    shop_updated_at = models.DateTimeField(_("updated in the shop"), null=True, blank=True)
    payload = models.JSONField(_("shop's order"), encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("synced order")
        verbose_name_plural = _("synced orders")
        constraints = [
            models.UniqueConstraint(fields=["connection", "external_id"], name="synced_order_once")
        ]

    def __str__(self) -> str:
        return self.external_id


class OutgoingSync(models.Model):
    """A return, a refund or an exchange's order to create in the shop, sent by the worker until it is."""

    class Kind(models.TextChoices):
        RETURN = "return", _("return")
        REFUND = "refund", _("refund")
        EXCHANGE_ORDER = "exchange_order", _("exchange order")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed, to be tried again")
        GIVEN_UP = "given_up", _("given up")

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="syncs", verbose_name=_("connection")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=100)
    return_number = models.CharField(_("return"), max_length=32, blank=True)
    request = models.JSONField(_("request"))
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    remote_id = models.CharField(_("id in the shop"), max_length=255, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("sync to the shop")
        verbose_name_plural = _("syncs to the shop")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["connection", "key"], name="outgoing_sync_once")]

    def __str__(self) -> str:
        return self.key
