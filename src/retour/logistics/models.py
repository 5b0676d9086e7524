"""A store's return addresses and the rules that choose them; each return's labels (the carrier's shipment,
its tracking number, its label file, its cost); every tracking event received, with what it did."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Seller, Store, country_validator
from retour.core.fields import amount_field, currency_field
from retour.core.money import Money
from retour.logistics.domain import parcels, tracking
from retour.orders.addresses import PostalAddress
from retour.returns.models import Return


class ReturnAddress(models.Model):
    """Where returned parcels go: a warehouse, or a marketplace seller's own address, chosen by its rules."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="return_addresses", verbose_name=_("store")
    )
    label = models.CharField(
        _("label"), max_length=100, help_text=_("How staff call it, e.g. “Lyon warehouse”.")
    )
    name = models.CharField(_("addressee"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    street1 = models.CharField(_("street"), max_length=200)
    street2 = models.CharField(_("street (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("region or state"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, validators=[country_validator], help_text=_("ISO code, e.g. FR.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The rules: a criterion left empty matches anything; the first address by priority that matches wins.
    priority = models.PositiveIntegerField(
        _("routing priority"), default=100, help_text=_("Lower is tried first.")
    )
    seller = models.ForeignKey(
        Seller,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_addresses",
        verbose_name=_("for the seller"),
        help_text=_("Returns of this seller's items only (a marketplace seller's own address)."),
    )
    countries = models.CharField(
        _("for shoppers in"),
        max_length=200,
        blank=True,
        help_text=_("Country codes separated by commas (FR, BE); empty: every country."),
    )
    categories = models.CharField(
        _("for the categories"),
        max_length=500,
        blank=True,
        help_text=_("Category codes separated by commas; empty: every category."),
    )
    weight_grams = models.PositiveIntegerField(
        _("usual parcel weight (g)"), default=1000, help_text=_("Declared to the carrier to buy the label.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("return address")
        verbose_name_plural = _("return addresses")
        ordering = ["store", "priority", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.city}, {self.country})"

    def postal(self) -> PostalAddress:
        return PostalAddress(
            name=self.name,
            company=self.company,
            line1=self.street1,
            line2=self.street2,
            city=self.city,
            postal_code=self.postal_code,
            province=self.state,
            country=self.country,
        )

    def parcel_address(self) -> parcels.Address:
        return parcels.Address(
            name=self.name,
            company=self.company,
            street1=self.street1,
            street2=self.street2,
            city=self.city,
            state=self.state,
            postal_code=self.postal_code,
            country=self.country,
            phone=self.phone,
            email=self.email,
        )


class Shipment(models.Model):
    """A return's label: store-made (no postage, the return number as reference) or bought from a carrier
    through the aggregator (its tracking number, label file and cost). One active label per return."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        VOIDED = "voided", _("voided")
        VOID_REFUSED = "void_refused", _("void refused by the carrier")

    ret = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("return")
    )
    address = models.ForeignKey(
        ReturnAddress,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("return address"),
    )
    adapter = models.CharField(_("label source"), max_length=20)  # "store" or "easypost"
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    service = models.CharField(_("service"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, db_index=True)
    postage_paid = models.BooleanField(_("postage paid"), default=False)
    provider_id = models.CharField(_("carrier's shipment id"), max_length=80, blank=True)
    tracker_id = models.CharField(_("carrier's tracker id"), max_length=80, blank=True)
    cost = amount_field(_("label cost"))
    currency = currency_field(_("currency"), blank=True)
    label_format = models.CharField(_("label format"), max_length=10, blank=True)
    label_url = models.CharField(_("label URL"), max_length=500, blank=True)  # as the carrier gave it
    label_file = models.BinaryField(_("label file"), blank=True, default=b"")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    tracking_status = models.CharField(_("tracking status"), max_length=24, blank=True)
    tracking_updated_at = models.DateTimeField(_("tracking updated"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered to the warehouse"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        verbose_name = _("return shipment")
        verbose_name_plural = _("return shipments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ret"], condition=models.Q(status="active"), name="one_active_label_per_return"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier or self.adapter} {self.tracking_number}"

    def cost_money(self) -> Money | None:
        return Money(Decimal(self.cost), self.currency) if self.currency else None

    def parcel(self) -> tracking.Parcel:
        return tracking.Parcel(
            tracking_number=self.tracking_number,
            carrier=self.carrier,
            provider_id=self.provider_id,
            tracker_id=self.tracker_id,
            status=self.tracking_status,
            updated_at=self.tracking_updated_at,
        )


class TrackingEvent(models.Model):
    """Every tracking event received (webhook) or read (polling), with its outcome: the log of what was
    applied and of what was refused (forged, replayed, duplicated, out of order, not our parcel)."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("webhook")
        POLLING = "polling", _("polling")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    event_id = models.CharField(_("carrier's event id"), max_length=100, blank=True)
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracking_events",
        verbose_name=_("return shipment"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    status = models.CharField(_("tracking status"), max_length=24, blank=True)
    occurred_at = models.DateTimeField(_("carrier's time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=[(outcome, outcome) for outcome in tracking.OUTCOMES]
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["-received_at", "-id"]
        constraints = [
            # An event id is applied once, whatever the number of times the carrier sends it.
            models.UniqueConstraint(
                fields=["event_id"],
                condition=models.Q(outcome="applied") & ~models.Q(event_id=""),
                name="one_applied_tracking_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.status} ({self.outcome})"
