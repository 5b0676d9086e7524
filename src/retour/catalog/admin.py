from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from retour.backoffice.access import StoreListScoped, StoreScoped
from retour.catalog.logo_url import fetch_logo
from retour.catalog.models import Category, Product, Seller, Store, Variant


class StoreForm(forms.ModelForm[Store]):
    logo_url = forms.CharField(
        label=_("logo's address"),
        required=False,
        max_length=2000,
        help_text=_(
            "Instead of a file: an https address of a PNG, JPEG, GIF or WebP image. It is fetched once, "
            "checked as an upload is, and kept here (the portal and emails never load it from elsewhere)."
        ),
    )

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "currency",
            "country",
            "time_zone",
            "languages",
            "return_address",
            "brand_colour",
            "logo",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        url = (data.get("logo_url") or "").strip()
        if url:
            try:
                data["logo"] = fetch_logo(url)
            except ValidationError as error:
                self.add_error("logo_url", error)
        return data


@admin.register(Store)
class StoreAdmin(StoreListScoped[Store], admin.ModelAdmin[Store]):
    form = StoreForm
    list_display = ["code", "name", "currency", "country", "time_zone", "languages"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "currency", "country", "time_zone", "languages"]}),
        (_("Returns"), {"fields": ["return_address"]}),
        (_("Portal and help center"), {"fields": ["brand_colour", "logo", "logo_url"]}),
    ]


@admin.register(Seller)
class SellerAdmin(StoreScoped[Seller], admin.ModelAdmin[Seller]):
    list_display = ["code", "name", "kind", "store", "country"]
    list_filter = ["kind", "store"]
    search_fields = ["code", "name", "email"]


@admin.register(Category)
class CategoryAdmin(StoreScoped[Category], admin.ModelAdmin[Category]):
    list_display = ["slug", "name_en", "name_fr", "parent", "store"]
    list_filter = ["store"]
    search_fields = ["slug", "name_en", "name_fr"]


class VariantInline(admin.TabularInline[Variant, Product]):
    model = Variant
    extra = 0
    fields = ["sku", "title", "price", "stock"]


@admin.register(Product)
class ProductAdmin(StoreScoped[Product], admin.ModelAdmin[Product]):
    list_display = ["title", "category", "seller", "final_sale", "personalised"]
    list_filter = ["store", "category", "seller", "final_sale", "personalised"]
    search_fields = ["title", "vendor", "variants__sku"]
    list_select_related = ["category", "seller"]
    inlines = [VariantInline]
    raw_id_fields = ["seller", "category"]


@admin.register(Variant)
class VariantAdmin(StoreScoped[Variant], admin.ModelAdmin[Variant]):
    list_display = ["sku", "title", "product", "price", "stock"]
    search_fields = ["sku", "title", "product__title"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
