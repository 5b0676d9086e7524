from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.config.schedule import JOBS
from retour.core import leases
from retour.core.management.base import BaseCommand
from retour.core.scheduling import Scheduler, queue_due


class Command(BaseCommand):
    help = gettext_lazy(
        "Run the background task worker (django-tasks database backend), and queue the periodic jobs "
        "when they are due (reminders and expiry, refunds to reconcile, instant exchanges to charge, "
        "store credit to expire, emails to retry)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help=_("Queue the periodic jobs that are due, run every task, stop."),
        )
        parser.add_argument("--interval", type=float, default=1.0, help=_("Seconds between polls."))
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=60.0,
            help=_("Seconds between two looks at the periodic jobs."),
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help=_("Run tasks only; leave the periodic jobs to the other workers."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = leases.new_worker_id()
        worker = [
            "db_worker",
            "--interval",
            str(options["interval"]),
            "--no-reload",
            "--worker-id",
            worker_id,
        ]
        # What a worker that died held is taken up now, then every minute (a periodic job).
        leases.requeue_orphans()
        if options["batch"]:
            if not options["no_schedule"]:
                queue_due(JOBS)
            call_command(*worker, "--batch", "--no-startup-delay", verbosity=options["verbosity"])
            return
        scheduler = None if options["no_schedule"] else Scheduler(JOBS, options["schedule_interval"])
        heartbeat = leases.Heartbeat(worker_id)
        heartbeat.start()
        if scheduler is not None:
            scheduler.start()
        try:
            call_command(*worker, verbosity=options["verbosity"])
        finally:
            if scheduler is not None:
                scheduler.stop()
            heartbeat.stop()
