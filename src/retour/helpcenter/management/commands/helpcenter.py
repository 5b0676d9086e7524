"""``retour helpcenter import|search|override``: each subcommand lives in helpcenter/commands/."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.helpcenter.commands import importing, overriding, searching

MODULES = (importing, searching, overriding)


class Command(BaseCommand):
    help = gettext_lazy("Import and search the help center.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        for module in MODULES:
            for name, helptext, add in module.SUBCOMMANDS:
                add(
                    sub.add_parser(
                        name, help=helptext, called_from_command_line=parser.called_from_command_line
                    )
                )

    def handle(self, *args: Any, **options: Any) -> None:
        for module in MODULES:
            if options["action"] in {name for name, _help, _add in module.SUBCOMMANDS}:
                module.run(self, options)
                return
