"""``retour policy evaluate``: the evaluation contract of specs/policy-templates.md.

Cases are read as JSON Lines, one at a time (a file of any size streams through), and each gives one
JSON object on its own line of standard output, in the same order: the decision, or
``{"id": …, "error": …}`` for a malformed case. The exit status is 1 when any case had an error.
Decisions go through the legal floor, as every decision does. No database is needed: templates and
policy documents are files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core import contract
from retour.core.cases import CaseError, case_id
from retour.policies import services
from retour.policies.commands.load import invalid
from retour.policies.domain import legal
from retour.policies.domain.cases import parse_case
from retour.policies.domain.compiler import CompiledPolicy

STDIN = contract.STDIN


def _add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--template", metavar="NAME", help=_("A built-in template, e.g. marketplace-standard.")
    )
    parser.add_argument(
        "--policy", metavar="FILE", help=_("A policy document (YAML); - reads it from standard input.")
    )
    parser.add_argument(
        "--cases",
        metavar="FILE",
        required=True,
        help=_("The cases, one JSON object a line; - reads them from standard input."),
    )


# Lazy: this list is made at import, before any language is active.
SUBCOMMANDS = [
    ("evaluate", gettext_lazy("Evaluate cases (JSON Lines) under a template or a policy document."), _add)
]


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    policy = _policy(options)
    floor = services.floor(policy)
    # A policy without a fee table prices any currency; otherwise only those its fees name.
    currencies = policy.policy.currencies if policy.policy.fees else None
    contract.evaluate_all(
        command,
        contract.case_lines(options["cases"]),
        lambda line, number: evaluate_line(line, number, policy, floor, currencies),
    )


def evaluate_line(
    line: bytes | str,
    number: int,
    policy: CompiledPolicy,
    floor: CompiledPolicy,
    currencies: Collection[str] | None,
) -> dict[str, Any]:
    """The contract's result object for one line of input, or its error object.

    Error messages stay in English whatever the operator's language: they are part of the contract,
    read by programs that compare results (see domain/cases.py).
    """
    try:
        case = contract.read_case(line, number)
    except contract.BadLine as bad:
        return bad.result
    try:
        facts = parse_case(case, currencies)
    except CaseError as error:
        return {"id": case_id(case), "error": error.message}
    return legal.decide(policy, facts, floor).as_contract(case["id"])


def _policy(options: dict[str, Any]) -> CompiledPolicy:
    template, path = options.get("template"), options.get("policy")
    if template is None and path is None:
        raise CommandError(_("Give the policy to evaluate: --template NAME or --policy FILE."))
    if template is not None and path is not None:
        raise CommandError(_("Give either --template or --policy, not both."))
    if path == STDIN and options["cases"] == STDIN:
        raise CommandError(_("Only one of --policy and --cases can be read from standard input."))
    if template is not None and template not in services.template_names():
        raise CommandError(
            _("There is no template named %(name)s; the templates are: %(names)s.")
            % {"name": template, "names": ", ".join(services.template_names())}
        )
    try:
        if template is not None:
            return services.compiled_template(template)
        return services.parse(_read_policy(str(path)))
    except services.PolicyInvalid as error:
        raise invalid(error) from None


def _read_policy(path: str) -> str:
    if path == STDIN:
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": file})
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(_("The file is not UTF-8 text.")) from None
