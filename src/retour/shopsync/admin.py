"""The shop connections in the back office: each store's shop, its secrets entered once and never shown
again (left empty when editing: kept as they are), the webhooks received from it and why each was or was
not applied, and what was sent back to it, sent again by an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.core.errors import DomainError
from retour.shopsync.models import Connection, OutgoingSync, ReceivedWebhook
from retour.shopsync.services import connections, pushing

SECRETS = ("webhook_secret", "access_token", "api_secret")
SECRET_HELP = gettext_lazy("Kept and never shown again; leave empty to keep the one saved.")


class ConnectionForm(forms.ModelForm[Connection]):
    class Meta:
        model = Connection
        fields = [
            "store",
            "platform",
            "shop_domain",
            "api_url",
            "active",
            "webhook_secret",
            "access_token",
            "api_secret",
        ]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRETS}
        help_texts = dict.fromkeys(SECRETS, SECRET_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["api_url"] = forms.URLField(
            label=str(Connection._meta.get_field("api_url").verbose_name).capitalize(),
            required=False,
            assume_scheme="https",
            help_text=Connection._meta.get_field("api_url").help_text,
        )
        for name in SECRETS:
            self.fields[name].required = False  # empty when editing: the saved secret stays

    def _kept(self, name: str) -> str:
        given = (self.cleaned_data.get(name) or "").strip()
        return given or str(getattr(self.instance, name, "") or "")  # empty: the saved secret stays

    def clean_webhook_secret(self) -> str:
        return self._kept("webhook_secret")

    def clean_access_token(self) -> str:
        return self._kept("access_token")

    def clean_api_secret(self) -> str:
        return self._kept("api_secret")

    def clean_shop_domain(self) -> str:
        try:
            return connections.check_domain(self.cleaned_data["shop_domain"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error

    def clean_api_url(self) -> str:
        try:
            return connections.check_api_url(self.cleaned_data.get("api_url") or "")
        except DomainError as error:
            raise forms.ValidationError(error.message) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("webhook_secret"):
            self.add_error("webhook_secret", _("Give the secret the shop signs its webhooks with."))
        return data


@admin.register(Connection)
class ConnectionAdmin(StoreScoped[Connection], admin.ModelAdmin[Connection]):
    form = ConnectionForm
    list_display = ("shop_domain", "platform", "store", "active", "created_at")
    list_filter = ("platform", "active", "store")


@admin.register(ReceivedWebhook)
class ReceivedWebhookAdmin(ReadOnly, StoreScoped[ReceivedWebhook], admin.ModelAdmin[ReceivedWebhook]):
    store_path = "connection__store"
    list_display = ("received_at", "platform", "topic", "webhook_id", "outcome", "shop_domain")
    list_filter = ("outcome", "platform", "topic")
    search_fields = ("webhook_id", "resource_id", "shop_domain")
    readonly_fields = (
        "connection",
        "platform",
        "shop_domain",
        "webhook_id",
        "topic",
        "resource_id",
        "outcome",
        "detail",
        "shop_updated_at",
        "received_at",
    )


@admin.register(OutgoingSync)
class OutgoingSyncAdmin(ReadOnly, StoreScoped[OutgoingSync], admin.ModelAdmin[OutgoingSync]):
    store_path = "connection__store"
    list_display = ("key", "kind", "return_number", "status", "attempts", "remote_id", "updated_at")
    list_filter = ("status", "kind")
    search_fields = ("key", "return_number", "remote_id")
    readonly_fields = (
        "connection",
        "kind",
        "key",
        "return_number",
        "request",
        "status",
        "attempts",
        "next_attempt_at",
        "remote_id",
        "last_error",
        "created_at",
        "updated_at",
    )
    actions = ("send_again",)

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("shopsync.change_outgoingsync"))

    @admin.action(
        description=gettext_lazy("Send the selected syncs to the shop again"), permissions=["send_again"]
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingSync]) -> None:
        count = sum(1 for sync in queryset if pushing.retry(sync).status == OutgoingSync.Status.PENDING)
        self.message_user(request, _("%(count)d syncs queued again.") % {"count": count}, messages.SUCCESS)
