"""``retour segments recompute|show|rules``: customers' figures and segments from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.orders.models import Customer
from retour.segments import services


class Command(BaseCommand):
    help = gettext_lazy(
        "Customer segments: recompute profiles, show a customer's, read or replace the rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        kw: dict[str, Any] = {"called_from_command_line": parser.called_from_command_line}
        recompute = sub.add_parser(
            "recompute", help=str(gettext_lazy("Recompute every customer's profile.")), **kw
        )
        show = sub.add_parser("show", help=str(gettext_lazy("A customer's figures and segment.")), **kw)
        show.add_argument("email")
        rules = sub.add_parser(
            "rules", help=str(gettext_lazy("Print the segment rules, or replace them.")), **kw
        )
        rules.add_argument(
            "--set", dest="path", help=str(gettext_lazy("A JSON file of rules to use instead."))
        )
        for each in (recompute, show, rules):
            each.add_argument(
                "--store", help=str(gettext_lazy("The store's code (needed when there are several stores)."))
            )
            each.add_argument("--json", action="store_true", help=str(gettext_lazy("Print JSON.")))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store = find_store(options.get("store"))
            getattr(self, f"_{options['action']}")(store, options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _recompute(self, store: Any, options: dict[str, Any]) -> None:
        count = services.recompute_store(store)
        self.stdout.write(
            json.dumps({"customers": count})
            if options["json"]
            else _("Profiles recomputed: %(count)d.") % {"count": count}
        )

    def _show(self, store: Any, options: dict[str, Any]) -> None:
        customer = (
            Customer.objects.filter(store=store, email__iexact=options["email"])
            .select_related("store")
            .first()
        )
        if customer is None:
            raise CommandError(_("There is no customer with this email in the store."))
        data = services.profile_data(services.recompute(customer))
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        for key, value in data.items():
            self.stdout.write(f"{key}: {value}")

    def _rules(self, store: Any, options: dict[str, Any]) -> None:
        if options.get("path"):
            try:
                data = json.loads(Path(options["path"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(
                    _("The rules file cannot be read: %(error)s") % {"error": error}
                ) from error
            services.save_rules(store, data)
        rules = [rule.as_json() for rule in services.rules_for(store.pk)]
        self.stdout.write(json.dumps(rules, ensure_ascii=False, indent=None if options["json"] else 2))
