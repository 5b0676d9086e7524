from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand


def parse_bind(bind: str) -> tuple[str, int]:
    """HOST:PORT (an IPv6 host in brackets: [::1]:8000); a wrong one is a CommandError."""
    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            _("--bind takes HOST:PORT, for example 127.0.0.1:8000, not %(bind)s.") % {"bind": bind}
        )
    return host, int(port)


class Command(BaseCommand):
    help = gettext_lazy(
        "Serve Retour in production: migrate, collect the static files, then run gunicorn with several "
        "processes (JSON logs with a request id, /healthz, /readyz, /metrics). Run `retour worker` beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("BIND", "127.0.0.1:8000"),
            help=_("The address to listen on, HOST:PORT (default: BIND or 127.0.0.1:8000)."),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", "2")),
            help=_("Web processes (default: WEB_WORKERS or 2)."),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "8")),
            help=_("Threads in each process (default: WEB_THREADS or 8)."),
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help=_("Do not migrate first (when another machine does it)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parse_bind(options["bind"])
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError(_("--workers and --threads take a number of at least 1."))
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # Each process writes its counters here; /metrics sums them. Emptied at start: a dead server's
        # counts are not this one's.
        metrics_dir = settings.DATA_DIR / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "retour.config.wsgi:application",
            "--config",
            "python:retour.config.gunicorn",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(
            _("Serving on http://%(bind)s with %(workers)d processes.")
            % {"bind": options["bind"], "workers": options["workers"]}
        )
        self.stdout.flush()
        os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter running gunicorn
