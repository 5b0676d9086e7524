"""``retour sellers invite --seller CODE --email E``: invite someone to act for a marketplace seller.
``retour sellers recover --seller CODE --amount A --reference R``: withhold what a seller owes (granted
claims it funds) from a payout the marketplace makes to it, once per payout reference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import find_store
from retour.claims.services import money
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.core.money import Money
from retour.sellers.services import accounts


class Command(BaseCommand):
    help = gettext_lazy(
        "Marketplace sellers: invite someone to act for a seller; recover what a seller owes from a payout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        invite = sub.add_parser(
            "invite",
            help=str(gettext_lazy("Email an invitation with a one-time link to set a password.")),
            called_from_command_line=parser.called_from_command_line,
        )
        invite.add_argument("--seller", required=True, help=str(gettext_lazy("The seller's code.")))
        invite.add_argument("--email", required=True, help=str(gettext_lazy("Who is invited.")))
        invite.add_argument("--store", default=None, help=str(gettext_lazy("The store's code (if several).")))
        invite.add_argument("--language", default="en", choices=["en", "fr"])
        invite.add_argument(
            "--site", default="", help=str(gettext_lazy("The address the link points to (RETOUR_SITE_URL)."))
        )

        recover = sub.add_parser(
            "recover",
            help=str(gettext_lazy("Withhold what a seller owes from a payout the marketplace makes to it.")),
            called_from_command_line=parser.called_from_command_line,
        )
        recover.add_argument("--seller", required=True, help=str(gettext_lazy("The seller's code.")))
        recover.add_argument(
            "--amount", required=True, help=str(gettext_lazy("The amount withheld, e.g. 85.00."))
        )
        recover.add_argument(
            "--currency", default="", help=str(gettext_lazy("Its currency (default: the store's)."))
        )
        recover.add_argument(
            "--reference", required=True, help=str(gettext_lazy("The payout's reference: recorded once."))
        )
        recover.add_argument(
            "--store", default=None, help=str(gettext_lazy("The store's code (if several)."))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recover":
            self._recover(options)
            return
        try:
            store = find_store(options["store"]) if options["store"] else None
            seller = accounts.find_seller(options["seller"], store)
            invited = accounts.invite(
                seller, options["email"], language=options["language"], site=options["site"]
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _("Invitation sent to %(email)s for %(seller)s; the link works once, until %(day)s:")
            % {
                "email": invited.invitation.email,
                "seller": seller.name,
                "day": invited.invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
            }
        )
        self.stdout.write(invited.link)

    def _recover(self, options: dict[str, Any]) -> None:
        try:
            store = find_store(options["store"]) if options["store"] else None
            seller = accounts.find_seller(options["seller"], store)
            currency = (options["currency"] or seller.store.currency).upper()
            amount = Money.of(options["amount"].strip(), currency)
            money.recover(seller, amount, reference=options["reference"])
        except DomainError as error:
            raise CommandError(error.message) from None
        except ValueError:
            raise CommandError(
                _("%(value)s is not an amount (for example 85.00).") % {"value": options["amount"]}
            ) from None
        owed = money.seller_balance(seller, currency)
        self.stdout.write(
            _("%(amount)s recovered from %(seller)s (payout %(reference)s); still owed: %(owed)s.")
            % {
                "amount": amount.format(),
                "seller": seller.name,
                "reference": options["reference"].strip(),
                "owed": owed.rounded().format(),
            }
        )
