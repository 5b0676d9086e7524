"""``retour repairs list|show|update|quote|accept|decline|pay|quote-refunded|warn|settings``: repairs
from a terminal, as staff (``settings``: the store's repair policy, its diagnosis fee, shown or changed
with ``--set``; ``quote-refunded``: a quote owed back, refunded by hand).
An answer to a quote charges it once (``accept``: the quote; ``decline``: the diagnosis fee, if any), the
same as the portal and the API; ``pay`` asks again, once per key, for what a failed charge left unpaid."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import StoreNotFound, find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.repairs import queries
from retour.repairs.domain.states import SHOPPER, STAFF
from retour.repairs.models import Repair
from retour.repairs.services import deadlines, paying, policy, steps


class Command(BaseCommand):
    help = gettext_lazy("Repairs: list, show, move a step, quote, record the shopper's answer, warn staff.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        cli = parser.called_from_command_line
        listing = sub.add_parser(
            "list", help=str(gettext_lazy("List repairs.")), called_from_command_line=cli
        )
        listing.add_argument("--store", default=None)
        listing.add_argument("--state", default=None)
        show = sub.add_parser("show", help=str(gettext_lazy("Show a repair.")), called_from_command_line=cli)
        show.add_argument("number")
        show.add_argument("--json", action="store_true")
        update = sub.add_parser(
            "update", help=str(gettext_lazy("Move a repair a step.")), called_from_command_line=cli
        )
        update.add_argument("number")
        update.add_argument("state")
        update.add_argument("--note", default="")
        update.add_argument("--tracking", default="")
        quote = sub.add_parser(
            "quote", help=str(gettext_lazy("Quote a repair out of guarantee.")), called_from_command_line=cli
        )
        quote.add_argument("number")
        quote.add_argument("--amount", required=True)
        quote.add_argument(
            "--fee",
            default=None,
            help=str(gettext_lazy("A lower diagnosis fee than the store's (by default, the store's).")),
        )
        for name, text in (
            ("accept", gettext_lazy("Record that the shopper accepts the quote.")),
            ("decline", gettext_lazy("Record that the shopper declines the quote.")),
        ):
            answer = sub.add_parser(name, help=str(text), called_from_command_line=cli)
            answer.add_argument("number")
            answer.add_argument(
                "--method", default="original", choices=["original", "store_credit", "manual"]
            )
        pay = sub.add_parser(
            "pay",
            help=str(gettext_lazy("Charge again what a failed charge left unpaid.")),
            called_from_command_line=cli,
        )
        pay.add_argument("number")
        pay.add_argument(
            "--key", required=True, help=str(gettext_lazy("The idempotency key of this payment."))
        )
        pay.add_argument("--method", default="original", choices=["original", "store_credit", "manual"])
        refunded = sub.add_parser(
            "quote-refunded",
            help=str(gettext_lazy("Record that the quote owed back was refunded by hand.")),
            called_from_command_line=cli,
        )
        refunded.add_argument("number")
        refunded.add_argument(
            "--reference", required=True, help=str(gettext_lazy("The reference of the refund."))
        )
        settings = sub.add_parser(
            "settings",
            help=str(gettext_lazy("Show or change the store's repair settings (the diagnosis fee).")),
            called_from_command_line=cli,
        )
        settings.add_argument("--store", default=None)
        settings.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=str(gettext_lazy("A setting to change, e.g. diagnosis_fee=25 (all or nothing).")),
        )
        sub.add_parser(
            "warn",
            help=str(gettext_lazy("Warn staff of repairs near their deadline (the periodic job's work).")),
            called_from_command_line=cli,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except (DomainError, StoreNotFound) as error:
            raise CommandError(getattr(error, "message", str(error))) from error

    def _find(self, number: str) -> Repair:
        found = queries.find(number)
        if found is None:
            raise CommandError(_("There is no repair %(number)s.") % {"number": number})
        return found

    def _line(self, repair: Repair) -> str:
        j = queries.journey(repair)
        expected = f"{j.next_state} {j.expected_on.isoformat()}" if j.expected_on else "-"
        late = " late" if j.late else ""
        due = f"{repair.due_on.isoformat()}{late}"
        paid = f"\t{j.charged.rounded()}" if j.charged is not None else ""
        unpaid = "\t" + _("unpaid") + f" {j.unpaid.rounded()}" if j.unpaid is not None else ""
        owed = (
            "\t" + _("quote to refund") + f" {j.quote_refund_owed.rounded()}"
            if j.quote_refund_owed is not None
            else ""
        )
        return f"{repair.number}\t{repair.state}\t{due}\t{expected}\t{repair.ret.number}{paid}{unpaid}{owed}"

    def _list(self, options: dict[str, Any]) -> None:
        found = Repair.objects.select_related("store", "ret").order_by("-requested_at", "-id")
        if options["store"]:
            found = found.filter(store=find_store(options["store"]))
        if options["state"]:
            found = found.filter(state=options["state"])
        for repair in found[:500]:
            self.stdout.write(self._line(repair))

    def _show(self, options: dict[str, Any]) -> None:
        from retour.api.v1.repairs import out  # the API's view of a repair, the same fields

        repair = self._find(options["number"])
        if options["json"]:
            self.stdout.write(json.dumps(out(repair).dict(), default=str, ensure_ascii=False))
            return
        self.stdout.write(self._line(repair))
        for step in queries.journey(repair).steps:
            self.stdout.write(f"  {step.at.isoformat()}\t{step.label}\t{step.why}")

    def _update(self, options: dict[str, Any]) -> None:
        repair = self._find(options["number"])
        done = steps.update(
            repair, options["state"], role=STAFF, note=options["note"], tracking=options["tracking"]
        )
        self.stdout.write(self._line(done))

    def _quote(self, options: dict[str, Any]) -> None:
        repair = self._find(options["number"])
        self.stdout.write(
            self._line(steps.quote(repair, role=STAFF, amount=options["amount"], fee=options["fee"]))
        )

    def _accept(self, options: dict[str, Any]) -> None:
        repair = self._find(options["number"])
        self.stdout.write(self._line(steps.accept_quote(repair, role=SHOPPER, method=options["method"])))

    def _decline(self, options: dict[str, Any]) -> None:
        repair = self._find(options["number"])
        self.stdout.write(self._line(steps.decline_quote(repair, role=SHOPPER, method=options["method"])))

    def _pay(self, options: dict[str, Any]) -> None:
        repair = self._find(options["number"])
        paying.pay_again(repair, idempotency_key=options["key"], method=options["method"])
        self.stdout.write(self._line(self._find(options["number"])))

    def _quote_refunded(self, options: dict[str, Any]) -> None:
        repair = self._find(options["number"])
        paying.record_quote_refunded(repair, reference=options["reference"])
        self.stdout.write(self._line(self._find(options["number"])))

    def _settings(self, options: dict[str, Any]) -> None:
        store = find_store(options["store"])
        if options["set"]:
            values: dict[str, str] = {}
            for pair in options["set"]:
                name, equals, value = pair.partition("=")
                if not equals:
                    raise CommandError(_("Write each setting as NAME=VALUE: “%(pair)s”.") % {"pair": pair})
                values[name.strip()] = value
            row = policy.update_settings(store, values)
        else:
            row = policy.settings_of(store)
        for name, value in policy.as_dict(row).items():
            self.stdout.write(f"{name}\t{value}")

    def _warn(self, options: dict[str, Any]) -> None:
        self.stdout.write(_("%(count)d repairs warned about.") % {"count": deadlines.warn_staff()})
