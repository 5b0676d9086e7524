"""``retour shop list|connect|disconnect|webhooks|syncs|retry|import``: the store's shop connections from a
terminal, as the back office and ``/api/v1/shop`` manage them."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour.catalog.services import StoreNotFound, find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.shopsync.models import OutgoingSync, Platform, ReceivedWebhook
from retour.shopsync.services import connections, pulling, pushing


class Command(BaseCommand):
    help = gettext_lazy(
        "Shop connections: connect a Shopify or WooCommerce shop, read its webhooks and syncs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        cli = parser.called_from_command_line

        def command(name: str, text: str) -> CommandParser:
            return sub.add_parser(name, help=text, called_from_command_line=cli)

        listing = command("list", str(gettext_lazy("List the shop connections.")))
        listing.add_argument("--store", default=None)
        connect = command(
            "connect",
            str(
                gettext_lazy(
                    "Connect a shop. The secrets are read from the environment variables "
                    "RETOUR_SHOP_WEBHOOK_SECRET, RETOUR_SHOP_ACCESS_TOKEN and RETOUR_SHOP_API_SECRET, "
                    "never from the command line."
                )
            ),
        )
        connect.add_argument("platform", choices=Platform.values)
        connect.add_argument("domain")
        connect.add_argument("--api-url", default="")
        connect.add_argument("--store", default=None)
        disconnect = command("disconnect", str(gettext_lazy("Switch a connection off (its log is kept).")))
        disconnect.add_argument("connection", type=int)
        webhooks = command("webhooks", str(gettext_lazy("The webhooks received, newest first.")))
        webhooks.add_argument("--outcome", default=None, choices=ReceivedWebhook.Outcome.values)
        webhooks.add_argument("--limit", type=int, default=50)
        syncs = command("syncs", str(gettext_lazy("What was sent back to the shops, newest first.")))
        syncs.add_argument("--limit", type=int, default=50)
        retry = command("retry", str(gettext_lazy("Send a sync to the shop again.")))
        retry.add_argument("sync", type=int)
        pull = command(
            "import", str(gettext_lazy("Import every order of a WooCommerce shop through its REST API."))
        )
        pull.add_argument("connection", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except (DomainError, StoreNotFound) as error:
            raise CommandError(getattr(error, "message", str(error))) from error

    def _list(self, options: dict[str, Any]) -> None:
        store = find_store(options["store"]) if options["store"] else None
        for c in connections.connections(store):
            state = _("active") if c.active else _("off")
            self.stdout.write(f"{c.pk}\t{c.store.code}\t{c.platform}\t{c.shop_domain}\t{state}")

    def _connect(self, options: dict[str, Any]) -> None:
        made = connections.connect(
            find_store(options["store"]),
            options["platform"],
            options["domain"],
            os.environ.get("RETOUR_SHOP_WEBHOOK_SECRET", ""),
            os.environ.get("RETOUR_SHOP_ACCESS_TOKEN", ""),
            os.environ.get("RETOUR_SHOP_API_SECRET", ""),
            options["api_url"],
        )
        self.stdout.write(
            _("Connection %(id)d: %(platform)s %(domain)s.")
            % {"id": made.pk, "platform": made.get_platform_display(), "domain": made.shop_domain}
        )

    def _disconnect(self, options: dict[str, Any]) -> None:
        connections.set_active(connections.find_connection(options["connection"]), False)
        self.stdout.write(_("Connection %(id)d switched off.") % {"id": options["connection"]})

    def _webhooks(self, options: dict[str, Any]) -> None:
        received = ReceivedWebhook.objects.all()
        if options["outcome"]:
            received = received.filter(outcome=options["outcome"])
        for r in received[: options["limit"]]:
            at = f"{r.received_at:%Y-%m-%d %H:%M:%S}"
            self.stdout.write(f"{r.pk}\t{at}\t{r.platform}\t{r.topic}\t{r.webhook_id}\t{r.outcome}")

    def _syncs(self, options: dict[str, Any]) -> None:
        for s in OutgoingSync.objects.all()[: options["limit"]]:
            self.stdout.write(f"{s.pk}\t{s.kind}\t{s.key}\t{s.status}\t{s.attempts}\t{s.remote_id or '-'}")

    def _retry(self, options: dict[str, Any]) -> None:
        sync = OutgoingSync.objects.filter(pk=options["sync"]).first()
        if sync is None:
            raise CommandError(_("There is no sync %(id)s.") % {"id": options["sync"]})
        pushing.retry(sync)
        self.stdout.write(_("Sync %(id)d queued again.") % {"id": sync.pk})

    def _import(self, options: dict[str, Any]) -> None:
        report = pulling.import_shop_orders(connections.find_connection(options["connection"]))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(count)d error; nothing was imported.", "%(count)d errors; nothing was imported.", count
                )
                % {"count": count}
            )
        self.stdout.write(
            _("Imported %(orders)d orders: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "orders": report.orders,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
