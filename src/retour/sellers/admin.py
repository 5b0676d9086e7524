"""Seller accounts in the back office: invite someone to act for a seller (the invitation's add form
sends the email with its one-time link), and see who acts for which seller."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.models import Seller
from retour.core.admin import ReadOnly
from retour.sellers.errors import InvitationRefused
from retour.sellers.models import Invitation, SellerMember, SellerNotice
from retour.sellers.services import accounts


class InvitationForm(forms.ModelForm[Invitation]):
    language = forms.ChoiceField(
        label=gettext_lazy("language"), choices=[("en", "English"), ("fr", "Français")], initial="en"
    )

    class Meta:
        model = Invitation
        fields = ["seller", "email", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "seller" in self.fields:
            field = self.fields["seller"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Seller.objects.filter(kind=Seller.Kind.MARKETPLACE).select_related("store")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("seller") is not None and data.get("email"):
            try:
                data["email"] = accounts.check_invitation(
                    data["seller"], data["email"], data.get("language", "")
                )
            except InvitationRefused as error:
                raise forms.ValidationError(error.message) from None
        return data


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Adding an invitation invites: the email leaves with a one-time link to set a password."""

    form = InvitationForm
    list_display = ["email", "seller", "created_at", "expires_at", "accepted_at"]
    list_filter = ["seller__store"]
    search_fields = ["email", "seller__code", "seller__name"]

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        invited = accounts.invite(
            obj.seller,
            obj.email,
            language=form.cleaned_data["language"],
            actor=request.user,
            site=request.build_absolute_uri("/"),
        )
        obj.pk = invited.invitation.pk
        obj.token_digest, obj.expires_at = invited.invitation.token_digest, invited.invitation.expires_at
        obj.created_at = invited.invitation.created_at
        messages.info(request, _("The invitation email was sent to %(email)s.") % {"email": obj.email})


@admin.register(SellerMember)
class SellerMemberAdmin(ReadOnly, admin.ModelAdmin[SellerMember]):
    list_display = ["user", "seller", "language", "joined_at"]
    list_filter = ["seller__store", "seller"]
    search_fields = ["user__username", "seller__code"]


@admin.register(SellerNotice)
class SellerNoticeAdmin(ReadOnly, admin.ModelAdmin[SellerNotice]):
    list_display = ["claim", "kind", "to", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
