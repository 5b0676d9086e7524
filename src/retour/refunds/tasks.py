"""Background work on refunds (django-tasks, run by `retour worker`)."""

from __future__ import annotations

from django_tasks import task

from retour.refunds.services.paying import reconcile_pending


@task()
def reconcile_pending_refunds() -> int:
    """Complete refunds and exchange charges left pending by a crash or a timeout; idempotent, safe to run
    twice at once."""
    from retour.refunds.services import charging

    return reconcile_pending() + charging.reconcile_pending()


@task()
def expire_store_credit() -> int:
    """Write off store credit past its expiry date; idempotent (an expired credit is written off once)."""
    from retour.refunds.services.store_credit import expire

    return expire()
