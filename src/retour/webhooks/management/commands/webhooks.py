"""``retour webhooks list|add|replay``: the endpoints and their deliveries, from a terminal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import StoreNotFound, find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.webhooks import services
from retour.webhooks.models import Delivery, Endpoint


class Command(BaseCommand):
    help = gettext_lazy("Outgoing webhooks: list, add or resume endpoints, replay a delivery.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        cli = parser.called_from_command_line
        listing = sub.add_parser(
            "list",
            help=str(gettext_lazy("List endpoints and their latest deliveries.")),
            called_from_command_line=cli,
        )
        listing.add_argument("--store", default=None)
        add = sub.add_parser(
            "add",
            help=str(gettext_lazy("Register an endpoint; prints its secret once.")),
            called_from_command_line=cli,
        )
        add.add_argument("url")
        add.add_argument("--events", required=True, help=str(gettext_lazy("Comma-separated event names.")))
        add.add_argument("--owner-email", required=True)
        add.add_argument("--language", default="fr", choices=["fr", "en"])
        add.add_argument("--store", default=None)
        replay = sub.add_parser(
            "replay", help=str(gettext_lazy("Send a delivery again.")), called_from_command_line=cli
        )
        replay.add_argument("delivery", type=int)
        resume = sub.add_parser(
            "resume", help=str(gettext_lazy("Resume a paused endpoint.")), called_from_command_line=cli
        )
        resume.add_argument("endpoint", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except (DomainError, StoreNotFound) as error:
            raise CommandError(getattr(error, "message", str(error))) from error

    def _list(self, options: dict[str, Any]) -> None:
        endpoints = Endpoint.objects.select_related("store")
        if options["store"]:
            endpoints = endpoints.filter(store=find_store(options["store"]))
        for endpoint in endpoints:
            self.stdout.write(
                f"{endpoint.pk}\t{endpoint.store.code}\t{endpoint.status}\t{endpoint.url}\t{','.join(endpoint.events)}"
            )
            for d in Delivery.objects.filter(endpoint=endpoint)[:20]:
                answer = d.response_status or "-"
                self.stdout.write(
                    f"  {d.pk}\t{d.event_type}\t{d.event_id}\t{d.status}\t{d.attempts}\t{answer}"
                )

    def _add(self, options: dict[str, Any]) -> None:
        endpoint = services.register(
            find_store(options["store"]),
            options["url"],
            options["events"].split(","),
            options["owner_email"],
            options["language"],
        )
        self.stdout.write(_("Endpoint %(id)d registered.") % {"id": endpoint.pk})
        self.stdout.write(_("Signing secret (shown this once): %(secret)s") % {"secret": endpoint.secret})

    def _replay(self, options: dict[str, Any]) -> None:
        delivery = services.replay(services.find_delivery(options["delivery"]))
        self.stdout.write(_("Delivery %(id)d queued again.") % {"id": delivery.pk})

    def _resume(self, options: dict[str, Any]) -> None:
        endpoint = services.resume(services.find_endpoint(options["endpoint"]))
        self.stdout.write(_("Endpoint %(id)d resumed.") % {"id": endpoint.pk})
