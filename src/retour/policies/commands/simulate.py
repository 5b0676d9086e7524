"""``retour policy simulate``: replay the store's past return requests under a draft policy and compare.

retour policy simulate --policy DRAFT.yaml [--since 90d|30d|YYYY-MM-DD] [--store CODE] [--json]
retour policy simulate --template NAME ...
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from retour.catalog.services import StoreNotFound, find_store
from retour.policies import services, simulation
from retour.policies.commands.load import invalid, read_document
from retour.policies.simulation import SimulationReport


def _add(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--policy", metavar="FILE", help=_("The draft policy document (YAML)."))
    source.add_argument("--template", metavar="NAME", help=_("A built-in template as the draft."))
    parser.add_argument(
        "--since",
        default="90d",
        help=_("The requests of the last N days (90d, 30d…) or since a day (YYYY-MM-DD). Default: 90d."),
    )
    parser.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
    parser.add_argument("--json", action="store_true", help=_("Print the report as JSON."))


# Lazy: this list is made at import, before any language is active.
SUBCOMMANDS = [
    ("simulate", gettext_lazy("Replay past return requests under a draft policy and compare."), _add),
]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        store = find_store(options["store"])
    except StoreNotFound as error:
        raise CommandError(error.message) from None
    if options["template"]:
        text = read_document({"file": options["template"], "template": True})
    else:
        text = read_document({"file": options["policy"]})
    try:
        draft = services.parse(text)
    except services.PolicyInvalid as error:
        raise invalid(error) from None
    try:
        since = simulation.parse_since(options["since"], store, timezone.now())
        report = simulation.simulate(store, draft, since=since)
    except (simulation.BadPeriod, services.NoActivePolicy) as error:
        raise CommandError(error.message) from None
    if options["json"]:
        command.stdout.write(
            json.dumps({"store": store.code, **report.as_dict()}, indent=2, ensure_ascii=False)
        )
        return
    for line in text_report(report, simulation.locale_now()):
        command.stdout.write(line)


def text_report(report: SimulationReport, locale: str) -> list[str]:
    """The report as lines for a terminal, in the active language."""
    rows = simulation.summary_rows(report, locale)
    head = [_("Past requests"), _("As recorded"), _("Active: %(name)s") % {"name": report.active_policy}]
    head.append(_("Draft: %(name)s") % {"name": report.draft_policy})
    head.append(pgettext("difference between two policies", "Change"))
    table = [head, *([row.label, row.recorded, row.active, row.draft, row.change] for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    lines = [simulation.period_sentence(report, locale), ""]
    if not report.requests:
        return lines[:1]
    for number, line in enumerate(table):
        cells = [
            line[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)),
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    lines.append(simulation.changes_sentence(report, locale))
    if report.rules:
        lines.append("")
        lines.append(_("The rules that changed most outcomes (active rule → draft rule):"))
    for change in report.rules:
        lines.append(
            "  "
            + _("%(active)s → %(draft)s: %(count)s requests")
            % {
                "active": change.active_rule,
                "draft": change.draft_rule,
                "count": simulation.number(change.count, locale),
            }
        )
        for example in change.examples:
            lines.append("    " + simulation.example_sentence(example, locale))
    if report.other_rule_changes:
        lines.append(
            "  "
            + ngettext(
                "… and %(count)s more changed outcome under other rules.",
                "… and %(count)s more changed outcomes under other rules.",
                report.other_rule_changes,
            )
            % {"count": simulation.number(report.other_rule_changes, locale)}
        )
    return lines
