"""``retour carriers addresses|add-address|remove-address|label|track|events``: return addresses and
their rules, a return's label bought again, parcels tracked now, and the tracking log's outcomes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.catalog.services import StoreNotFound, find_store
from retour.core.errors import DomainError
from retour.core.management.base import BaseCommand
from retour.logistics import addresses, services, tracking
from retour.logistics.errors import AddressNotFound
from retour.logistics.models import ReturnAddress, Shipment
from retour.returns.services import handling

ADDRESS_FIELDS = ("label", "name", "street1", "postal_code", "city", "country")
OPTIONAL_FIELDS = ("company", "street2", "state", "phone", "email", "seller", "countries", "categories")


class Command(BaseCommand):
    help = gettext_lazy(
        "Carriers: the store's return addresses and their rules, a return's label, parcels tracked now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        cli = parser.called_from_command_line
        listing = sub.add_parser(
            "addresses",
            help=str(gettext_lazy("List the return addresses and their rules.")),
            called_from_command_line=cli,
        )
        listing.add_argument("--store", default=None)
        add = sub.add_parser(
            "add-address",
            help=str(gettext_lazy("Add a return address and its rules.")),
            called_from_command_line=cli,
        )
        add.add_argument("--store", default=None)
        for field in ADDRESS_FIELDS:
            add.add_argument(f"--{field.replace('_', '-')}", required=True)
        for field in OPTIONAL_FIELDS:
            add.add_argument(f"--{field.replace('_', '-')}", default="")
        add.add_argument("--priority", type=int, default=100)
        add.add_argument("--weight-grams", type=int, default=1000)
        remove = sub.add_parser(
            "remove-address",
            help=str(gettext_lazy("Deactivate a return address (kept for the labels sent there).")),
            called_from_command_line=cli,
        )
        remove.add_argument("address", type=int)
        label = sub.add_parser(
            "label",
            help=str(gettext_lazy("Buy the label of an approved return again (after a carrier failure).")),
            called_from_command_line=cli,
        )
        label.add_argument("number")
        sub.add_parser(
            "track",
            help=str(gettext_lazy("Ask the carrier now where each parcel on its way is.")),
            called_from_command_line=cli,
        )
        sub.add_parser(
            "events",
            help=str(gettext_lazy("Count the tracking events received by outcome.")),
            called_from_command_line=cli,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except (DomainError, StoreNotFound) as error:
            raise CommandError(getattr(error, "message", str(error))) from error

    def _addresses(self, options: dict[str, Any]) -> None:
        query = ReturnAddress.objects.select_related("store", "seller")
        if options["store"]:
            query = query.filter(store=find_store(options["store"]))
        for a in query:
            seller = a.seller.code if a.seller is not None else "*"
            rules = f"seller={seller} countries={a.countries or '*'} categories={a.categories or '*'}"
            state = _("active") if a.active else _("inactive")
            self.stdout.write(
                f"{a.pk}\t{a.store.code}\t{a.priority}\t{a.label}\t{a.city} {a.country}\t{rules}\t{state}"
            )

    def _add_address(self, options: dict[str, Any]) -> None:
        values = {field: options[field] for field in (*ADDRESS_FIELDS, *OPTIONAL_FIELDS) if field != "seller"}
        address = addresses.add_address(
            find_store(options["store"]),
            seller=options["seller"],
            priority=options["priority"],
            weight_grams=options["weight_grams"],
            **values,
        )
        self.stdout.write(_("Return address %(id)d added.") % {"id": address.pk})

    def _remove_address(self, options: dict[str, Any]) -> None:
        found = ReturnAddress.objects.filter(pk=options["address"]).first()
        if found is None:
            raise AddressNotFound(_("There is no return address %(id)s.") % {"id": options["address"]})
        found.active = False
        found.save(update_fields=["active"])
        self.stdout.write(_("Return address %(id)d deactivated.") % {"id": found.pk})

    def _label(self, options: dict[str, Any]) -> None:
        ret = services.issue_label(handling.find(options["number"]), strict=True)
        shipment = Shipment.objects.filter(ret=ret, status=Shipment.Status.ACTIVE).first()
        if shipment is None:
            raise CommandError(
                _("Return %(number)s is %(state)s: it gets no label.")
                % {"number": ret.number, "state": ret.state}
            )
        self.stdout.write(
            _("Label %(tracking)s (%(carrier)s) for return %(number)s.")
            % {
                "tracking": shipment.tracking_number,
                "carrier": shipment.carrier or shipment.adapter,
                "number": ret.number,
            }
        )

    def _track(self, options: dict[str, Any]) -> None:
        for outcome, count in sorted(tracking.poll().items()):
            self.stdout.write(f"{outcome}\t{count}")

    def _events(self, options: dict[str, Any]) -> None:
        for outcome, count in sorted(tracking.outcome_counts().items()):
            self.stdout.write(f"{outcome}\t{count}")
