"""Logistics from the worker (django-tasks, `retour worker`); periodic: ``config/schedule.py``."""

from __future__ import annotations

from django_tasks import task

from retour.logistics import services, shipping, tracking


@task()
def void_label(shipment_id: int) -> str:
    """Give back the unused label of a return that was cancelled or expired."""
    return str(shipping.void(shipment_id).status)


@task()
def follow_parcels() -> dict[str, int]:
    """Ask the carrier where each parcel still on its way is (the webhooks' fallback), and ask again for
    the labels a carrier failed to give at approval."""
    counts = tracking.poll()
    counts["labels_issued"] = services.issue_missing_labels()
    return counts
