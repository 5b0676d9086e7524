from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.api.models import ApiToken
from retour.catalog.services import StoreNotFound, find_store
from retour.core.management.base import BaseCommand
from retour.sellers.services.accounts import seller_of


class Command(BaseCommand):
    # A seller account (sellers app) gets one too, bound to its seller: it reaches that seller's objects.
    help = gettext_lazy("Create an API token for a staff user and print it (it is shown only once).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help=_("What the token is for."))
        parser.add_argument(
            "--store", default=None, help=_("Limit the token to this store (its code); default: every store.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user named %(name)s.") % {"name": options["username"]})
        seller = seller_of(user)
        if not user.is_active or not (user.is_staff or seller is not None):
            raise CommandError(_("%(name)s is not an active staff user.") % {"name": options["username"]})
        try:
            store = find_store(options["store"]) if options["store"] else None
        except StoreNotFound as error:
            raise CommandError(error.message) from None
        if seller is not None:
            store = seller.store  # a seller account's token reaches its seller's objects only, in its store
        _record, token = ApiToken.issue(user, options["name"], store=store)
        self.stdout.write(token)
