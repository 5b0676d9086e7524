from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.logo_url import fetch_logo
from retour.catalog.models import Store
from retour.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("Create a store (or update the one with this code).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help=_("A short code, e.g. maison-lumiere."))
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", default="EUR")
        parser.add_argument("--country", default="FR")
        parser.add_argument("--time-zone", default="Europe/Paris")
        parser.add_argument(
            "--languages", default="fr,en", help=_("Comma-separated, default language first.")
        )
        parser.add_argument(
            "--brand-colour",
            help=_("The portal's colour, a hex code such as #0b57d0 (empty: the default colour)."),
        )
        parser.add_argument(
            "--logo", type=Path, help=_("A PNG, JPEG, GIF or WebP file shown at the top of the portal.")
        )
        parser.add_argument(
            "--logo-url",
            help=_("Or the https address of the logo: fetched once, checked as a file is, and kept."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(code=options["code"]).first() or Store(code=options["code"])
        store.name = options["name"]
        store.currency = options["currency"].upper()
        store.country = options["country"].upper()
        store.time_zone = options["time_zone"]
        store.languages = options["languages"]
        if options["brand_colour"] is not None:
            store.brand_colour = options["brand_colour"].strip().lower()
        logo = options["logo"]
        if logo is not None:
            try:
                store.logo = File(BytesIO(logo.read_bytes()), name=logo.name)
            except OSError as error:
                problem = _("The logo cannot be read: %(error)s") % {"error": error.strerror}
                raise CommandError(problem) from None
        if options["logo_url"]:
            try:
                store.logo = fetch_logo(options["logo_url"])
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        try:
            store.full_clean()
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            ) from None
        store.save()
        store.own_seller()
        self.stdout.write(_("Store %(code)s is ready.") % {"code": store.code})
