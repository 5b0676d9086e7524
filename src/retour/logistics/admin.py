"""Logistics in the back office: the store's return addresses and their routing rules (a settings page),
and, to look at, each return's labels and every tracking event received with what it did."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.logistics.domain import routing
from retour.logistics.models import ReturnAddress, Shipment, TrackingEvent


class ReturnAddressForm(forms.ModelForm[ReturnAddress]):
    class Meta:
        model = ReturnAddress
        fields = [
            "store",
            "label",
            "active",
            "name",
            "company",
            "street1",
            "street2",
            "postal_code",
            "city",
            "state",
            "country",
            "phone",
            "email",
            "weight_grams",
            "priority",
            "seller",
            "countries",
            "categories",
        ]

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).strip().upper()

    def clean_countries(self) -> str:
        return ",".join(sorted(routing.codes(self.cleaned_data["countries"], upper=True)))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        seller, store = cleaned.get("seller"), cleaned.get("store")
        if seller is not None and store is not None and seller.store_id != store.pk:
            self.add_error("seller", _("This seller sells in another store."))
        return cleaned


@admin.register(ReturnAddress)
class ReturnAddressAdmin(StoreScoped[ReturnAddress], admin.ModelAdmin[ReturnAddress]):
    form = ReturnAddressForm
    list_display = (
        "label",
        "store",
        "city",
        "country",
        "priority",
        "seller",
        "countries",
        "categories",
        "active",
    )
    list_filter = ("active", "store")
    search_fields = ("label", "name", "city")
    fieldsets = (
        (None, {"fields": ("store", "label", "active")}),
        (
            _("Address"),
            {
                "fields": (
                    "name",
                    "company",
                    "street1",
                    "street2",
                    "postal_code",
                    "city",
                    "state",
                    "country",
                    "phone",
                    "email",
                    "weight_grams",
                )
            },
        ),
        (
            _("Which returns go there"),
            {
                "description": _(
                    "The first active address, by priority, whose rules a return matches receives it; an "
                    "empty rule matches every return. No address matches: the store's own return address."
                ),
                "fields": ("priority", "seller", "countries", "categories"),
            },
        ),
    )


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly, StoreScoped[Shipment], admin.ModelAdmin[Shipment]):
    store_path = "ret__store"
    list_display = (
        "tracking_number",
        "ret",
        "carrier",
        "service",
        "postage_paid",
        "cost",
        "currency",
        "status",
    )
    list_filter = ("status", "adapter", "postage_paid")
    search_fields = ("tracking_number", "ret__number")
    exclude = ("label_file",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("logistics.view_shipment"))


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnly, admin.ModelAdmin[TrackingEvent]):
    list_display = (
        "received_at",
        "source",
        "outcome",
        "tracking_number",
        "status",
        "occurred_at",
        "event_id",
    )
    list_filter = ("outcome", "source")
    search_fields = ("tracking_number", "event_id")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The log holds every store's events, and forged ones that belong to no store: operators only.
        return bool(request.user.is_superuser)
