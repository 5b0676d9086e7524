"""``retour policy load|lint|evaluate|simulate|versions``: each subcommand lives in policies/commands/."""

from __future__ import annotations

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
                module.run(self, options)
                return
