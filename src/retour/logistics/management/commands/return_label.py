from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.models import SUPPORTED_LANGUAGES
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.logistics.services import printed_label
from retour.returns.services import handling


class Command(BaseCommand):
    help = gettext_lazy("Write the label and packing slip of a return to a PDF file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help=_("The return number, e.g. R8K2M4PQX."))
        parser.add_argument("--output", "-o", required=True, type=Path, help=_("The PDF file to write."))
        parser.add_argument(
            "--language",
            choices=SUPPORTED_LANGUAGES,
            default="",
            help=_("The language of the papers; by default the shopper's."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pdf = printed_label(handling.find(options["number"]), options["language"])
        except DomainError as error:
            raise CommandError(error.message) from error
        output: Path = options["output"]
        try:
            output.write_bytes(pdf)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror}
            ) from error
        self.stdout.write(_("Label written to %(path)s.") % {"path": output})
