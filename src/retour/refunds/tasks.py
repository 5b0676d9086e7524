"""Background work on refunds (django-tasks, run by `retour worker`)."""

from __future__ import annotations

from django_tasks import task

from retour.refunds.services.paying import RefundRefused, reconcile_pending, request_refund
from retour.returns.domain import states
from retour.returns.models import Return


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


@task()
def refund_returnless(return_id: int) -> str:
    """Refund a return the shopper keeps entirely, once: the key is the return's, so running this twice
    (or after staff refunded it by hand with it) pays nothing more."""
    ret = Return.objects.get(pk=return_id)
    if ret.return_method != Return.Method.KEEP or ret.state != states.APPROVED:
        return "not returnless"
    try:
        _request, created = request_refund(ret, idempotency_key=f"returnless:{ret.number}")
    except RefundRefused as refused:
        return f"refused: {refused}"
    return "requested" if created else "already requested"


def refund_when_kept(return_id: int) -> None:
    """Registered with returns (RefundsConfig.ready): a return the shopper keeps is refunded by the worker."""
    refund_returnless.enqueue(return_id)
