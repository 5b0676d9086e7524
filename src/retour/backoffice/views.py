"""Staff pages outside the admin's model screens: the what-if simulator of a draft return policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from retour.backoffice.access import may_reach, store_ids, stores_for
from retour.backoffice.forms import SimulationForm
from retour.catalog.models import Store
from retour.core.spreadsheet import safe_rows
from retour.policies import services, simulation


@staff_member_required
@permission_required("policies.view_policydecision", raise_exception=True)
@require_http_methods(["GET", "POST"])
def simulate_policy(request: HttpRequest) -> HttpResponse:
    """A draft policy replayed on the store's past return requests, compared with the active policy."""
    context: dict[str, Any] = {"title": translation.gettext("What if: simulate a draft policy")}
    if request.method == "POST":
        form = SimulationForm(request.POST, stores=stores_for(request.user))
        if form.is_valid() and form.draft is not None:
            store: Store = form.cleaned_data["store"]
            since = timezone.now() - timedelta(days=form.cleaned_data["period"])
            try:
                report = simulation.simulate(store, form.draft, since=since)
            except services.NoActivePolicy as error:
                form.add_error(None, error.message)
            else:
                context.update(_report_context(report, simulation.locale_now()))
    else:
        form = SimulationForm(initial=_initial(request), stores=stores_for(request.user))
    context["form"] = form
    return render(request, "backoffice/simulate.html", context)


def _initial(request: HttpRequest) -> dict[str, Any]:
    store = stores_for(request.user).order_by("code").first()
    initial: dict[str, Any] = {"store": store, "period": 90}
    version = services.active_version(store) if store is not None else None
    initial["document"] = (
        version.document if version is not None else services.template_text("marketplace-standard")
    )
    return initial


def _report_context(report: simulation.SimulationReport, locale: str) -> dict[str, Any]:
    return {
        "report": report,
        "period": simulation.period_sentence(report, locale),
        "rows": simulation.summary_rows(report, locale),
        "changes": simulation.changes_sentence(report, locale),
        "rules": [
            {
                "change": change,
                "count": simulation.number(change.count, locale),
                "examples": [
                    {
                        "id": example.request_id,
                        "url": _admin_url(example.request_id),
                        "count": example.count,
                        "alike": simulation.number(example.count, locale),
                        "request": simulation.request_words(example.facts, locale),
                        "active": simulation.decision_words(example.active, locale),
                        "draft": simulation.decision_words(example.draft, locale),
                    }
                    for example in change.examples
                ],
            }
            for change in report.rules
        ],
        "other": simulation.number(report.other_rule_changes, locale),
    }


def _admin_url(request_id: int) -> str | None:
    """The stored decision's page in the admin, when the admin shows decisions."""
    try:
        return reverse("admin:policies_policydecision_change", args=[request_id])
    except NoReverseMatch:
        return None


@staff_member_required
@permission_required("returns.receive_return", raise_exception=True)
@require_http_methods(["GET", "POST"])
def receive_parcel(request: HttpRequest) -> HttpResponse:
    """The warehouse's scan box: the return number from the label (scanner or keyboard), Enter, received."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from retour.core.errors import DomainError
    from retour.returns.services import handling

    if request.method == "POST":
        number = request.POST.get("number", "")
        try:
            ret = handling.receive(_reachable(request, handling.find(number)), actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                translation.gettext("%(number)s received: %(lines)d line(s), now to inspect.")
                % {"number": ret.number, "lines": ret.lines.count()},
            )
        return redirect("backoffice:receive")
    return render(request, "backoffice/receive.html", {"title": translation.gettext("Receive a parcel")})


def _reachable(request: HttpRequest, ret: Any) -> Any:
    """``ret`` if the staff member works for its store; another store's return is not found."""
    from retour.returns.errors import ReturnNotFound

    if not may_reach(request.user, ret.store_id):
        raise ReturnNotFound(translation.gettext("There is no return %(number)s.") % {"number": ret.number})
    return ret


@staff_member_required
@permission_required("helpcenter.view_searchlog", raise_exception=True)
@require_http_methods(["GET"])
def help_analytics(request: HttpRequest) -> HttpResponse:
    """Searches per day, top queries, content gaps (no result, no click), votes and comments; CSV export."""
    import csv

    from retour.helpcenter.services import analytics

    try:
        days = max(1, min(int(request.GET.get("days", 30)), 365))
    except ValueError:
        days = 30
    french = (translation.get_language() or "").startswith("fr")
    store = _help_store(request)
    report = analytics.report(days, language="fr" if french else "en", store=store)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="help-analytics-{report.since}.csv"'
        csv.writer(response).writerows(safe_rows(analytics.csv_rows(report)))
        return response
    return render(
        request,
        "backoffice/help_analytics.html",
        {
            "title": translation.gettext("Help center: what shoppers look for"),
            "report": report,
            "days": days,
            "store": store,
            "stores": stores_for(request.user).order_by("code"),
        },
    )


def _help_store(request: HttpRequest) -> Store | None:
    """The store whose help-center searches are shown (``?store=CODE``, one the member may reach); None:
    every store's, for a member not limited to some stores."""
    code = request.GET.get("store", "")[:64]
    reachable = stores_for(request.user)
    found = reachable.filter(code=code).first() if code else None
    if found is None and store_ids(request.user) is not None:
        found = reachable.order_by("code").first()
    return found


@staff_member_required
@permission_required("claims.view_claim", raise_exception=True)
@require_http_methods(["GET"])
def sellers_at_risk(request: HttpRequest) -> HttpResponse:
    """The marketplace sellers whose claim rate over 60 days is above 1 %, with their weekly trend."""
    from retour.claims import queries

    risks = queries.sellers_at_risk()
    rows = [
        {
            "seller": risk.seller,
            "rate": _percent(risk.rate.rate),
            "claimed": risk.rate.claimed_orders,
            "orders": risk.rate.orders,
            "trend": [(at, _percent(rate.rate)) for at, rate in risk.trend],
            "rising": risk.rising,
        }
        for risk in risks
    ]
    weeks = [at for at, _rate in risks[0].trend] if risks else []
    return render(
        request,
        "backoffice/sellers_at_risk.html",
        {"title": translation.gettext("Sellers at risk: claim rate over 1 %"), "rows": rows, "weeks": weeks},
    )


def _percent(rate: Any) -> str:
    return f"{rate * 100:.2f} %"
