"""The periodic jobs `retour worker` queues (see ``retour.core.scheduling``). Each task is idempotent."""

from __future__ import annotations

from datetime import timedelta

from retour.core.scheduling import Job

DAY = timedelta(days=1)

JOBS = (
    # Reminders on the reminder days, then expiry, for approved returns not sent back.
    Job("chase-returns", "retour.returns.tasks.chase_unshipped_returns", DAY),
    # Instant exchanges whose return never shipped within INSTANT_EXCHANGE_DAYS are charged.
    Job("charge-instant-exchanges", "retour.returns.tasks.charge_instant_exchanges", DAY),
    # Store credit past its expiry date is written off.
    Job("expire-store-credit", "retour.refunds.tasks.expire_store_credit", DAY),
    # Refunds a provider left pending (a timeout, a crash) are asked about again, within minutes.
    Job("reconcile-refunds", "retour.refunds.tasks.reconcile_pending_refunds", timedelta(minutes=2)),
    # Tasks a worker left RUNNING when it died (its heartbeat stopped) go back to the queue.
    Job("requeue-orphaned-tasks", "retour.core.tasks.requeue_orphaned_tasks", timedelta(minutes=1)),
    # Guarantee claims whose seller let respond_by pass are granted; paid payouts mark their claims paid.
    Job("grant-overdue-claims", "retour.claims.tasks.grant_overdue_claims", timedelta(minutes=15)),
    # Sellers are told of each claim filed against them, and again 24 hours before respond_by (once each).
    Job("notify-sellers", "retour.sellers.tasks.notify_sellers", timedelta(minutes=5)),
    # Survey emails that failed (SMTP down) are tried again.
    Job("retry-survey-emails", "retour.feedback.tasks.retry_survey_emails", timedelta(hours=1)),
    # Emails that failed (SMTP down) are tried again.
    Job("retry-notifications", "retour.notifications.tasks.retry_failed_notifications", timedelta(hours=1)),
    # Outgoing webhooks whose next attempt is due (a retry after a failure, or a replay) are sent.
    Job("send-webhooks", "retour.webhooks.tasks.send_due_webhooks", timedelta(minutes=1)),
    # Returns, refunds and exchange orders for the shop whose sending is due and was not queued are sent.
    Job("push-shop-syncs", "retour.shopsync.tasks.push_due_syncs", timedelta(minutes=5)),
    # Staff are warned of repairs near their legal deadline (once each); failed repair emails are retried.
    Job("warn-repair-deadlines", "retour.repairs.tasks.warn_repair_deadlines", timedelta(hours=1)),
    # The portal's lookup attempts older than a day count for nothing: they are deleted.
    Job("prune-lookups", "retour.portal.tasks.prune_lookup_attempts", timedelta(hours=1)),
    # Parcels on their way are tracked by polling when the carrier's webhooks do not come; labels a
    # carrier failed to give at approval are asked for again.
    Job("follow-parcels", "retour.logistics.tasks.follow_parcels", timedelta(minutes=30)),
    # Staff are emailed about each product whose return rate jumped (once per jump).
    Job("alert-product-jumps", "retour.insights.tasks.alert_product_jumps", DAY),
    # The analytics rollup follows the orders, returns and refunds that changed since its last run.
    Job("follow-analytics", "retour.insights.tasks.follow_rollups", timedelta(minutes=1)),
    # The refund outlook (owed now, the 12-week forecast) is computed again when the facts changed.
    Job("refresh-outlooks", "retour.insights.tasks.refresh_outlooks", timedelta(minutes=5)),
)
