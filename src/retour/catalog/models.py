"""Stores, sellers, categories, products and variants."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from retour.catalog.branding import validate_brand_colour, validate_logo
from retour.core.fields import amount_field, currency_field

country_validator = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166-1 country code, e.g. FR."))
SUPPORTED_LANGUAGES = ("en", "fr")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value})


def validate_languages(value: str) -> None:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in SUPPORTED_LANGUAGES]
    if not codes or unknown:
        raise ValidationError(_("Languages must be a comma-separated list of: en, fr."))


class Store(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    currency = currency_field(_("currency"))
    country = models.CharField(_("country"), max_length=2, validators=[country_validator])
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    languages = models.CharField(
        _("languages"),
        max_length=32,
        default="en,fr",
        validators=[validate_languages],
        help_text=_("Comma-separated, the store's default language first."),
    )
    return_address = models.TextField(
        _("return address"), blank=True, help_text=_("Where returned parcels go: printed on return labels.")
    )
    # The store's look in the portal and the help center (catalog/branding.py says what is accepted).
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        blank=True,
        validators=[validate_brand_colour],
        help_text=_("A hex code such as #0b57d0 for buttons and links; dark enough to carry white text."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG, GIF or WebP, at most 512 KB; shown at the top of the portal."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def default_language(self) -> str:
        return self.language_list[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def own_seller(self) -> Seller:
        """The seller that stands for the store itself (created on first use)."""
        seller, _created = Seller.objects.get_or_create(
            store=self, code=self.code, defaults={"name": self.name, "kind": Seller.Kind.STORE}
        )
        return seller


class Seller(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", _("the store itself")
        MARKETPLACE = "marketplace", _("marketplace seller")

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="sellers", verbose_name=_("store")
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MARKETPLACE)
    email = models.EmailField(_("email"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[country_validator])

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        ordering = ["store", "code"]
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="seller_code_unique_per_store")]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="categories", verbose_name=_("store")
    )
    slug = models.SlugField(_("slug"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["store", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["store", "slug"], name="category_slug_unique_per_store")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "en").startswith("fr") and self.name_fr:
            return self.name_fr
        return self.name_en


class Product(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="products", verbose_name=_("store")
    )
    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, related_name="products", verbose_name=_("seller")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=255)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True, help_text=_("Brand or maker."))
    tags: models.JSONField[Any, Any] = models.JSONField(_("tags"), default=list, blank=True)
    final_sale = models.BooleanField(_("final sale"), default=False)
    personalised = models.BooleanField(_("personalised"), default=False)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["store", "title"]
        indexes = [models.Index(fields=["store", "title"], name="product_store_title")]

    def __str__(self) -> str:
        return self.title


class Variant(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="variants", verbose_name=_("store")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="variants", verbose_name=_("product")
    )
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    price = amount_field(_("price"))
    stock = models.IntegerField(_("stock"), null=True, blank=True, help_text=_("Empty when not tracked."))

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "sku"], condition=~models.Q(sku=""), name="variant_sku_unique_per_store"
            )
        ]

    def __str__(self) -> str:
        label = f"{self.product.title} – {self.title}" if self.title else self.product.title
        return f"{label} ({self.sku})" if self.sku else label


class StockMovement(models.Model):
    """One change of a variant's stock and why: a returned unit put back on the shelf, a unit sent out as
    an exchange. Append-only; a tracked variant's ``stock`` moves with it."""

    class Reason(models.TextChoices):
        RESTOCK = "restock", _("returned unit restocked")
        EXCHANGE = "exchange", _("sent out as an exchange")

    variant = models.ForeignKey(
        Variant, on_delete=models.PROTECT, related_name="movements", verbose_name=_("variant")
    )
    quantity = models.IntegerField(_("quantity"), help_text=_("Units in (positive) or out (negative)."))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    stock_after = models.IntegerField(_("stock after"), null=True, blank=True)
    return_line_id = models.BigIntegerField(_("return line"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        constraints = [
            # A returned line is restocked once, however often its inspection is saved.
            models.UniqueConstraint(
                fields=["return_line_id", "reason"],
                condition=models.Q(return_line_id__isnull=False),
                name="stock_movement_once_per_line",
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant} {self.quantity:+d} ({self.reason})"
