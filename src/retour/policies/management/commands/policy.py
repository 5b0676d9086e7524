"""``retour policy load|lint|evaluate|simulate|versions``: each subcommand lives in policies/commands/."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.policies.commands import evaluate, load, simulate


class Command(BaseCommand):
    help = gettext_lazy("Load, check, evaluate and simulate return policies.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        for module in (load, evaluate, simulate):
            for name, helptext, add in module.SUBCOMMANDS:
                add(
                    sub.add_parser(
                        name, help=helptext, called_from_command_line=parser.called_from_command_line
                    )
                )

    def handle(self, *args: Any, **options: Any) -> None:
        for module in (load, evaluate, simulate):
            if options["action"] in {name for name, _help, _add in module.SUBCOMMANDS}:
                try:
                    module.run(self, options)
                    self.stdout.flush()
                except BrokenPipeError:
                    _quiet_exit()
                return


def _quiet_exit() -> None:
    """The reader of standard output went away (``retour policy evaluate … | head``): stop, without a
    traceback, and without another one when Python flushes standard output on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # standard output is not a file (tests give a StringIO)
        pass
    raise SystemExit(1)
