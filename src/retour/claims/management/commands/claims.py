"""``retour claims evaluate``: each subcommand lives in claims/commands/."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from retour.claims.commands import evaluate
from retour.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("Evaluate marketplace guarantee claims.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        for name, helptext, add in evaluate.SUBCOMMANDS:
            add(
                sub.add_parser(
                    name, help=str(helptext), called_from_command_line=parser.called_from_command_line
                )
            )

    def handle(self, *args: Any, **options: Any) -> None:
        evaluate.run(self, options)
