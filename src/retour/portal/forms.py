"""The portal's forms: finding an order, choosing what goes back, choosing how, withdrawing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from retour.portal import wording

MAX_DETAILS = 500
MAX_CLAIM_MESSAGE = 2000  # as the claims services accept


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"), max_length=64, help_text=_("As in your confirmation email.")
    )
    proof = forms.CharField(
        label=_("Email address or postal code"),
        max_length=254,
        help_text=_("The email address or the delivery postal code of the order."),
    )


class LinkForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=64)
    email = forms.EmailField(label=_("Email address of the order"), max_length=254)


class PickForm(forms.Form):
    """One order line on the items screen: whether it goes back, how many, why, in what state."""

    selected = forms.BooleanField(label=_("Return this item"), required=False)
    quantity = forms.TypedChoiceField(label=_("Quantity"), coerce=int, choices=[])
    reason = forms.ChoiceField(
        label=_("Why are you returning it?"), choices=[("", "—"), *wording.REASONS.items()], required=False
    )
    condition = forms.ChoiceField(
        label=_("What condition is it in?"), choices=[("", "—"), *wording.CONDITIONS.items()], required=False
    )
    details = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=MAX_DETAILS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, available: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quantity"].choices = [(n, str(n)) for n in range(1, available + 1)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("selected"):
            if not data.get("reason"):
                self.add_error("reason", _("Tell us why you are returning it."))
            if not data.get("condition"):
                self.add_error("condition", _("Tell us what condition it is in."))
        return data


class WithdrawalForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Email address for the acknowledgement"),
        max_length=254,
        help_text=_("We send the acknowledgement of your withdrawal here."),
    )


class ClaimForm(forms.Form):
    """The guarantee claim, on one screen: its type, the seller's items, the buyer's words. Photos come
    with it as files (``photos``), required when the item is not as described."""

    claim_type = forms.ChoiceField(label=_("What went wrong?"), widget=forms.RadioSelect, choices=[])
    lines = forms.TypedMultipleChoiceField(
        label=_("Which items?"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    message = forms.CharField(
        label=_("Tell us what happened"),
        max_length=MAX_CLAIM_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tell us in a few words what happened.")},
    )
    key = forms.RegexField(regex=r"\A[0-9a-f]{32}\Z", widget=forms.HiddenInput)

    def __init__(self, *args: Any, types: list[tuple[str, Any]], lines: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["claim_type"]).choices = types
        self.fields["claim_type"].error_messages["required"] = _("Choose what went wrong.")
        self.fields["claim_type"].error_messages["invalid_choice"] = _("Choose what went wrong.")
        cast(forms.ChoiceField, self.fields["lines"]).choices = lines
        self.fields["lines"].error_messages["required"] = _("Choose at least one item.")
        self.fields["lines"].error_messages["invalid_choice"] = _("Choose among this seller's items.")


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the decision change?"),
        max_length=MAX_CLAIM_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the decision should change.")},
    )
