"""Webhooks in the back office: the endpoints (the secret shown once, when one is made), and the delivery
log with each receiver's answer, replayed by an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.core.errors import DomainError
from retour.webhooks import services
from retour.webhooks.domain import schedule, signing
from retour.webhooks.models import Delivery, Endpoint


class EndpointForm(forms.ModelForm[Endpoint]):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=[(name, name) for name in schedule.EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("language"), choices=[("fr", "Français"), ("en", "English")]
    )

    class Meta:
        model = Endpoint
        fields = ["store", "url", "events", "owner_email", "language"]

    def clean_url(self) -> str:
        try:
            return services.check_url(self.cleaned_data["url"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(Endpoint)
class EndpointAdmin(StoreScoped[Endpoint], admin.ModelAdmin[Endpoint]):
    form = EndpointForm
    list_display = ("url", "store", "status", "owner_email", "created_at")
    list_filter = ("status", "store")
    actions = ("pause", "resume")

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        if not change:
            obj.secret = signing.new_secret()
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _("The endpoint's signing secret, shown this once: %(secret)s") % {"secret": obj.secret},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Pause the selected endpoints"))
    def pause(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        # paused by staff: nobody to warn
        queryset.update(status=Endpoint.Status.PAUSED, owner_told_at=timezone.now())

    @admin.action(description=gettext_lazy("Resume the selected endpoints"))
    def resume(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            services.resume(endpoint)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, StoreScoped[Delivery], admin.ModelAdmin[Delivery]):
    store_path = "endpoint__store"
    list_display = (
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempts",
        "response_status",
        "updated_at",
    )
    list_filter = ("status", "event_type")
    search_fields = ("event_id",)
    readonly_fields = (
        "endpoint",
        "event_id",
        "event_type",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "response_status",
        "response_body",
        "created_at",
        "delivered_at",
    )
    actions = ("replay",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("webhooks.change_delivery"))

    @admin.action(description=gettext_lazy("Replay the selected deliveries"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = 0
        for delivery in queryset:
            services.replay(delivery)
            count += 1
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": count})
