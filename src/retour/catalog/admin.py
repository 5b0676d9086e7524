from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from retour.backoffice.access import StoreListScoped, StoreScoped
from retour.catalog.models import Category, Product, Seller, Store, Variant


@admin.register(Store)
class StoreAdmin(StoreListScoped[Store], admin.ModelAdmin[Store]):
    list_display = ["code", "name", "currency", "country", "time_zone", "languages"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "currency", "country", "time_zone", "languages"]}),
        (_("Returns"), {"fields": ["return_address"]}),
        (_("Portal and help center"), {"fields": ["brand_colour", "logo"]}),
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
