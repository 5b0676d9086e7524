"""A return's admin page with its refunds: the refunds paid, the refund dates and legal deadlines, and the
refund actions and buttons. Returns' own admin knows nothing of refunds (refunds are downstream of
returns); this one extends it and takes its place in the admin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from babel.dates import format_date
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.display import amount, label
from retour.refunds.models import Refund
from retour.refunds.services.deadlines import for_return
from retour.refunds.services.paying import refunds_for, request_refund
from retour.returns.admin import ReturnAdmin
from retour.returns.admin_buttons import REFUND, Button
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services.amounts import left_to_refund

# How staff read the gateway a refund or a charge went through (stored as a code).
GATEWAY_LABELS = {
    "stripe": gettext_lazy("card (Stripe)"),
    "manual": gettext_lazy("by hand"),
    "store_credit": gettext_lazy("store credit"),
    "gift_card": gettext_lazy("gift card"),
}

REFUND_BUTTONS = (
    Button("refund_selected", gettext_lazy("Refund to the original payment"), REFUND),
    Button("store_credit_selected", gettext_lazy("Refund as store credit"), REFUND),
)


T = TypeVar("T")


def _after(items: Sequence[T], anchor: T, *added: T) -> list[T]:
    at = list(items).index(anchor) + 1
    return [*items[:at], *added, *items[at:]]


class ReturnWithRefundsAdmin(ReturnAdmin):
    readonly_fields = [*_after(ReturnAdmin.readonly_fields, "approved", "refunds"), "deadlines"]
    actions = _after(ReturnAdmin.actions or [], "inspect_selected", *(b.action for b in REFUND_BUTTONS))

    def buttons_for(self, ret: Return, user: Any) -> list[Button]:
        """An inspected return with something left to refund offers its refunds first."""
        found = super().buttons_for(ret, user)
        if ret.state == states.INSPECTED and left_to_refund(ret):
            found = [button for button in REFUND_BUTTONS if user.has_perm(button.permission)] + found
        return found

    @admin.display(description=gettext_lazy("refunds"))
    def refunds(self, ret: Return) -> str:
        found = refunds_for(ret)
        if not found:
            return "—"
        statuses = dict(Refund.Status.choices)
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}</li>",
                (
                    (
                        _("%(amount)s (%(gateway)s): %(status)s")
                        % {
                            "amount": amount(refund.amount, refund.currency),
                            "gateway": label(GATEWAY_LABELS, refund.gateway),
                            "status": label(statuses, refund.status),
                        },
                    )
                    for refund in found
                ),
            ),
        )

    @admin.display(description=gettext_lazy("refund dates and legal deadlines"))
    def deadlines(self, ret: Return) -> str:
        found = for_return(ret)
        locale = "fr_FR" if (translation.get_language() or "en").startswith("fr") else "en_GB"

        def day(value: Any) -> str:
            return format_date(value, "medium", locale=locale)

        parts = [
            format_html(
                "<p>{}</p>",
                _("If refunded today, the shopper sees the money between %(earliest)s and %(latest)s.")
                % {"earliest": day(found.expected.earliest), "latest": day(found.expected.latest)},
            )
        ]
        if found.legal_due is not None:
            parts.append(
                format_html(
                    "<p><strong>{}</strong></p>",
                    _("The law requires the refund by %(due)s (14 days after the withdrawal).")
                    % {"due": day(found.legal_due)},
                )
            )
        if found.surcharge:
            parts.append(format_html("<p>{}</p>", _("Late-refund surcharge owed in France (L242-4):")))
            parts.append(
                format_html(
                    "<ul>{}</ul>",
                    format_html_join(
                        "",
                        "<li>{}</li>",
                        (
                            (
                                _("from %(day)s: %(amount)s")
                                % {"day": day(when), "amount": step.amount.format(locale)},
                            )
                            for when, step in found.surcharge
                        ),
                    ),
                )
            )
        return format_html("{}", format_html_join("", "{}", ((part,) for part in parts)))

    def _refund(self, request: HttpRequest, queryset: QuerySet[Return], method: str) -> None:
        # One key per return and method: a second click finds the first refund instead of paying twice.
        self._each(
            request,
            queryset,
            lambda ret: request_refund(
                ret, idempotency_key=f"admin-{ret.number}-{method}", method=method, actor=request.user
            ),
            _("Refunds requested: %(count)d."),
        )

    @admin.action(description=gettext_lazy("Refund to the original payment"), permissions=["refund"])
    def refund_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._refund(request, queryset, "original")

    @admin.action(description=gettext_lazy("Refund as store credit (with the bonus)"), permissions=["refund"])
    def store_credit_selected(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        self._refund(request, queryset, "store_credit")

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.refund_return")


def register(site: admin.AdminSite) -> None:
    """Take the place of returns' own admin of returns."""
    if site.is_registered(Return):
        site.unregister(Return)
    site.register(Return, ReturnWithRefundsAdmin)
