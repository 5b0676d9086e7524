"""``retour report NAME`` for every analytics page (``--from``, ``--to``, ``--store``, ``--seller``,
``--category``, ``--json``, ``--language``) and ``retour report rebuild`` (the rollup, from scratch)."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.catalog.services import StoreNotFound, find_store
from retour.insights.analytics import render
from retour.insights.analytics.base import FilterError, Page, parse_filters
from retour.insights.analytics.pages import PAGES
from retour.insights.services import rollup

REBUILD = "rebuild"


def add_page_parsers(sub: Any, parser: argparse.ArgumentParser, day: Callable[[str], date]) -> None:
    called = getattr(parser, "called_from_command_line", None)
    rebuild = sub.add_parser(
        REBUILD,
        help=_("Compute the analytics rollup again from the orders and returns."),
        called_from_command_line=called,
    )
    rebuild.add_argument("--store", help=_("The store's code (default: every store)."))
    for name, page in PAGES.items():
        one = sub.add_parser(name, help=str(page.summary), called_from_command_line=called)
        one.add_argument("--from", dest="start", type=day, help=_("The period's first day (YYYY-MM-DD)."))
        one.add_argument("--to", dest="end", type=day, help=_("The day after the period (YYYY-MM-DD)."))
        one.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
        one.add_argument("--seller", help=_("Only the lines of this seller (its code)."))
        one.add_argument("--category", help=_("Only the lines of this category, as orders name it."))
        one.add_argument("--json", action="store_true", help=_("Print the figures as one JSON object."))
        one.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("The language of the text report (default: the active language)."),
        )


def run_page_report(options: dict[str, Any], write: Callable[[str], Any]) -> bool:
    """Print the report ``options["report"]`` names when it is an analytics page or ``rebuild``; False
    when it is neither (another report)."""
    name = options["report"]
    if name == REBUILD:
        _rebuild(options["store"], write)
        return True
    if name not in PAGES:
        return False
    try:
        store = find_store(options["store"])
    except StoreNotFound as error:
        raise CommandError(error.message) from None
    _page(store, PAGES[name], options, write)
    return True


def _rebuild(code: str | None, write: Callable[[str], Any]) -> None:
    try:
        stores = [find_store(code)] if code else list(Store.objects.order_by("code"))
    except StoreNotFound as error:
        raise CommandError(error.message) from None
    for store in stores:
        started = time.perf_counter()
        cells = rollup.rebuild(store)
        write(
            _("%(store)s: %(cells)d rollup cells written in %(seconds).1f s")
            % {"store": store.code, "cells": cells, "seconds": time.perf_counter() - started}
        )


def _page(store: Store, page: Page, options: dict[str, Any], write: Callable[[str], Any]) -> None:
    with translation.override(options["language"] or translation.get_language()):
        try:
            filters = parse_filters(
                store,
                options["start"],
                options["end"],
                options["seller"],
                options["category"],
                default_days=page.default_days,
            )
        except FilterError as error:
            raise CommandError(error.message) from None
        report = page.build(filters)
        if options["json"]:
            write(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        else:
            write(render.text(report))
