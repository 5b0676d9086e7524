"""The order page: what can go back (the items screen), the returns already made, the withdrawal button,
and what the marketplace guarantee can do for the items of third-party sellers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour.claims.services import outlook as claim_outlook
from retour.orders.models import Order, OrderLine
from retour.policies.order_facts import delivered_on
from retour.portal import access, wording
from retour.portal.forms import PickForm
from retour.portal.views.claims import type_sentence
from retour.portal.views.common import draft, page, save_draft
from retour.returns.domain import returnable, states
from retour.returns.errors import NoPolicy
from retour.returns.models import Return, ReturnLine
from retour.returns.services.creating import delivered_units, outlook, units_in_returns
from retour.returns.services.withdrawing import withdrawable


@dataclass(frozen=True)
class Row:
    line: OrderLine
    form: PickForm | None  # None: nothing of it can go back now
    why_not: str
    help_url: str = ""  # what else is possible, when nothing can go back
    note: str = ""  # a limit the shopper should know before picking (e.g. final sale: only if faulty)
    claim_text: str = ""  # what the marketplace guarantee can do for a line that cannot go back
    claim_url: str = ""


def _why_not(why: str) -> str:
    if why == returnable.NOT_DELIVERED:
        return _("Not delivered yet: you can return it once it has arrived.")
    if why == returnable.IN_RETURN:
        return _("Already in a return.")
    return ""


def _rows(request: HttpRequest, order: Order) -> list[Row]:
    prefetch_related_objects([order], "shipments")  # one query for every line's delivery
    lines = list(order.lines.select_related("shipment").order_by("position"))
    taken = units_in_returns([line.pk for line in lines])
    language = "fr" if (translation.get_language() or "").startswith("fr") else "en"
    outlooks = outlook(order, lines, now=timezone.now())
    saved = {item["line"]: item for item in (draft(request, order.pk) or {}).get("lines", [])}
    rows = []
    for line in lines:
        line.order = order  # the facts and units read it; one order, no query per line
        can = returnable.returnable(
            returnable.LineUnits(delivered_units(line), delivered_on(line), taken.get(line.pk, 0))
        )
        available = can.units
        if available <= 0:
            on_its_way = can.why_not == returnable.NOT_DELIVERED
            guarantee = reverse("helpcenter:article", args=["marketplace-guarantee"]) if on_its_way else ""
            rows.append(Row(line, None, _why_not(can.why_not), guarantee))
            continue
        seen = outlooks.get(line.pk)
        if seen is not None and not seen.returnable:  # final sale, gift card, perishable...: said here
            rows.append(Row(line, None, seen.change_of_mind.explanation(language)))
            continue
        note = ""
        if seen is not None and seen.only_if_faulty:
            note = " ".join(
                (
                    seen.change_of_mind.explanation(language),
                    _("It can still come back if it is faulty, damaged or not as ordered."),
                )
            )
        before = saved.get(line.pk)
        initial = {"selected": True, **before} if before else {"quantity": available}
        data = request.POST if request.method == "POST" else None
        form = PickForm(data, prefix=f"l{line.pk}", available=available, initial=initial)
        rows.append(Row(line, form, "", note=note))
    return rows


def _with_guarantee(rows: list[Row], order: Order, outlooks: list[claim_outlook.SellerOutlook]) -> list[Row]:
    """A line that cannot go back (not delivered, not returnable) says whether and when the buyer can
    claim under the marketplace guarantee, with the way to the claim."""
    found = []
    for row in rows:
        seller = next((o for o in outlooks if any(line.pk == row.line.pk for line in o.lines)), None)
        if row.form is not None or seller is None:
            found.append(row)
            continue
        claim = next(
            (c for c in seller.claims if any(cl.order_line_id == row.line.pk for cl in c.lines.all())), None
        )
        if claim is not None:
            text = _("Under the guarantee: claim %(number)s.") % {"number": claim.number}
            found.append(
                replace(row, claim_text=text, claim_url=reverse("portal:claim", args=[claim.number]))
            )
            continue
        wanted = "not_received" if row.help_url else "not_as_described"
        seen = seller.of(wanted)
        if seen is None:
            found.append(row)
            continue
        sentence, _link = type_sentence(seen, order)
        url = reverse("portal:claim_new", args=[order.pk]) + f"?line={row.line.pk}&type={wanted}"
        text = _("Marketplace Guarantee: %(sentence)s") % {"sentence": sentence}
        found.append(replace(row, claim_text=text, claim_url=url))
    return found


def withdrawal_offered(order: Order) -> bool:
    """The EU withdrawal function (art. 11a) is shown to EU/EEA shoppers while the right covers an item."""
    try:
        covered = withdrawable(order)
    except NoPolicy:  # the store decides nothing yet: the items screen says so when the shopper goes on
        return False
    return any(item.decision.legal_basis == "eu_withdrawal" for item in covered)


def _returns(order: Order) -> list[tuple[Return, str, list[ReturnLine]]]:
    found = order.returns.prefetch_related("lines__order_line").order_by("-created_at")
    return [(ret, wording.label(wording.STATES, ret.state), list(ret.lines.all())) for ret in found]


@require_http_methods(["GET", "POST"])
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access.order_for(request, order_id)
    outlooks = claim_outlook.for_order(order)
    rows = _with_guarantee(_rows(request, order), order, outlooks)
    error = ""
    focus = ""  # the id of the first field to answer again: the page opens there (autofocus, no script)
    if request.method == "POST":
        forms = [row.form for row in rows if row.form is not None]
        if all(form.is_valid() for form in forms):
            picked = [
                {
                    "line": int(form.prefix[1:]),  # type: ignore[index]
                    "quantity": form.cleaned_data["quantity"],
                    "reason": form.cleaned_data["reason"],
                    "condition": form.cleaned_data["condition"],
                    "details": form.cleaned_data["details"],
                }
                for form in forms
                if form.cleaned_data.get("selected")
            ]
            if picked:
                save_draft(request, order.pk, picked)
                return redirect("portal:options", order_id=order.pk)
            error = _("Choose at least one item to return.")
        else:
            error = _("Some answers are missing: see the items marked below.")
            wrong = next(form for form in forms if form.errors)
            focus = next((wrong[name].auto_id for name in wrong.fields if name in wrong.errors), "")
    context = {
        "order": order,
        "rows": rows,
        "returnable": any(row.form is not None for row in rows),
        "returns": _returns(order),
        "withdrawal": withdrawal_offered(order),
        "error": error,
        "focus": focus,
        "open_states": states.OPEN,
        "guarantee": [
            (
                seen,
                [
                    (t, wording.label(wording.CLAIM_TYPES, t.claim_type), *type_sentence(t, order))
                    for t in seen.types
                ],
                [(c, wording.label(wording.CLAIM_STATES, c.state)) for c in seen.claims],
            )
            for seen in outlooks
        ],
    }
    return page(request, "portal/order.html", "items", context, status=400 if error else 200)
