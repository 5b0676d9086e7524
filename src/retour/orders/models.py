"""Customers and the orders imported from shop platforms: lines, payments, shipments."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Product, Seller, Store, Variant, country_validator
from retour.core.fields import amount_field, currency_field
from retour.core.money import Money
from retour.orders.addresses import PostalAddress


class Customer(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="customers", verbose_name=_("store"), db_index=False
    )
    email = models.EmailField(_("email"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[country_validator])
    is_member = models.BooleanField(_("loyalty member"), default=False)
    segment = models.CharField(
        _("segment"),
        max_length=64,
        blank=True,
        help_text=_("The store's word for the kind of customer (e.g. vip, new); return policies can use it."),
    )
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["store", "email"]
        constraints = [
            models.UniqueConstraint(fields=["store", "email"], name="customer_email_unique_per_store")
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} <{self.email}>" if name else self.email


class Order(models.Model):
    class FinancialStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        AUTHORIZED = "authorized", _("authorised")
        PAID = "paid", _("paid")
        PARTIALLY_PAID = "partially_paid", _("partially paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
        REFUNDED = "refunded", _("refunded")
        VOIDED = "voided", _("voided")

    class FulfillmentStatus(models.TextChoices):
        UNFULFILLED = "unfulfilled", _("unfulfilled")
        PARTIAL = "partial", _("partially fulfilled")
        FULFILLED = "fulfilled", _("fulfilled")
        RESTOCKED = "restocked", _("restocked")

    store = models.ForeignKey(  # indexed by the (store, number) unique constraint
        Store, on_delete=models.PROTECT, related_name="orders", verbose_name=_("store"), db_index=False
    )
    number = models.CharField(_("order number"), max_length=64)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("email"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    currency = currency_field(_("currency"))
    ordered_at = models.DateTimeField(_("ordered at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    financial_status = models.CharField(
        _("financial status"), max_length=24, choices=FinancialStatus.choices, default=FinancialStatus.PAID
    )
    fulfillment_status = models.CharField(
        _("fulfilment status"),
        max_length=16,
        choices=FulfillmentStatus.choices,
        default=FulfillmentStatus.UNFULFILLED,
    )
    is_gift = models.BooleanField(_("gift"), default=False)
    discount_codes = models.CharField(_("discount codes"), max_length=255, blank=True)
    subtotal = amount_field(
        _("subtotal"), help_text=_("Line prices less discounts, before shipping and tax.")
    )
    discount = amount_field(_("discount"), help_text=_("All discounts on the order, lines and order-level."))
    shipping = amount_field(_("shipping"))
    shipping_method = models.CharField(_("shipping method"), max_length=100, blank=True)
    tax = amount_field(_("tax"))
    tax_included = models.BooleanField(_("tax included in prices"), default=False)
    duties = amount_field(_("duties"))
    total = amount_field(_("total"))
    refunded_amount = amount_field(_("amount refunded by the shop platform"))
    shipping_country = models.CharField(
        _("shipping country"), max_length=2, blank=True, validators=[country_validator]
    )
    shipping_postal_code = models.CharField(_("shipping postal code"), max_length=20, blank=True)
    # Where the order was sent: the sender of its return parcel (printed on the label).
    shipping_name = models.CharField(_("ship-to name"), max_length=200, blank=True)
    shipping_company = models.CharField(_("ship-to company"), max_length=200, blank=True)
    shipping_address1 = models.CharField(_("shipping address line 1"), max_length=255, blank=True)
    shipping_address2 = models.CharField(_("shipping address line 2"), max_length=255, blank=True)
    shipping_city = models.CharField(_("shipping city"), max_length=100, blank=True)
    shipping_province = models.CharField(_("shipping province or region"), max_length=100, blank=True)
    shipping_phone = models.CharField(_("shipping phone"), max_length=32, blank=True)
    billing_country = models.CharField(
        _("billing country"), max_length=2, blank=True, validators=[country_validator]
    )
    source = models.CharField(
        _("source"), max_length=32, blank=True, help_text=_("Where the order came from.")
    )
    content_hash = models.CharField(_("content fingerprint"), max_length=40, editable=False)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="order_number_unique_per_store")
        ]
        indexes = [
            models.Index(fields=["store", "email"], name="order_store_email"),
            # The analytics rollup's follow job asks every minute which orders changed since it looked,
            # and reads again the orders of the days they were placed.
            models.Index(fields=["store", "updated_at"], name="order_store_updated"),
            models.Index(fields=["store", "ordered_at"], name="order_store_ordered"),
        ]

    def __str__(self) -> str:
        return self.number

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    def shipping_address(self) -> PostalAddress:
        """Where the order went; the name, when the import had none, is the customer's."""
        customer = self.customer
        name = self.shipping_name or (
            f"{customer.first_name} {customer.last_name}".strip() if customer is not None else ""
        )
        return PostalAddress(
            name=name,
            company=self.shipping_company,
            line1=self.shipping_address1,
            line2=self.shipping_address2,
            city=self.shipping_city,
            postal_code=self.shipping_postal_code,
            province=self.shipping_province,
            country=self.shipping_country or (customer.country if customer is not None else ""),
        )


class Shipment(models.Model):
    # Children of an order are found through their (order, position) unique constraint, so their order
    # foreign keys carry no index of their own: one index less to maintain on every imported row.
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order"), db_index=False
    )
    position = models.PositiveIntegerField(_("position"))
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    method = models.CharField(_("delivery method"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    estimated_delivery_latest = models.DateField(_("latest estimated delivery"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order", "position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="shipment_position_unique")]

    def __str__(self) -> str:
        return self.tracking_number or f"{self.order.number}/{self.position + 1}"


class OrderLine(models.Model):
    # An order line keeps its own copy of what was sold (SKU, title, price, seller), so its links to the
    # catalogue and to its shipment are descriptive: Django still enforces on_delete for them, but they
    # carry no database constraint, which would cost three deferred checks per line at the end of every
    # import (a third of a million-line import's time on PostgreSQL). The order and seller links keep theirs.
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"), db_index=False
    )
    position = models.PositiveIntegerField(_("position"))
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("product"),
        db_constraint=False,
    )
    variant = models.ForeignKey(
        Variant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("variant"),
        db_constraint=False,
        db_index=False,
    )
    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("seller")
    )
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("shipment"),
        db_constraint=False,
    )
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=255)
    # The line's own category, as the order gave it: the product keeps the category it was first imported
    # with, and the return metrics count each line in its own.
    category = models.CharField(_("category"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = amount_field(_("unit price"))
    line_discount = amount_field(_("line discount"))
    order_discount_share = amount_field(
        _("share of the order discount"), help_text=_("The order-level discount prorated to this line.")
    )
    tax = amount_field(_("tax"))
    requires_shipping = models.BooleanField(_("requires shipping"), default=True)
    final_sale = models.BooleanField(_("final sale"), default=False)
    personalised = models.BooleanField(_("personalised"), default=False)
    fulfilled_quantity = models.PositiveIntegerField(_("fulfilled quantity"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="order_line_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def allocated_discount(self) -> Decimal:
        return Decimal(self.line_discount) + Decimal(self.order_discount_share)

    @property
    def gross(self) -> Decimal:
        return Decimal(self.unit_price) * self.quantity

    @property
    def net(self) -> Decimal:
        """What the customer paid for the line before tax was added (or with it, when prices include it)."""
        return self.gross - self.allocated_discount


class Payment(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="payments", verbose_name=_("order"), db_index=False
    )
    position = models.PositiveIntegerField(_("position"))
    method = models.CharField(_("method"), max_length=100)
    gateway = models.CharField(_("gateway"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    amount = amount_field(_("amount captured"))
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["order", "position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="payment_position_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.amount}"
