"""One payment attempt, exactly once: the lifecycle a refund (money back) and a charge (money in) share.

1. Creation, once per idempotency key (``once``): look the key up; if it is new, write the attempt down
   inside a transaction that holds the owner's row lock (the caller's ``create`` takes it and checks the
   key again under it). A concurrent call with the same key either queues on that lock and reads the
   winner's row, or loses the insert to the unique key and reads it then. Either way: the first row.
2. The gateway call (``attempt``), outside any transaction: a provider call never holds a lock. The first
   call asks the provider to move the money, every later one asks what became of it, with the row's own
   provider idempotency key, so asking twice never moves money twice.
3. The outcome (``record``): under the row lock, a row no longer pending is left as it is (exactly once);
   otherwise the attempt is counted and the provider's answer written; a settled row (succeeded or
   failed) is handed to its policy (the ledger, the owner's events) in the same transaction. A row the
   provider has not settled yet is asked again in a minute, then by the periodic job
   (``reconcile_pending``); a manual one waits for staff (``confirm_by_hand``).

A ``Lifecycle`` names what differs: the model, which gateway method moves or reads the money, what to lock
before the row, and what a settled row means. ``paying`` (refunds) and ``charging`` (charges) are its two
users.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.refunds import gateways
from retour.refunds.errors import IdempotencyKeyRequired
from retour.refunds.gateways.base import FAILED, PENDING, SUCCEEDED, Gateway, GatewayResult
from retour.refunds.models import Charge, Refund
from retour.returns.services.timeline import Actor, user_of

RECONCILE_AFTER = timedelta(minutes=1)

Attempt = TypeVar("Attempt", Refund, Charge)
Made = TypeVar("Made")


@dataclass(frozen=True)
class Lifecycle(Generic[Attempt]):
    """What one kind of payment attempt does at each step of the shared lifecycle."""

    model: type[Attempt]
    first: Callable[[Gateway, Attempt], GatewayResult]  # move the money
    again: Callable[[Gateway, Attempt], GatewayResult]  # what became of it
    lock: Callable[[Attempt], Attempt]  # lock what comes before the row, then the row; return it
    settled: Callable[[Attempt], None]  # the row, saved succeeded or failed, inside its transaction


def require_key(idempotency_key: str | None) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 255:
        raise IdempotencyKeyRequired(_("An Idempotency-Key of 1 to 255 characters is required."))
    return key


def once(find: Callable[[], Made | None], create: Callable[[], Made | None]) -> tuple[Made, bool]:
    """The row for one idempotency key and whether this call made it. ``find`` reads the key's row (and
    refuses one made for something else); ``create`` runs in a transaction, takes the owner's lock, and
    returns None when the key's row appeared while it waited."""
    found = find()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            made = create()
    except IntegrityError:  # another process inserted the key between our check and our insert
        found = find()
        if found is None:
            raise
        return found, False
    if made is None:  # made by a concurrent call while we waited for the lock
        found = find()
        assert found is not None  # create saw the key's row under the lock
        return found, False
    return made, True


def attempt(lifecycle: Lifecycle[Attempt], row: Attempt) -> Attempt:
    """Ask the row's gateway to move the money (or, after a first try, what became of it), then record
    the answer. Calling it again for a settled row changes nothing."""
    if row.status != PENDING:
        return row
    if row.amount == 0:
        return record(lifecycle, row, GatewayResult(SUCCEEDED, reference="nothing-to-pay"))
    gateway = gateways.named(row.gateway)
    first = row.attempts == 0 and not row.provider_reference
    result = lifecycle.first(gateway, row) if first else lifecycle.again(gateway, row)
    return record(lifecycle, row, result)


def record(lifecycle: Lifecycle[Attempt], row: Attempt, result: GatewayResult) -> Attempt:
    """Write the gateway's answer on the row once: a row already settled is returned as it is."""
    with transaction.atomic():
        current = lifecycle.lock(row)
        if current.status != PENDING:
            return current
        current.attempts += 1
        current.provider_reference = result.reference or current.provider_reference
        current.last_error = result.error
        if result.status in (SUCCEEDED, FAILED):
            current.status = result.status
            current.completed_at = timezone.now()
        current.save()
        if current.status != PENDING:
            lifecycle.settled(current)
        elif current.gateway != gateways.MANUAL and current.attempts == 1:
            transaction.on_commit(enqueue_reconcile)  # the provider answers later: ask again
    return current


def confirm_by_hand(lifecycle: Lifecycle[Attempt], row: Attempt, *, actor: Actor, reference: str) -> Attempt:
    """Staff say the money moved by hand: recorded as succeeded once, with who said so."""
    current = record(lifecycle, row, GatewayResult(SUCCEEDED, reference=reference))
    lifecycle.model.objects.filter(pk=current.pk, confirmed_by__isnull=True).update(
        confirmed_by=user_of(actor)
    )
    return current


def reconcile_pending(lifecycle: Lifecycle[Attempt], limit: int = 500) -> int:
    """Ask providers about pending attempts (manual ones wait for staff); how many settled. Safe to run
    twice."""
    done = 0
    pending = lifecycle.model.objects.filter(status=PENDING).exclude(gateway=gateways.MANUAL)
    for row in pending.order_by("id")[:limit]:
        if attempt(lifecycle, row).status != PENDING:
            done += 1
    return done


def enqueue_reconcile() -> None:
    """Ask the providers again in a minute (then the periodic job keeps asking)."""
    from retour.refunds.tasks import reconcile_pending_refunds  # the task module imports the services

    reconcile_pending_refunds.using(run_after=timezone.now() + RECONCILE_AFTER).enqueue()
