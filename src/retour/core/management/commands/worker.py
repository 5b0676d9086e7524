from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("Run the background task worker (django-tasks database backend).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help=_("Run the tasks that are due, then stop."))
        parser.add_argument("--interval", type=float, default=1.0, help=_("Seconds between polls."))

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", "--interval", str(options["interval"]), "--no-reload", *extra)
