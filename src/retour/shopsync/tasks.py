"""Sending returns, refunds and exchange orders to the shop from the worker (`retour worker`)."""

from __future__ import annotations

from django_tasks import task

from retour.shopsync.services import pushing


@task()
def push_to_shop(sync_id: int) -> str:
    """One attempt of one sync to the shop; a failure queues the next attempt at its time."""
    return pushing.push(sync_id)


@task()
def push_due_syncs() -> int:
    """The periodic job (config/schedule.py): queue every sync whose attempt is due and was not queued."""
    return pushing.queue_due()
