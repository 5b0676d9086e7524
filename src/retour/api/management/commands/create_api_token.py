from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.api.models import ApiToken
from retour.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("Create an API token for a staff user and print it (it is shown only once).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help=_("What the token is for."))

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user named %(name)s.") % {"name": options["username"]})
        if not user.is_staff or not user.is_active:
            raise CommandError(_("%(name)s is not an active staff user.") % {"name": options["username"]})
        _record, token = ApiToken.issue(user, options["name"])
        self.stdout.write(token)
