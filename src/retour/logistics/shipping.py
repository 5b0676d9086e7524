"""Buying a return's label from its carrier, keeping it (tracking number, file, cost in the ledger), and
voiding it when the return ends without it being used."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.logistics import addresses
from retour.logistics.carriers import Carrier, carrier_named
from retour.logistics.domain import parcels
from retour.logistics.errors import CarrierFailed
from retour.logistics.models import Shipment
from retour.refunds.domain import ledger
from retour.refunds.services import books
from retour.returns.models import Return

logger = logging.getLogger(__name__)

VOID_MEMO = "return label voided"


def sender_of(ret: Return) -> parcels.Address:
    """The shopper, where the order was delivered: the parcel leaves from there."""
    order = ret.order
    address = order.shipping_address()
    customer = ret.customer or order.customer
    email = (customer.email if customer is not None else "") or order.email
    return parcels.Address(
        name=address.name or email,
        company=address.company,
        street1=address.line1,
        street2=address.line2,
        city=address.city,
        state=address.province,
        postal_code=address.postal_code,
        country=address.country or ret.store.country,
        phone=order.shipping_phone,
        email=email,
    )


def buy(ret: Return, carrier: Carrier) -> Shipment:
    """Buy ``ret``'s label from ``carrier`` to the return address its rules choose, and keep it with its
    cost booked. Call with the return locked: one label per return. Raises ``CarrierFailed``."""
    address = addresses.address_for(ret)
    if address is None and carrier.name != "store":
        raise CarrierFailed(
            _("A carrier's label needs a return address: add one in the back office (Return addresses).")
        )
    request = parcels.LabelRequest(
        reference=ret.number,
        sender=sender_of(ret),
        recipient=address.parcel_address() if address else parcels.Address(ret.store.name, "", "", "", ""),
        weight_grams=address.weight_grams if address else 1000,
        currency=ret.order.currency,
    )
    label = carrier.buy_label(request)
    shipment = Shipment.objects.create(
        ret=ret,
        address=address,
        adapter=carrier.name,
        carrier=label.carrier if label.carrier != carrier.name else "",
        service=label.service,
        tracking_number=label.tracking_number,
        postage_paid=label.postage_paid,
        provider_id=label.provider_id,
        tracker_id=label.tracker_id,
        cost=label.cost.amount if label.cost else Decimal(0),
        currency=label.cost.currency if label.cost else "",
        label_format=label.label_format,
        label_url=label.label_url,
        label_file=label.label_file,
    )
    if label.cost is not None and label.cost.amount > 0:
        # The real cost, under the memo and reference the analytics read (and that the flat price of the
        # store's delivery prices, booked at settlement, then finds taken).
        books.post(
            ledger.label_cost(label.cost),
            store_id=ret.store_id,
            currency=label.cost.currency,
            reference=ret.number,
        )
    return shipment


def active_label(ret: Return) -> Shipment | None:
    return Shipment.objects.filter(ret=ret, status=Shipment.Status.ACTIVE).first()


def as_bought(shipment: Shipment) -> parcels.BoughtLabel:
    return parcels.BoughtLabel(
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        postage_paid=shipment.postage_paid,
        service=shipment.service,
        provider_id=shipment.provider_id,
        tracker_id=shipment.tracker_id,
        cost=shipment.cost_money(),
    )


def void(shipment_id: int, carrier: Carrier | None = None) -> Shipment:
    """Give back an unused label (its return cancelled or expired): voided, its cost reversed in the
    ledger, once. A label the carrier refuses to take back (already scanned) stays booked."""
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().select_related("ret").get(pk=shipment_id)
        if shipment.status != Shipment.Status.ACTIVE or shipment.tracking_status in parcels.MOVING | {
            parcels.DELIVERED
        }:
            return shipment  # voided already, or used: nothing to give back
        taken_back = (carrier or carrier_named(shipment.adapter)).void_label(as_bought(shipment))
        shipment.status = Shipment.Status.VOIDED if taken_back else Shipment.Status.VOID_REFUSED
        shipment.voided_at = timezone.now() if taken_back else None
        shipment.save(update_fields=["status", "voided_at"])
        cost = shipment.cost_money()
        if taken_back and cost is not None and cost.amount > 0:
            books.post(
                ledger.label_voided(cost),
                store_id=shipment.ret.store_id,
                currency=cost.currency,
                reference=shipment.ret.number,
                memo=VOID_MEMO,
            )
        logger.info("label %s of %s: %s", shipment.tracking_number, shipment.ret.number, shipment.status)
        return shipment


def labels_to_void(ret: Return) -> list[int]:
    return list(Shipment.objects.filter(ret=ret, status=Shipment.Status.ACTIVE).values_list("pk", flat=True))
