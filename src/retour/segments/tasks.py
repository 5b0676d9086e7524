"""Customer profiles brought up to date by the worker (``retour worker``)."""

from __future__ import annotations

from django_tasks import task

from retour.orders.models import Customer
from retour.segments.services import recompute, recompute_many


@task()
def recompute_profile(customer_id: int) -> str:
    """The customer's figures and segment as of today; idempotent (the profile is replaced)."""
    customer = Customer.objects.filter(pk=customer_id).select_related("store").first()
    if customer is None:
        return "no such customer"
    return recompute(customer).segment or "-"


@task()
def recompute_profiles(customer_ids: list[int]) -> str:
    """The profiles of the customers an import touched; idempotent. How many were computed."""
    customers = Customer.objects.filter(pk__in=customer_ids).select_related("store").order_by("pk")
    return str(len(recompute_many(customers)))
