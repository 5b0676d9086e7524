"""``retour policy load FILE``, ``retour policy lint FILE`` and ``retour policy versions``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from retour.catalog.models import Seller
from retour.catalog.services import StoreNotFound, find_store
from retour.policies import services
from retour.policies.forms import lint_message, lint_messages, refusal_messages, warning_messages
from retour.policies.models import PolicyVersion


def _add_load(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("The policy document (YAML), or a template name with --template."))
    parser.add_argument("--template", action="store_true", help=_("FILE names a built-in template."))
    parser.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
    parser.add_argument("--seller", help=_("A marketplace seller's code: load the seller's own policy."))
    parser.add_argument("--note", default="", help=_("Why this version (kept with it)."))


def _add_lint(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("The policy document (YAML), or a template name with --template."))
    parser.add_argument("--template", action="store_true", help=_("FILE names a built-in template."))
    parser.add_argument(
        "--store", help=_("A store's code: also check the law of every country the store sells to.")
    )
    parser.add_argument(
        "--countries", default="", help=_("Countries the store sells to, comma-separated (e.g. NL,FI).")
    )


def _add_versions(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help=_("The store's code (needed when there are several stores)."))


# Lazy: this list is made at import, before any language is active.
SUBCOMMANDS = [
    ("load", gettext_lazy("Save a policy document as the next version and make it active."), _add_load),
    (
        "lint",
        gettext_lazy("Check a policy document and warn where it promises less than the law."),
        _add_lint,
    ),
    ("versions", gettext_lazy("List the store's policy versions."), _add_versions),
]


def read_document(options: dict[str, Any]) -> str:
    if options.get("template"):
        try:
            return services.template_text(options["file"])
        except services.PolicyInvalid as error:
            raise CommandError(error.message) from None
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": path})
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(_("The file is not UTF-8 text.")) from None


def invalid(error: services.PolicyInvalid) -> CommandError:
    lines = [
        _("line %(line)s, %(field)s: %(message)s") % problem for problem in error.details.get("problems", [])
    ]
    return CommandError("\n".join([error.message, *lines]))


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    action = options["action"]
    if action == "lint":
        _lint(command, options)
    elif action == "load":
        _load(command, options)
    else:
        _versions(command, options)


def _lint(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        policy = services.parse(read_document(options))
    except services.PolicyInvalid as error:
        raise invalid(error) from None
    findings = services.lint(policy)
    notes = [*warning_messages(policy), *services.law_notes(policy, _countries(options))]
    for note in notes:
        command.stdout.write(note)
    for finding in findings:
        command.stdout.write(lint_message(finding))  # the sentence the admin shows, vocabulary translated
    rules, warnings = len(policy.policy.rules), len(findings) + len(notes)
    command.stdout.write(
        _("%(name)s: valid, %(rules)s, %(warnings)s.")
        % {
            "name": policy.policy.name,
            "rules": ngettext("%(count)d rule", "%(count)d rules", rules) % {"count": rules},
            "warnings": ngettext("%(count)d warning", "%(count)d warnings", warnings) % {"count": warnings},
        }
    )


def _countries(options: dict[str, Any]) -> set[str]:
    """The countries named by --countries, and those the --store sells to."""
    countries = {code.strip().upper() for code in options.get("countries", "").split(",") if code.strip()}
    if options.get("store"):
        try:
            countries |= services.selling_countries(find_store(options["store"]))
        except StoreNotFound as error:
            raise CommandError(error.message) from None
    return countries


def _load(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        store = find_store(options["store"])
    except StoreNotFound as error:
        raise CommandError(error.message) from None
    seller = None
    if options["seller"]:
        seller = Seller.objects.filter(store=store, code=options["seller"]).first()
        if seller is None:
            raise CommandError(_("There is no seller with the code %(code)s.") % {"code": options["seller"]})
    try:
        version = services.load_policy(store, read_document(options), seller=seller, note=options["note"])
    except services.PolicyInvalid as error:
        raise invalid(error) from None
    except services.PolicyRefused as error:
        # Which cases, and what the seller's policy gives less of (fees included).
        raise CommandError("\n".join(refusal_messages(error))) from None
    command.stdout.write(
        _("%(name)s version %(number)d is active.") % {"name": version.name, "number": version.number}
    )
    policy = services.compiled(version)
    notes = services.law_notes(policy, services.selling_countries(store))
    for line in [*warning_messages(policy), *notes, *lint_messages(services.lint(policy))]:
        command.stdout.write(line)


def _versions(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        store = find_store(options["store"])
    except StoreNotFound as error:
        raise CommandError(error.message) from None
    versions = PolicyVersion.objects.filter(policy__store=store).select_related("policy__seller", "policy")
    for version in versions.order_by("policy_id", "number"):
        active = version.policy.active_version_id == version.pk
        owner = version.policy.seller.code if version.policy.seller_id else store.code  # type: ignore[union-attr]
        state = pgettext("policy version", "active") if active else ""
        command.stdout.write(
            f"{owner}\t{version.name}\tv{version.number}\t{version.created_at:%Y-%m-%d %H:%M}\t{state}"
        )
