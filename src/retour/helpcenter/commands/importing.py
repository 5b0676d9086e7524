"""``retour helpcenter import DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.helpcenter.services.articles import import_folder


def add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help=_("A folder of articles: en/<slug>.md, fr/<slug>.md."))


SUBCOMMANDS = [("import", gettext_lazy("Import help-center articles from a folder."), add)]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    folder = Path(options["folder"])
    if not folder.is_dir():
        raise CommandError(_("%(folder)s is not a folder.") % {"folder": folder})
    report = import_folder(folder)
    if report.errors:
        for error in report.errors:
            command.stderr.write(error)
        raise CommandError(
            _("Nothing was imported: %(count)d file(s) have problems.") % {"count": len(report.errors)}
        )
    command.stdout.write(
        _("Help-center articles: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    )
