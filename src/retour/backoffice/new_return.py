"""Staff create a return for a shopper (on the phone, at the counter): pick the order by its number, then
the lines, through the one service the portal and the API use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from retour.backoffice.access import stores_for
from retour.catalog.models import Store, Variant
from retour.core.errors import DomainError
from retour.orders.models import Order, OrderLine
from retour.policies.forms import CONDITION_LABELS, REASON_LABELS, RESOLUTION_LABELS
from retour.returns.models import Return
from retour.returns.services.creating import KEEP, LineRequest, create_return, delivered_units

RESOLUTIONS = [*RESOLUTION_LABELS.items(), (KEEP, gettext_lazy("keep the item (returnless)"))]
METHODS = [
    ("", gettext_lazy("decide later")),
    *((value, label) for value, label in Return.Method.choices if value not in ("", Return.Method.KEEP)),
]


class OrderForm(forms.Form):
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("code"), label=gettext_lazy("Store"), empty_label=None
    )
    order = forms.CharField(label=gettext_lazy("Order number"), max_length=64)

    def __init__(self, *args: Any, stores: QuerySet[Store] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found: Order | None = None
        if stores is not None:  # the staff member's stores: another store's order is not found
            self.fields["store"].queryset = stores.order_by("code")  # type: ignore[attr-defined]
        if self.fields["store"].queryset.count() == 1:  # type: ignore[attr-defined]
            self.fields["store"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        store, number = data.get("store"), (data.get("order") or "").strip()
        if store is not None and number:
            self.found = Order.objects.filter(store=store, number=number).first()
            if self.found is None:
                raise forms.ValidationError(
                    _("%(store)s has no order %(number)s.") % {"store": store.name, "number": number}
                )
        return data


class LineForm(forms.Form):
    order_line = forms.IntegerField(widget=forms.HiddenInput())
    quantity = forms.IntegerField(label=gettext_lazy("Units to return"), min_value=0, initial=0)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=list(REASON_LABELS.items()))
    condition = forms.ChoiceField(label=gettext_lazy("Condition"), choices=list(CONDITION_LABELS.items()))
    resolution = forms.ChoiceField(label=gettext_lazy("Resolution"), choices=RESOLUTIONS)
    exchange_sku = forms.CharField(
        label=gettext_lazy("Exchange for SKU"), required=False, max_length=64, strip=True
    )
    reason_text = forms.CharField(
        label=gettext_lazy("In the shopper's words"), required=False, max_length=2000, strip=True
    )


LineFormSet = forms.formset_factory(LineForm, extra=0, max_num=500, validate_max=True)


class DetailsForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Shopper's language"))
    return_method = forms.ChoiceField(
        label=gettext_lazy("How the items come back"), choices=METHODS, required=False
    )

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = order.store.language_list
        names = dict(settings.LANGUAGES)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, names.get(code, code)) for code in languages]
        field.initial = order.language if order.language in languages else languages[0]


def _line_requests(order: Order, formset: Any) -> list[LineRequest]:
    requests = []
    for data in formset.cleaned_data:
        if not data.get("quantity"):
            continue
        variant_id = None
        if data["exchange_sku"]:
            variant = Variant.objects.filter(store_id=order.store_id, sku=data["exchange_sku"]).first()
            if variant is None:
                raise forms.ValidationError(
                    _("The store has no item with SKU %(sku)s.") % {"sku": data["exchange_sku"]}
                )
            variant_id = variant.pk
        requests.append(
            LineRequest(
                order_line_id=data["order_line"],
                quantity=data["quantity"],
                reason=data["reason"],
                condition=data["condition"],
                resolution=data["resolution"],
                reason_text=data["reason_text"],
                exchange_variant_id=variant_id,
            )
        )
    if not requests:
        raise forms.ValidationError(_("Give a number of units for at least one item."))
    return requests


def _lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("order").order_by("position"))


def _create(request: HttpRequest, order: Order, formset: Any, details: DetailsForm) -> Return | None:
    """The return, or None with the reason added to the form (nothing is created then)."""
    try:
        return create_return(
            order,
            _line_requests(order, formset),
            channel=Return.Channel.BACKOFFICE,
            actor=request.user,
            language=details.cleaned_data["language"],
            return_method=details.cleaned_data["return_method"],
        )
    except forms.ValidationError as error:
        details.add_error(None, error)
    except DomainError as error:
        details.add_error(None, error.message)
    return None


@staff_member_required
@permission_required("returns.add_return", raise_exception=True)
@require_http_methods(["GET", "POST"])
def new_return(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET, no order yet): the order number. Step 2: its lines, then create the return."""
    context: dict[str, Any] = {"title": _("New return for a shopper")}
    lookup = OrderForm(request.GET if "order" in request.GET else None, stores=stores_for(request.user))
    context["lookup"] = lookup
    if not lookup.is_bound or not lookup.is_valid() or lookup.found is None:
        return render(request, "backoffice/new_return.html", context)
    order = lookup.found
    lines = _lines(order)
    data = request.POST if request.method == "POST" else None
    formset = LineFormSet(data, initial=[{"order_line": line.pk} for line in lines], prefix="lines")
    details = DetailsForm(data, order=order)
    if data is not None and formset.is_valid() and details.is_valid():
        ret = _create(request, order, formset, details)
        if ret is not None:
            messages.success(
                request,
                _("Return %(number)s created for order %(order)s: %(state)s.")
                % {"number": ret.number, "order": order.number, "state": Return.State(ret.state).label},
            )
            return redirect(reverse("admin:returns_return_change", args=[ret.pk]))
    context.update(
        order=order,
        details=details,
        formset=formset,
        rows=[(form, line, delivered_units(line)) for form, line in zip(formset.forms, lines, strict=False)],
    )
    return render(request, "backoffice/new_return.html", context)
