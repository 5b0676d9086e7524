"""``retour claims evaluate``: the evaluation contract of specs/guarantee-claims.md.

Cases are read as JSON Lines, one at a time (a file of any size streams through), and each gives one
JSON object on its own line of standard output, in the same order: the assessment, or
``{"id": …, "error": …}`` for an invalid case. The exit status is 1 when any case was invalid. The
terms (caps, windows) are the deployment's (claims/config.py). No database is needed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour.claims.config import configured_terms
from retour.claims.domain.cases import CaseError, case_id, parse_case
from retour.claims.domain.rules import assess
from retour.claims.domain.terms import Terms

STDIN = "-"


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cases",
        metavar="FILE",
        required=True,
        help=_("The cases, one JSON object a line; - reads them from standard input."),
    )


# Lazy: this list is made at import, before any language is active.
SUBCOMMANDS = [
    ("evaluate", gettext_lazy("Evaluate claims (JSON Lines) under the marketplace's guarantee terms."), _add)
]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        terms = configured_terms()
    except ImproperlyConfigured as error:
        raise CommandError(str(error)) from None
    errors = 0
    for number, line in enumerate(_lines(options["cases"]), start=1):
        if not line.strip():
            continue  # a blank line (e.g. at the end of the file) is no case
        result = evaluate_line(line, number, terms)
        errors += "error" in result
        command.stdout.write(json.dumps(result, ensure_ascii=False))
    if errors:
        command.stderr.write(
            ngettext("%(count)d case had an error.", "%(count)d cases had an error.", errors)
            % {"count": errors}
        )
        command.stdout.flush()
        # Not CommandError: every line is already written, only the exit status is left to give.
        raise SystemExit(1)


def evaluate_line(line: bytes | str, number: int, terms: Terms) -> dict[str, Any]:
    """The contract's result object for one line of input, or its error object.

    Error messages stay in English whatever the operator's language: they are part of the contract,
    read by programs that compare results (see domain/cases.py).
    """
    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
    except UnicodeDecodeError:
        return {"id": None, "error": f"line {number} is not UTF-8 text"}
    try:
        # A JSON number is read as a Decimal, never as a binary float: 12.1 is exactly 12.1.
        case = json.loads(text.removeprefix("\ufeff") if number == 1 else text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"line {number} is not valid JSON: {error.msg}"}
    try:
        claim = parse_case(case, terms)
    except CaseError as error:
        return {"id": case_id(case), "error": error.message}
    return assess(claim, terms).as_contract(case["id"])


def _lines(path: str) -> Iterator[bytes | str]:
    """The lines of the cases file (or of standard input), one at a time.

    Read as bytes where possible and decoded line by line (``evaluate_line``), so that a line that is
    not UTF-8 is one case in error rather than the end of the evaluation.
    """
    if path == STDIN:
        yield from getattr(sys.stdin, "buffer", sys.stdin)
        return
    file = Path(path)
    if not file.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": file})
    with file.open("rb") as stream:
        yield from stream
