"""``retour claims evaluate``: the evaluation contract of specs/guarantee-claims.md.

Cases are read as JSON Lines, one at a time (a file of any size streams through), and each gives one
JSON object on its own line of standard output, in the same order: the assessment, or
``{"id": …, "error": …}`` for an invalid case. The exit status is 1 when any case was invalid. The
terms (caps, windows) are the deployment's (claims/config.py). No database is needed.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.claims.config import configured_terms
from retour.claims.domain.cases import parse_case
from retour.claims.domain.rules import assess
from retour.claims.domain.terms import Terms
from retour.core import contract
from retour.core.cases import CaseError, case_id

STDIN = contract.STDIN


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
    contract.evaluate_all(
        command,
        contract.case_lines(options["cases"]),
        lambda line, number: evaluate_line(line, number, terms),
    )


def evaluate_line(line: bytes | str, number: int, terms: Terms) -> dict[str, Any]:
    """The contract's result object for one line of input, or its error object.

    Error messages stay in English whatever the operator's language: they are part of the contract,
    read by programs that compare results (see domain/cases.py).
    """
    try:
        # A JSON number is read as a Decimal, never as a binary float: 12.1 is exactly 12.1.
        case = contract.read_case(line, number, parse_float=Decimal)
    except contract.BadLine as bad:
        return bad.result
    try:
        claim = parse_case(case, terms)
    except CaseError as error:
        return {"id": case_id(case), "error": error.message}
    return assess(claim, terms).as_contract(case["id"])
