"""``retour withdraw ORDER --name NAME --email EMAIL [--line ID ...]``: record a withdrawal from the contract
made by phone or letter, and print the return that brings the items back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.catalog.services import find_store
from retour.core.errors import DomainError
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.withdrawing import withdraw, withdrawable


class Command(BaseCommand):
    help = _("Record a shopper's withdrawal from the contract of an order (every item it covers by default).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("order", help=_("The order number."))
        parser.add_argument("--name", required=True, help=_("Who withdraws."))
        parser.add_argument("--email", required=True, help=_("Where the acknowledgement goes."))
        parser.add_argument("--line", type=int, action="append", help=_("An order line id (repeat)."))
        parser.add_argument("--store", help=_("The store's code (needed when there are several)."))
        parser.add_argument("--language", default="", help=_("en or fr (default: the order's)."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            order = Order.objects.filter(store=find_store(options["store"]), number=options["order"]).first()
            if order is None:
                raise CommandError(_("The store has no order %(number)s.") % {"number": options["order"]})
            lines = options["line"] or [item.line.pk for item in withdrawable(order)]
            statement = withdraw(
                order,
                lines,
                name=options["name"],
                email=options["email"],
                language=options["language"],
                channel=Return.Channel.BACKOFFICE,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        at = timezone.localtime(statement.at, order.store.zone)
        message = ngettext(
            "Withdrawal recorded on %(at)s; return %(number)s brings back %(count)d item.",
            "Withdrawal recorded on %(at)s; return %(number)s brings back %(count)d items.",
            len(lines),
        )
        values = {"at": at.isoformat(timespec="minutes"), "number": statement.ret.number, "count": len(lines)}
        self.stdout.write(message % values)
