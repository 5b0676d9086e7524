"""Policies in the admin: policies and their immutable versions, a new version from a YAML document,
lint warnings, activation, and a live preview of the decision a document makes on an order line."""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha256
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from retour.backoffice.access import StoreScoped
from retour.catalog.models import Store
from retour.core.money import Money
from retour.policies import services
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.lint import Finding
from retour.policies.forms import (
    CONDITION_LABELS,
    FEE_LABELS,
    LEGAL_BASIS_LABELS,
    REASON_LABELS,
    RESOLUTION_LABELS,
    RETURN_METHOD_LABELS,
    PolicyVersionForm,
    PreviewForm,
    label,
    lint_messages,
    problem_messages,
    refusal_messages,
    warning_messages,
)
from retour.policies.models import PolicyDecision, PolicyVersion, ReturnPolicy
from retour.policies.order_facts import facts_for_line

START_TEMPLATE = "marketplace-standard"


@lru_cache(maxsize=64)
def _lint(digest: str, text: str) -> list[Finding]:
    """Lint findings of a saved document; versions never change, so their digest keys them."""
    return services.lint(services.parse(text))


def lint_findings(version: PolicyVersion) -> list[Finding]:
    return _lint(version.digest, version.document)


def lint_notes(version: PolicyVersion) -> list[str]:
    """Every warning a version has: the document's own, then where the legal floor steps in."""
    policy = services.compiled(version)
    law = services.law_notes(policy, services.selling_countries(version.policy.store))
    return [*warning_messages(policy), *law, *lint_messages(lint_findings(version))]


def _is_active(version: PolicyVersion) -> bool:
    return version.policy.active_version_id == version.pk


def _version_link(version: PolicyVersion) -> SafeString:
    url = reverse("admin:policies_policyversion_change", args=[version.pk])
    return format_html('<a href="{}">{}</a>', url, version)


class PolicyVersionInline(admin.TabularInline[PolicyVersion, ReturnPolicy]):
    model = PolicyVersion
    extra = 0
    can_delete = False
    ordering = ["-number"]
    fields = readonly_fields = ("version", "active", "note", "created_by", "created_at")
    verbose_name_plural = _("versions")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyVersion]:
        return super().get_queryset(request).select_related("policy", "created_by")

    @admin.display(description=_("version"))
    def version(self, obj: PolicyVersion) -> SafeString:
        return _version_link(obj)

    @admin.display(description=pgettext_lazy("policy version", "active"), boolean=True)
    def active(self, obj: PolicyVersion) -> bool:
        return _is_active(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(StoreScoped[ReturnPolicy], admin.ModelAdmin[ReturnPolicy]):
    """Policies are made by loading their first version; what changes is which version is active."""

    list_display = ["__str__", "store", "seller", "active", "version_count"]
    list_filter = ["store"]
    list_select_related = ["store", "seller", "active_version"]
    search_fields = ["store__code", "store__name", "seller__code", "seller__name"]
    fields = readonly_fields = ("store", "seller", "active", "new_version")
    inlines = [PolicyVersionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnPolicy]:
        return super().get_queryset(request).annotate(version_count=Count("versions"))

    @admin.display(description=_("active version"))
    def active(self, obj: ReturnPolicy) -> SafeString | str:
        return _version_link(obj.active_version) if obj.active_version else gettext("none")

    @admin.display(description=_("versions"), ordering="version_count")
    def version_count(self, obj: ReturnPolicy) -> int:
        return int(getattr(obj, "version_count", 0))

    @admin.display(description=_("new version"))
    def new_version(self, obj: ReturnPolicy) -> SafeString:
        url = reverse("admin:policies_policyversion_add")
        return format_html(
            '<a class="button" href="{}?policy={}">{}</a>',
            url,
            obj.pk,
            gettext("Write a new version, starting from the active one"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(StoreScoped[PolicyVersion], admin.ModelAdmin[PolicyVersion]):
    """Versions are immutable: the add form is how a policy changes, and a saved version is read-only."""

    store_path = "policy__store"
    form = PolicyVersionForm
    list_display = ["__str__", "policy", "number", "active", "note", "created_by", "created_at"]
    list_display_links = ["__str__"]
    list_filter = ["policy__store", ("policy__seller", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["policy__store", "policy__seller", "created_by"]
    search_fields = ["name", "note"]
    actions = ["activate_selected"]
    change_form_template = "admin/policies/policyversion/change_form.html"
    view_fields = [
        "policy_link",
        "number",
        "name",
        "active",
        "note",
        "created_by",
        "created_at",
        "digest",
    ]

    # -- permissions: add, view and activate; never change or delete ------------------------------

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_activate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("policies.change_returnpolicy")

    # -- the forms ----------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": ["store", "seller", "document", "note"]})]
        return [
            (None, {"fields": self.view_fields}),
            (_("Document"), {"fields": ["document_lines"]}),
            (_("Lint warnings"), {"fields": ["lint_warnings"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else [*self.view_fields, "document_lines", "lint_warnings"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """The add form starts from the active version of ``?policy=``, or from ``?template=``."""
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        slot = None
        if (policy_id := request.GET.get("policy", "")).isdigit():
            slot = ReturnPolicy.objects.select_related("active_version").filter(pk=policy_id).first()
        if slot is not None:
            initial["store"], initial["seller"] = slot.store_id, slot.seller_id
            if slot.active_version is not None:
                initial["document"] = slot.active_version.document
        if "document" not in initial:
            name = request.GET.get("template", START_TEMPLATE)
            initial["document"] = services.template_text(
                name if name in services.template_names() else START_TEMPLATE
            )
        return initial

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        version = self.get_object(request, object_id) if object_id else None
        store = version.policy.store if version is not None else None
        context.update(
            show_save_and_add_another=False,
            show_save_and_continue=False,
            preview_form=PreviewForm(store=store, initial=_preview_initial(request)),
            preview_url=reverse("admin:policies_policyversion_preview"),
            orderline_lookup_url=reverse("admin:orders_orderline_changelist"),
            templates=[
                (name, services.compiled_template(name).policy.title.get(get_language() or "en"))
                for name in services.template_names()
            ],
        )
        if version is not None:
            context.update(
                version_active=_is_active(version),
                can_activate=self.has_activate_permission(request),
                activate_url=reverse("admin:policies_policyversion_activate", args=[version.pk]),
            )
        return super().changeform_view(request, object_id, form_url, context)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> PolicyVersion:
        """The version the form checked, saved and made active by the service (forms never write)."""
        if change:  # a saved version is read-only
            saved: PolicyVersion = super().save_form(request, form, change)
            return saved
        data = form.cleaned_data
        latest = services.latest_number(data["store"], data["seller"])
        version = services.load_policy(
            data["store"],
            data["document"],
            seller=data["seller"],
            user=request.user,
            note=data.get("note", ""),
        )
        form.unchanged = latest is not None and version.number <= latest
        form.instance = version
        return version

    def save_model(self, request: HttpRequest, obj: PolicyVersion, form: Any, change: bool) -> None:
        # save_form saved the version through load_policy: only say what happened.
        if form.unchanged:
            text = gettext("The document is the same as version %(number)d, which is active.")
            messages.info(request, text % {"number": obj.number})
        else:
            text = gettext("Version %(number)d of %(policy)s is saved and active.")
            messages.success(request, text % {"number": obj.number, "policy": obj.policy})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A version has no related objects to save."""

    def response_add(
        self, request: HttpRequest, obj: PolicyVersion, post_url_continue: str | None = None
    ) -> HttpResponse:
        for message in lint_notes(obj):
            messages.warning(request, message)
        return redirect("admin:policies_policyversion_change", obj.pk)

    # -- read-only display of a version ---------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyVersion]:
        return super().get_queryset(request).select_related("policy__store", "policy__seller", "created_by")

    @admin.display(description=_("policy"))
    def policy_link(self, obj: PolicyVersion) -> SafeString:
        url = reverse("admin:policies_returnpolicy_change", args=[obj.policy_id])
        return format_html('<a href="{}">{}</a>', url, obj.policy)

    @admin.display(description=pgettext_lazy("policy version", "active"), boolean=True)
    def active(self, obj: PolicyVersion) -> bool:
        return _is_active(obj)

    @admin.display(description=_("document (YAML)"))
    def document_lines(self, obj: PolicyVersion) -> SafeString:
        # Numbered lines, as problems and lint findings are reported by line.
        rows = format_html_join(
            "",
            '<span class="line" id="L{}">{}</span>',
            ((number, text) for number, text in enumerate(obj.document.splitlines(), start=1)),
        )
        return format_html('<pre class="policy-document numbered">{}</pre>', rows)

    @admin.display(description=_("lint warnings"))
    def lint_warnings(self, obj: PolicyVersion) -> SafeString:
        found = lint_notes(obj)
        if not found:
            return format_html(
                '<p class="policy-lint-ok">{}</p>',
                gettext("None: the policy gives EU, EEA and UK shoppers at least what the law does."),
            )
        items = format_html_join("", '<li class="warning">{}</li>', ((text,) for text in found))
        return format_html('<ul class="messagelist policy-lint">{}</ul>', items)

    # -- activation ---------------------------------------------------------------------------------

    @admin.action(description=_("Activate the selected version"), permissions=["activate"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[PolicyVersion]) -> None:
        versions = list(queryset[:2])
        if len(versions) != 1:
            self.message_user(request, gettext("Choose exactly one version to activate."), messages.ERROR)
            return
        self._activate(request, versions[0])

    def activate_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_activate_permission(request):
            raise PermissionDenied
        version = get_object_or_404(self.get_queryset(request), pk=object_id)
        self._activate(request, version)
        return redirect("admin:policies_policyversion_change", version.pk)

    def _activate(self, request: HttpRequest, version: PolicyVersion) -> None:
        try:
            services.activate(version)
        except services.PolicyRefused as error:
            for text in refusal_messages(error):
                self.message_user(request, text, messages.ERROR)
            return
        self.message_user(
            request,
            gettext("Version %(number)d of %(policy)s is now active.")
            % {"number": version.number, "policy": version.policy},
            messages.SUCCESS,
        )

    # -- live preview ---------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("preview/", wrap(self.preview_view), name="policies_policyversion_preview"),
            path(
                "<path:object_id>/activate/",
                wrap(self.activate_view),
                name="policies_policyversion_activate",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The decision a document (a saved version, or the one being written) makes on an order line.

        Saves nothing. Answers an htmx request with the fragment, any other with a page around it.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        version, store = self._previewed(request)
        context: dict[str, Any] = {"problems": [], "decision": None}
        form = PreviewForm(request.POST, store=store)
        try:
            services.compiled(version)
        except services.PolicyInvalid as error:
            context["problems"] = [error.message, *problem_messages(error)]
        if form.is_valid() and not context["problems"]:
            line = form.cleaned_data["order_line"]
            facts = facts_for_line(
                line,
                requested_at=form.cleaned_data["requested_at"],
                condition=form.cleaned_data["condition"],
                reason=form.cleaned_data["reason"],
                quantity=form.cleaned_data["quantity"],
            )
            decision = services.decide(version, facts)
            context.update(line=line, **_decision_context(decision, facts))
        context["form"] = form
        template = "admin/policies/preview.html"
        if request.headers.get("HX-Request") != "true":
            template = "admin/policies/preview_page.html"
            context.update(
                self.admin_site.each_context(request),
                opts=self.opts,
                title=gettext("Preview of a decision"),
            )
        return TemplateResponse(request, template, context)

    def _previewed(self, request: HttpRequest) -> tuple[PolicyVersion, Store | None]:
        """The saved version named by ``version``, else an unsaved one holding the posted ``document``."""
        if (version_id := request.POST.get("version", "")).isdigit():
            version = get_object_or_404(self.get_queryset(request), pk=version_id)
            return version, version.policy.store
        text = request.POST.get("document", "").replace("\r\n", "\n")
        store_id = request.POST.get("store", "")
        store = Store.objects.filter(pk=store_id).first() if store_id.isdigit() else None
        return PolicyVersion(document=text, digest=sha256(text.encode()).hexdigest()), store


def _preview_initial(request: HttpRequest) -> dict[str, Any] | None:
    """What was typed in the preview, kept when the add form comes back with errors."""
    if request.method != "POST":
        return None
    return {
        name: request.POST[key]
        for name in PreviewForm.base_fields
        if (key := f"{PreviewForm.prefix}-{name}") in request.POST
    }


def _locale() -> str:
    return "fr_FR" if (get_language() or "en").startswith("fr") else "en_GB"


def _decision_context(decision: Decision, facts: Facts) -> dict[str, Any]:
    locale = _locale()

    def money(amount: Any) -> str:
        return Money(amount, decision.currency).format(locale)

    return {
        "decision": decision,
        "facts": facts,
        "condition": label(CONDITION_LABELS, facts.condition),
        "reason": label(REASON_LABELS, facts.reason),
        "unit_price": money(facts.unit_price),
        "item_refund": money(decision.item_refund),
        "fees": [(label(FEE_LABELS, name), money(amount)) for name, amount in decision.fees],
        "refund_amount": money(decision.refund_amount),
        "store_credit_amount": money(decision.store_credit_amount),
        "legal_basis": label(LEGAL_BASIS_LABELS, decision.legal_basis) if decision.legal_basis else "",
        "resolutions": [label(RESOLUTION_LABELS, name) for name in decision.resolutions],
        "return_methods": [label(RETURN_METHOD_LABELS, name) for name in decision.return_methods],
        "explanation": decision.explanation(get_language() or "en"),
        "legal_floor": any(step.startswith("legal_floor:") for step in decision.trace),
    }


@admin.register(PolicyDecision)
class PolicyDecisionAdmin(StoreScoped[PolicyDecision], admin.ModelAdmin[PolicyDecision]):
    """Decisions as they were made: a record, never edited."""

    list_display = ["decided_at", "store", "version", "stage", "code", "eligible", "refund_percent"]
    list_filter = ["stage", "eligible", "store", "code", "legal_basis"]
    list_select_related = ["store", "version"]
    search_fields = ["code", "seller_code"]
    date_hierarchy = "decided_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
