"""``retour helpcenter override SLUG --store CODE [--lang fr --title T --body-file FILE]``: a store's own
version of a shared article."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import find_store
from retour.core.errors import DomainError
from retour.helpcenter.services import overrides


def add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help=_("The shared article's slug."))
    parser.add_argument("--store", default="", help=_("The store's code (needed when there are several)."))
    parser.add_argument("--lang", choices=overrides.LANGUAGES, help=_("The language of the text given."))
    parser.add_argument("--title", default="", help=_("The store's title in that language."))
    parser.add_argument(
        "--body-file", metavar="FILE", help=_("The store's text in that language (Markdown).")
    )


SUBCOMMANDS = [("override", gettext_lazy("Write a store's own version of a shared article."), add)]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    texts: dict[str, tuple[str, str]] = {}
    if options["lang"] or options["title"] or options["body_file"]:
        if not (options["lang"] and options["title"] and options["body_file"]):
            raise CommandError(_("Give --lang, --title and --body-file together."))
        try:
            body = Path(options["body_file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": options["body_file"], "error": error}
            ) from None
        texts[options["lang"]] = (options["title"], body)
    try:
        store = find_store(options["store"] or None)
        article, created = overrides.write(options["slug"], store, texts)
    except DomainError as error:
        raise CommandError(error.message) from None
    message = (
        _("%(store)s now shows its own version of %(slug)s.")
        if created
        else _("%(store)s's own version of %(slug)s is up to date.")
    )
    command.stdout.write(message % {"store": store.code, "slug": article.slug})
