"""``retour insights evaluate-abuse --seed S [--shoppers N] [--json]``: the abuse scoring measured on a
freshly planted history (``abuse.domain.planted``)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.abuse.domain import planted
from retour.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("Insights: measure the abuse scoring on a planted history.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        evaluate = sub.add_parser(
            "evaluate_abuse",
            aliases=["evaluate-abuse"],
            help=str(
                gettext_lazy("Precision, recall and honest shoppers sent to review, on a planted history.")
            ),
            called_from_command_line=parser.called_from_command_line,
        )
        evaluate.add_argument(
            "--seed", type=int, required=True, help=str(gettext_lazy("The history's seed."))
        )
        evaluate.add_argument(
            "--shoppers",
            type=int,
            default=2000,
            help=str(gettext_lazy("Shoppers in the history (2,000).")),
        )
        evaluate.add_argument("--json", action="store_true", help=str(gettext_lazy("Print JSON.")))

    def handle(self, *args: Any, **options: Any) -> None:
        shoppers = max(1, min(int(options["shoppers"]), 1_000_000))
        figures = planted.evaluate(planted.plant(options["seed"], shoppers))
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            _("Precision %(precision).3f, recall %(recall).3f, honest shoppers reviewed %(honest).2f %%.")
            % {
                "precision": figures["precision"],
                "recall": figures["recall"],
                "honest": figures["honest_review_rate"] * 100,
            }
        )
