"""Segment rules edited in the admin (checked as the domain reads them); profiles read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from retour.core.admin import ReadOnly
from retour.segments.domain import rules as segment_rules
from retour.segments.models import CustomerProfile, SegmentRules


class SegmentRulesForm(forms.ModelForm[SegmentRules]):
    class Meta:
        model = SegmentRules
        fields = ["store", "rules"]

    def clean_rules(self) -> Any:
        data = self.cleaned_data["rules"]
        try:
            parsed = segment_rules.parse(data)
        except segment_rules.RulesInvalid as error:
            raise forms.ValidationError(
                [f"{p.where}: {_(p.message) % dict(p.values)}" for p in error.problems]
            ) from error
        return [rule.as_json() for rule in parsed]


@admin.register(SegmentRules)
class SegmentRulesAdmin(admin.ModelAdmin[SegmentRules]):
    form = SegmentRulesForm
    list_display = ["store", "updated_at"]


@admin.register(CustomerProfile)
class CustomerProfileAdmin(ReadOnly, admin.ModelAdmin[CustomerProfile]):
    list_display = [
        "customer",
        "segment",
        "rfm",
        "orders_365d",
        "returns_365d",
        "return_rate_units",
        "net_spend_365d",
        "as_of",
    ]
    list_filter = ["store", "segment"]
    search_fields = ["customer__email"]
