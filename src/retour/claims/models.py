"""Guarantee claims, the lines and amounts they claim, and their append-only timeline."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Seller, Store
from retour.core.fields import amount_field, currency_field
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.refunds.models import RefundRequest

# No 0/O, 1/I/L: a number read out on the phone is typed right (as return numbers).
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_number() -> str:
    return "C" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


class Claim(models.Model):
    """A buyer's guarantee claim against one seller of an order.

    ``facts`` are the rules' inputs, in the evaluation contract's words (specs/guarantee-claims.md), and
    ``assessment`` what the rules said about them, kept together: the seller's evidence changes the facts
    and the claim is assessed again, each time recorded in the timeline.
    """

    class State(models.TextChoices):
        AWAITING_SELLER = "awaiting_seller", _("awaiting the seller")
        SELLER_RESPONDED = "seller_responded", _("seller responded")
        SELLER_REFUNDED = "seller_refunded", _("refunded by the seller")
        GRANTED = "granted", _("granted")
        DENIED = "denied", _("denied")
        PAID = "paid", _("paid")
        APPEALED = "appealed", _("appealed")

    class Type(models.TextChoices):
        NOT_RECEIVED = "not_received", _("item not received")
        NOT_AS_DESCRIBED = "not_as_described", _("item not as described")
        RETURN_NOT_REFUNDED = "return_not_refunded", _("return not refunded")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("shopper portal")
        API = "api", _("API")
        BACKOFFICE = "backoffice", _("back office")

    class Funding(models.TextChoices):
        NONE = "", _("nobody")
        SELLER = "seller", _("the seller")
        MARKETPLACE = "marketplace", _("the marketplace")

    class Party(models.TextChoices):
        BUYER = "buyer", _("the buyer")
        SELLER = "seller", _("the seller")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="claims", verbose_name=_("store"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="claims", verbose_name=_("order"))
    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, related_name="claims", verbose_name=_("seller")
    )
    number = models.CharField(_("claim number"), max_length=16, unique=True, default=new_number)
    claim_type = models.CharField(_("type"), max_length=24, choices=Type.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.AWAITING_SELLER)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.API)
    language = models.CharField(_("language"), max_length=8, blank=True)
    message = models.TextField(_("in the buyer's words"), blank=True)
    # The key the client filed it with (an API Idempotency-Key): filed again with it, this claim comes back.
    request_key = models.CharField(_("request key"), max_length=64, null=True, blank=True, editable=False)
    currency = currency_field(_("currency"))
    item_price = amount_field(_("price of the claimed items"))
    shipping_paid = amount_field(_("delivery paid for them"))
    already_refunded = amount_field(_("already refunded"))
    facts = models.JSONField(_("facts assessed"), default=dict)
    assessment = models.JSONField(_("assessment"), default=dict)
    filed_at = models.DateTimeField(_("filed at"))
    respond_by = models.DateTimeField(_("seller to answer by"))
    # The seller's answer: evidence, or a full refund that closes the claim.
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response = models.CharField(_("answer"), max_length=16, blank=True)  # evidence | refund
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    proof_of_delivery = models.BooleanField(_("proof of delivery"), default=False)
    delivered_at = models.DateTimeField(_("delivered at (seller's evidence)"), null=True, blank=True)
    response_message = models.TextField(_("seller's message"), blank=True)
    # The marketplace's decision, with the reason the buyer reads.
    decision = models.CharField(_("decision"), max_length=16, blank=True)  # granted | denied
    decision_reason = models.CharField(_("reason"), max_length=32, blank=True)
    decision_note = models.TextField(_("note for the buyer"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_key = models.CharField(_("decision key"), max_length=64, blank=True, editable=False)
    funded_by = models.CharField(
        _("funded by"), max_length=16, choices=Funding.choices, blank=True, default=Funding.NONE
    )
    claimable = amount_field(_("claimable"))
    payout = amount_field(_("payout"))
    capped = models.BooleanField(_("capped"), default=False)
    payout_request = models.OneToOneField(
        RefundRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim",
        verbose_name=_("payout"),
    )
    # The appeal: once per claim, within the appeal window of the decision.
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appealed_by = models.CharField(_("appealed by"), max_length=16, choices=Party.choices, blank=True)
    appeal_reason = models.TextField(_("grounds of appeal"), blank=True)
    appeal_from = models.CharField(_("state appealed"), max_length=20, blank=True)
    appeal_outcome = models.CharField(_("appeal outcome"), max_length=16, blank=True)  # upheld | reversed
    appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("guarantee claim")
        verbose_name_plural = _("guarantee claims")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["store", "state"], name="claim_store_state"),
            models.Index(fields=["state", "respond_by"], name="claim_state_respond_by"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["store", "request_key"], name="claim_request_key_unique")
        ]
        permissions = [
            ("respond_claim", _("Can answer guarantee claims for a seller")),
            ("decide_claim", _("Can decide guarantee claims")),
            ("appeal_claim", _("Can appeal guarantee claim decisions")),
            ("recover_claim", _("Can recover claim payouts from sellers")),
        ]

    def __str__(self) -> str:
        return self.number

    def money(self, amount: Decimal) -> Money:
        return Money(Decimal(amount), self.currency)


class ClaimLine(models.Model):
    """Units of one order line the claim is about, and what the buyer paid for them."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="lines", verbose_name=_("claim"))
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="claim_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = amount_field(_("paid for these units"))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.title}"


class ClaimEvent(models.Model):
    """One entry of a claim's timeline: who, when, from, to, why. Never changed, never deleted."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events", verbose_name=_("claim"))
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
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind} {self.from_state}→{self.to_state}"


class ClaimPhoto(models.Model):
    """A photo sent as evidence with a claim, by the buyer (not as described) or the seller (with the
    answer): checked and re-encoded as a return's photos are (returns/services/photos.py), kept outside the
    web root under a random name."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="photos", verbose_name=_("claim"))
    party = models.CharField(_("sent by"), max_length=16, choices=Claim.Party.choices)
    file = models.FileField(_("photo"), upload_to="claims/photos/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return str(self.file.name)
