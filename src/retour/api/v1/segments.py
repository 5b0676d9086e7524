"""``/api/v1/segments/…``: a store's segment rules (read, replace) and a customer's figures and segment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from retour.api.scope import one_store
from retour.api.v1.returns import require_staff
from retour.orders.models import Customer
from retour.segments import services

router = Router(tags=["segments"])


class ProfileOut(Schema):
    customer: str
    as_of: str
    segment: str
    segment_label: str
    rfm: str
    orders_total: int
    orders_365d: int
    returns_last_365d: int
    return_rate_365d: str
    return_value_rate_365d: str
    net_spend_365d: str
    recency_days: int | None


def _rules(store_id: int) -> list[dict[str, Any]]:
    return [rule.as_json() for rule in services.rules_for(store_id)]


@router.get("/rules", response=list[dict[str, Any]], summary="The store's segment rules, in the order tried")
def get_rules(request: HttpRequest, store: str | None = None) -> list[dict[str, Any]]:
    require_staff(request, "orders.view_customer", _("You may not see customers."))
    return _rules(one_store(request, store).pk)


@router.put("/rules", response=list[dict[str, Any]], summary="Replace the store's segment rules")
def put_rules(
    request: HttpRequest, rules: list[dict[str, Any]], store: str | None = None
) -> list[dict[str, Any]]:
    """Refused with every problem (422) and nothing changed when a rule does not read."""
    require_staff(request, "segments.change_segmentrules", _("You may not change the segment rules."))
    target = one_store(request, store)
    services.save_rules(target, rules)
    return _rules(target.pk)


@router.get("/customers", response=ProfileOut, summary="A customer's figures and segment, computed now")
def get_profile(
    request: HttpRequest, email: str, language: str = "en", store: str | None = None
) -> ProfileOut:
    require_staff(request, "orders.view_customer", _("You may not see customers."))
    target = one_store(request, store)
    customer = (
        Customer.objects.filter(store=target, email__iexact=email[:254]).select_related("store").first()
    )
    if customer is None:
        raise services.CustomerNotFound(_("There is no customer with this email in the store."))
    data = services.profile_data(services.recompute(customer))
    data["segment_label"] = (
        services.segment_label(target.pk, data["segment"], language) if data["segment"] else ""
    )
    return ProfileOut(**data)
