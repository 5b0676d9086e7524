from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.returns.tasks import chase, chase_unshipped_returns


class Command(BaseCommand):
    help = gettext_lazy(
        "Remind shoppers of approved returns not yet sent back (on RETURN_REMINDER_DAYS), and expire them "
        "after RETURN_EXPIRY_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help=_("Queue the work for the worker instead of doing it now.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            chase_unshipped_returns.enqueue()
            self.stdout.write(_("Queued for the worker."))
            return
        done = chase()
        self.stdout.write(
            _("Reminders sent: %(reminded)d. Returns expired: %(expired)d.")
            % {"reminded": done.reminded, "expired": done.expired}
        )
