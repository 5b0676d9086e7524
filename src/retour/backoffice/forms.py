"""The what-if simulator's form: a draft policy document, a period, and the store when there are several."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.policies import services
from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.forms import problem_messages

PERIODS = [
    (30, _("the last 30 days")),
    (90, _("the last 90 days")),
    (365, _("the last 365 days")),
]


class SimulationForm(forms.Form):
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("code"), label=_("Store"), empty_label=None
    )
    document = forms.CharField(
        label=_("Draft policy (YAML)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "policy-document"}),
        help_text=_("Edit the active policy, or paste another one: nothing is saved."),
        max_length=256 * 1024,
        strip=False,
    )
    period = forms.TypedChoiceField(label=_("Past requests of"), choices=PERIODS, coerce=int, initial=90)

    def __init__(self, *args: Any, stores: QuerySet[Store] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draft: CompiledPolicy | None = None
        if stores is not None:  # the staff member's stores only
            self.fields["store"].queryset = stores.order_by("code")  # type: ignore[attr-defined]
        if self.fields["store"].queryset.count() == 1:  # type: ignore[attr-defined]
            self.fields["store"].widget = forms.HiddenInput()

    def clean_document(self) -> str:
        text: str = self.cleaned_data["document"]
        try:
            self.draft = services.parse(text)
        except services.PolicyInvalid as error:
            raise ValidationError([error.message, *problem_messages(error)]) from None
        return text
