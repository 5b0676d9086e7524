"""Staff forms for policies: a new version of a policy document, and the live preview of a decision."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Seller, Store
from retour.core.money import Money
from retour.orders.models import Order, OrderLine
from retour.policies import services
from retour.policies.domain.compiler import CompiledPolicy
from retour.policies.domain.lint import Finding
from retour.policies.models import PolicyVersion
from retour.policies.order_facts import with_fact_relations

# How the policy vocabulary reads for staff, in the order the choices are offered.
CONDITION_LABELS: dict[str, Promise] = {
    "unopened": _("unopened"),
    "opened": _("opened"),
    "used": _("used"),
    "damaged": _("damaged"),
    "missing_parts": _("missing parts"),
}
REASON_LABELS: dict[str, Promise] = {
    "changed_mind": _("changed their mind"),
    "no_longer_needed": _("no longer needed"),
    "size_fit": _("size or fit"),
    "better_price": _("found a better price"),
    "arrived_late": _("arrived late"),
    "defective": _("defective"),
    "damaged_in_transit": _("damaged in transit"),
    "wrong_item": _("wrong item sent"),
    "not_as_described": _("not as described"),
}
RESOLUTION_LABELS: dict[str, Promise] = {
    "refund": _("refund"),
    "store_credit": _("store credit"),
    "exchange": _("exchange"),
    "replacement": _("replacement"),
    "repair": _("repair"),
}
LEGAL_BASIS_LABELS: dict[str, Promise] = {
    "eu_withdrawal": _("EU right of withdrawal"),
    "uk_cancellation": _("UK right to cancel"),
    "legal_guarantee": _("legal guarantee of conformity"),
}
FEE_LABELS: dict[str, Promise] = {"return_shipping": _("return shipping")}
RETURN_METHOD_LABELS: dict[str, Promise] = {
    "label": _("prepaid label"),
    "drop_off": _("drop-off point"),
    "in_store": _("in store"),
    "keep": _("keep the item"),
}
MAX_FINDINGS_SHOWN = 8
MAX_REFUSAL_EXAMPLES = 5


def label(labels: Mapping[str, Promise], value: str) -> str:
    """The translated label of a vocabulary word; a word the labels lack (a store's own fee) as it is."""
    return str(labels[value]) if value in labels else value


def problem_message(problem: Mapping[str, Any]) -> str:
    """One problem of a document, as "Line 12, rules[3].when.category: …"."""
    if problem["field"]:
        return gettext("Line %(line)s, %(field)s: %(message)s") % problem
    return gettext("Line %(line)s: %(message)s") % problem


def problem_messages(error: services.PolicyInvalid) -> list[str]:
    return [problem_message(problem) for problem in error.details.get("problems", [])]


def _outcome(eligible: bool, code: str, percent: int) -> str:
    if eligible:
        return gettext("%(code)s at %(percent)d %%") % {"code": code, "percent": percent}
    return gettext("refused (%(code)s)") % {"code": code}


def _delivery(days: int | None) -> str:
    """How long after delivery the return was asked for, or that the item was not delivered."""
    if days is None:
        return gettext("not delivered")
    return ngettext("%(days)d day after delivery", "%(days)d days after delivery", days) % {"days": days}


def _case(
    country: str,
    category: str,
    condition: str,
    reason: str,
    days: int | None,
    final_sale: bool,
    personalised: bool,
) -> dict[str, Any]:
    marks = [category]
    if final_sale:
        marks.append(gettext("final sale"))
    if personalised:
        marks.append(gettext("personalised"))
    return {
        "country": country,
        "category": ", ".join(marks),
        "condition": label(CONDITION_LABELS, condition),
        "reason": label(REASON_LABELS, reason),
        "delivery": _delivery(days),
    }


def lint_message(finding: Finding) -> str:
    """Where a policy promises less than the law, in a sentence for staff."""
    facts = finding.facts
    values = _case(
        facts.country,
        facts.category,
        facts.condition,
        facts.reason,
        facts.days_since_delivery,
        facts.final_sale,
        facts.personalised,
    )
    values["ours"] = _outcome(finding.ours.eligible, finding.ours.code, finding.ours.refund_percent)
    values["law"] = _outcome(finding.theirs.eligible, finding.theirs.code, finding.theirs.refund_percent)
    sentence = (
        gettext(
            "The policy promises less than the law to a shopper in %(country)s returning %(category)s "
            "(%(condition)s, %(reason)s, %(delivery)s): it decides %(ours)s where the law gives %(law)s. "
            "The legal floor applies."
        )
        % values
    )
    if finding.aspects == ("fees",) and finding.ours.eligible:
        fee = Money(finding.ours.fees_total, finding.ours.currency).format(_locale())
        sentence += " " + gettext(
            "Under the legal guarantee the return is free, where the policy charges %(fee)s."
        ) % {"fee": fee}
    return sentence


def lint_messages(findings: list[Finding]) -> list[str]:
    shown = [lint_message(finding) for finding in findings[:MAX_FINDINGS_SHOWN]]
    more = len(findings) - MAX_FINDINGS_SHOWN
    if more > 0:
        shown.append(
            ngettext(
                "… and %(count)d more case where the legal floor applies.",
                "… and %(count)d more cases where the legal floor applies.",
                more,
            )
            % {"count": more}
        )
    return shown


def _locale() -> str:
    return "fr_FR" if (get_language() or "en").startswith("fr") else "en_GB"


def _money(amount: str, currency: str) -> str:
    return Money(Decimal(amount), currency).format(_locale())


def _details(finding: Mapping[str, Any]) -> str:
    """What the seller's policy gives less of, in words: "fees of €4.95 instead of €0.00; …"."""
    ours, theirs = finding["policy"], finding["reference"]
    currency = ours.get("currency", "")
    parts = []
    for aspect in finding.get("aspects", []):
        if aspect == "refund_percent":
            parts.append(
                gettext("a refund of %(ours)d %% instead of %(store)d %%")
                % {"ours": ours["percent"], "store": theirs["percent"]}
            )
        elif aspect == "fees":
            parts.append(
                gettext("fees of %(ours)s instead of %(store)s")
                % {"ours": _money(ours["fees"], currency), "store": _money(theirs["fees"], currency)}
            )
        elif aspect == "store_credit":
            parts.append(
                gettext("store credit of %(ours)s instead of %(store)s")
                % {
                    "ours": _money(ours["store_credit"], currency),
                    "store": _money(theirs["store_credit"], currency),
                }
            )
        elif aspect == "keep_item":
            parts.append(
                gettext("the item must be sent back where the store's policy lets the shopper keep it")
            )
        elif aspect == "resolutions":
            missing = [name for name in theirs["resolutions"] if name not in ours["resolutions"]]
            parts.append(
                gettext("%(resolutions)s not offered")
                % {"resolutions": ", ".join(label(RESOLUTION_LABELS, name) for name in missing)}
            )
    return "; ".join(parts)


def _facts_sentence(finding: Mapping[str, Any]) -> str:
    """The rest of the case: price, dates, member, gift (for findings that carry them)."""
    if "unit_price" not in finding:
        return ""
    marks = []
    if finding.get("member"):
        marks.append(gettext("a loyalty member"))
    if finding.get("is_gift"):
        marks.append(gettext("a gift"))
    values = {
        "price": _money(finding["unit_price"], finding["currency"]),
        "quantity": finding["quantity"],
        "requested": finding["requested_on"],
    }
    if finding.get("delivered_on"):
        sentence = gettext(
            "The case: %(quantity)d × %(price)s, delivered on %(delivered)s, asked on %(requested)s"
        )
        values["delivered"] = finding["delivered_on"]
    else:
        sentence = gettext("The case: %(quantity)d × %(price)s, not delivered, asked on %(requested)s")
    text = sentence % values
    return f"{text}, {', '.join(marks)}." if marks else f"{text}."


def refusal_messages(error: services.PolicyRefused) -> list[str]:
    """Why a seller's policy was refused: the message, then the cases where it gives less, and how."""
    examples = []
    for finding in error.details.get("findings", [])[:MAX_REFUSAL_EXAMPLES]:
        values = _case(
            finding["country"],
            finding["category"],
            finding["condition"],
            finding["reason"],
            finding["days_since_delivery"],
            finding["final_sale"],
            finding["personalised"],
        )
        ours, theirs = finding["policy"], finding["reference"]
        values["ours"] = _outcome(ours["eligible"], ours["code"], ours["percent"])
        values["store"] = _outcome(theirs["eligible"], theirs["code"], theirs["percent"])
        sentence = (
            gettext(
                "For a shopper in %(country)s returning %(category)s (%(condition)s, %(reason)s, "
                "%(delivery)s), the seller's policy decides %(ours)s where the store's decides %(store)s."
            )
            % values
        )
        details = _details(finding)
        if details:
            sentence += " " + gettext("It gives less: %(details)s.") % {"details": details}
        if facts := _facts_sentence(finding):
            sentence += " " + facts
        examples.append(sentence)
    more = int(error.details.get("count", 0)) - len(examples)
    if more > 0:
        examples.append(
            ngettext(
                "… and %(count)d more case where the seller's policy gives less.",
                "… and %(count)d more cases where the seller's policy gives less.",
                more,
            )
            % {"count": more}
        )
    return [error.message, *examples]


def warning_messages(policy: CompiledPolicy) -> list[str]:
    """The document's warnings, as "Line 12, rules[3].when: …"."""
    return [
        problem_message({"line": p.line, "field": p.field, "message": p.message})
        for p in services.warnings(policy)
    ]


class PolicyDocumentWidget(forms.Textarea):
    def __init__(self) -> None:
        super().__init__(
            attrs={
                "class": "policy-document",
                "rows": 32,
                "cols": 100,
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
                "wrap": "off",
            }
        )


class PolicyVersionForm(forms.ModelForm[PolicyVersion]):
    """A new version of a store's or a seller's policy. The form only checks it (``check_policy``: the
    document's problems, a seller's policy less generous than the store's, as this form's errors); the
    admin saves it (and makes it active) with ``load_policy``, which checks again under the policy's
    lock, all or nothing."""

    store = forms.ModelChoiceField(label=capfirst(_("store")), queryset=Store.objects.all())
    seller = forms.ModelChoiceField(
        label=capfirst(_("marketplace seller")),
        queryset=Seller.objects.filter(kind=Seller.Kind.MARKETPLACE),
        required=False,
        help_text=_("Empty for the store's own policy."),
    )
    document = forms.CharField(
        label=capfirst(_("document (YAML)")),
        strip=False,  # indentation is meaning in YAML
        widget=PolicyDocumentWidget(),
    )

    class Meta:
        model = PolicyVersion
        fields = ["document", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unchanged = False  # set by the admin once saved: the document was the latest version already
        stores = Store.objects.all()
        if "store" not in self.initial and len(stores[:2]) == 1:
            self.initial["store"] = stores[0].pk

    def clean_document(self) -> str:
        # Browsers send a textarea's lines ending in CRLF; the stored document (and its digest) must not
        # depend on where it was typed.
        text: str = self.cleaned_data["document"].replace("\r\n", "\n")
        if not text.strip():
            raise forms.ValidationError(_("The document is empty."), code="empty")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        store, seller = data.get("store"), data.get("seller")
        if store is not None and seller is not None and seller.store_id != store.pk:
            self.add_error(
                "seller",
                forms.ValidationError(
                    _("%(seller)s sells in another store."), code="seller_store", params={"seller": seller}
                ),
            )
        return data

    def _post_clean(self) -> None:
        # Instead of the model's own validation: the service's checks, last, so that they run only once
        # every other field is right. Nothing is written here.
        if self.errors:
            return
        data = self.cleaned_data
        try:
            services.check_policy(data["store"], data["document"], seller=data["seller"])
        except services.PolicyInvalid as error:
            self.add_error("document", [error.message, *problem_messages(error)])
        except services.PolicyRefused as error:
            self.add_error(None, refusal_messages(error))


class PreviewForm(forms.Form):
    """The case to preview: an order line (by ID, or order number and position) and the return asked."""

    prefix = "preview"

    line = forms.IntegerField(label=_("order line ID"), required=False, min_value=1)
    order = forms.CharField(label=_("order number"), required=False, max_length=64)
    position = forms.IntegerField(
        label=_("line position"),
        required=False,
        min_value=0,
        help_text=_("As shown on the order: the first line is 0."),
    )
    requested_at = forms.DateField(
        label=_("requested on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    condition = forms.ChoiceField(label=_("reported condition"), choices=list(CONDITION_LABELS.items()))
    reason = forms.ChoiceField(label=_("reason"), choices=list(REASON_LABELS.items()))
    quantity = forms.IntegerField(
        label=_("quantity"),
        required=False,
        min_value=1,
        help_text=_("Empty for the whole line."),
    )

    def __init__(self, *args: Any, store: Store | None = None, **kwargs: Any) -> None:
        defaults = {"requested_at": timezone.localdate(), "condition": "unopened", "reason": "size_fit"}
        kwargs["initial"] = {**defaults, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.store = store
        for field in self.fields.values():
            field.widget.attrs["class"] = "policy-preview-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        line = self._line(data)
        if line is not None:
            if self.store is not None and line.order.store_id != self.store.pk:
                raise forms.ValidationError(
                    _("This order line is in another store (%(store)s)."),
                    code="other_store",
                    params={"store": line.order.store},
                )
            if data.get("quantity") and data["quantity"] > line.quantity:
                self.add_error(
                    "quantity",
                    forms.ValidationError(
                        ngettext(
                            "The line has %(count)d unit.", "The line has %(count)d units.", line.quantity
                        ),
                        code="quantity",
                        params={"count": line.quantity},
                    ),
                )
        data["order_line"] = line
        return data

    def _line(self, data: dict[str, Any]) -> OrderLine | None:
        lines = with_fact_relations(OrderLine.objects.all())
        if data.get("line"):
            found = lines.filter(pk=data["line"]).first()
            if found is None:
                raise forms.ValidationError(_("There is no order line with this ID."), code="no_line")
            return found
        number, position = (data.get("order") or "").strip(), data.get("position")
        if not number:
            raise forms.ValidationError(
                _("Choose an order line: its ID, or an order number and the line's position."),
                code="no_line",
            )
        orders = Order.objects.filter(number=number)
        if self.store is not None:
            orders = orders.filter(store=self.store)
        order_ids = list(orders.values_list("pk", flat=True)[:2])
        if not order_ids:
            raise forms.ValidationError(
                _("There is no order %(number)s."), code="no_order", params={"number": number}
            )
        if len(order_ids) > 1:
            raise forms.ValidationError(
                _("Several stores have an order %(number)s: choose the line by its ID."),
                code="ambiguous_order",
                params={"number": number},
            )
        found = lines.filter(order_id=order_ids[0], position=position or 0).first()
        if found is None:
            raise forms.ValidationError(
                _("Order %(number)s has no line at position %(position)d."),
                code="no_line",
                params={"number": number, "position": position or 0},
            )
        return found
