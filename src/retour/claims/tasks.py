"""Background work on claims (django-tasks, run by `retour worker`)."""

from __future__ import annotations

from django_tasks import task

from retour.claims.services import deciding, money


@task()
def grant_overdue_claims() -> int:
    """Grant the claims whose seller let ``respond_by`` pass without answering, and mark paid the granted
    claims whose payout has been paid since; idempotent, safe to run on two workers at once."""
    granted = deciding.grant_overdue()
    money.settle_payouts()
    return granted
