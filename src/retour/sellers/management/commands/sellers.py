"""``retour sellers invite --seller CODE --email E``: invite someone to act for a marketplace seller."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.sellers.services import accounts


class Command(BaseCommand):
    help = gettext_lazy("Seller staff accounts: invite someone to act for a marketplace seller.")

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

    def handle(self, *args: Any, **options: Any) -> None:
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
