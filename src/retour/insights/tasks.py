"""The analytics' periodic job (django-tasks, `retour worker`)."""

from __future__ import annotations

from django_tasks import task

from retour.insights import health_alerts
from retour.insights.services import outlook, rollup


@task()
def follow_rollups() -> str:
    """Bring every store's analytics rollup up to date with the facts that changed since the last run."""
    return f"{rollup.follow_all()} cells written"


@task()
def alert_product_jumps() -> str:
    """Email staff about each product whose return rate jumped, once per jump."""
    done = health_alerts.follow_all()
    return f"{done.opened} opened, {done.closed} closed, {done.emailed} emailed"


@task()
def refresh_outlooks() -> str:
    """Compute and store each store's refund outlook (owed now, the 12-week forecast) when it is missing
    or the facts changed since (at most every 15 minutes): pages read the stored one."""
    return f"{outlook.refresh_all()} outlooks computed"
