"""``retour helpcenter search QUERY --lang fr [--json]`` and ``--queries FILE`` (JSON Lines in and out)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.models import Store
from retour.catalog.services import find_store
from retour.core.errors import DomainError
from retour.helpcenter.search import LANGUAGES, Result, answering, did_you_mean, search

LIMIT = 10


def add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", help=_("What to search for."))
    parser.add_argument("--lang", default="en", choices=LANGUAGES, help=_("The shopper's language."))
    parser.add_argument("--json", action="store_true", help=_("Print the results as JSON."))
    parser.add_argument(
        "--store", default="", help=_("Search this store's help center (default: the shared articles).")
    )
    parser.add_argument(
        "--answer",
        action="store_true",
        help=_('Also give the passage that answers the query and "did you mean" for its misspellings.'),
    )
    parser.add_argument(
        "--queries",
        metavar="FILE",
        help=_('Answer many queries: JSON Lines in ({"id", "lang", "query"}), JSON Lines out.'),
    )


SUBCOMMANDS = [("search", gettext_lazy("Search the help center."), add)]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        store = find_store(options["store"]) if options["store"] else None
    except DomainError as error:
        raise CommandError(error.message) from None
    if options["queries"]:
        _many(command, options["queries"], store)
        return
    if not options["query"]:
        raise CommandError(_("Give a QUERY or --queries FILE."))
    results = search(options["query"], options["lang"], limit=LIMIT, store=store)
    if options["answer"]:
        _answer(command, options["query"], options["lang"], results, store, as_json=options["json"])
        return
    if options["json"]:
        rows = [
            {"slug": r.slug, "lang": r.language, "title": r.title, "score": round(r.score, 4)}
            for r in results
        ]
        command.stdout.write(json.dumps(rows, ensure_ascii=False))
        return
    if not results:
        command.stdout.write(_("No article matches."))
    for r in results:
        command.stdout.write(f"{r.score:8.3f}  {r.slug}  [{r.language}]  {r.title}")


def _answer(
    command: BaseCommand,
    query: str,
    lang: str,
    results: list[Result],
    store: Store | None,
    *,
    as_json: bool,
) -> None:
    """The passage of the best article that answers ``query`` (plain text), "did you mean", the list."""
    fixed = did_you_mean(query, lang, store)
    best = results[0] if results else None
    passage = answering(best.language, store).passage(best.slug, query) if best is not None else None
    if as_json:
        answer = None
        if best is not None and passage is not None:
            answer = {"slug": best.slug, "lang": best.language, "title": best.title, "text": passage}
        rows = [{"slug": r.slug, "lang": r.language, "score": round(r.score, 4)} for r in results]
        command.stdout.write(
            json.dumps({"did_you_mean": fixed, "answer": answer, "results": rows}, ensure_ascii=False)
        )
        return
    if fixed:
        command.stdout.write(f"{_('Did you mean:')} {fixed}")
    if best is not None and passage is not None:
        command.stdout.write(_("Answer from %(slug)s:") % {"slug": best.slug})
        command.stdout.write(passage)
    if not results:
        command.stdout.write(_("No article matches."))
    for r in results:
        command.stdout.write(f"{r.score:8.3f}  {r.slug}  [{r.language}]  {r.title}")


def _many(command: BaseCommand, path: str, store: Store | None) -> None:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                query, lang, ident = str(item["query"]), str(item.get("lang", "en")), item.get("id", number)
            except (ValueError, KeyError, TypeError):
                command.stdout.write(
                    json.dumps(
                        {"id": number, "error": _("line %(line)d is not a query object") % {"line": number}}
                    )
                )
                continue
            results = search(query, lang, limit=LIMIT, store=store)
            out = [{"slug": r.slug, "lang": r.language, "score": round(r.score, 4)} for r in results]
            command.stdout.write(json.dumps({"id": ident, "results": out}, ensure_ascii=False))
