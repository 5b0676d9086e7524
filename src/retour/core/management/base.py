"""The base of Retour's management commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand as DjangoBaseCommand
from django.core.management.base import CommandParser
from django.utils.functional import Promise

from retour.core.replica import analytics_reads


class BaseCommand(DjangoBaseCommand):
    """A management command whose ``help`` may be ``gettext_lazy(…)``.

    A class attribute is evaluated at import, before any language is active; a lazy one is translated
    when the parser is made instead, in the active language. argparse formats only real strings.
    """

    help: str | Promise = ""  # type: ignore[assignment]  # Django's is str; a lazy one is read late
    reads_analytics = False  # True: its reads may go to the read replica (config/replica.py)

    def execute(self, *args: Any, **options: Any) -> str | None:
        if not self.reads_analytics:
            return super().execute(*args, **options)
        with analytics_reads():
            return super().execute(*args, **options)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.description is not None:
            parser.description = str(parser.description)
        return parser
