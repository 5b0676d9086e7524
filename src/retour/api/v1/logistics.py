"""``/api/v1/carriers`` and ``/api/v1/return-addresses``: the carrier's signed tracking webhooks (no token:
the signature is the proof), a return's label and its tracking, and the store's return addresses with
their routing rules (staff; a token bound to a store reaches that store's only)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.scope import one_store, store_scope, within
from retour.api.v1.returns import find_return, require, require_staff
from retour.logistics import addresses, services, tracking
from retour.logistics.errors import AddressNotFound
from retour.logistics.models import ReturnAddress, Shipment

carriers_router = Router(tags=["carriers"])
addresses_router = Router(tags=["return addresses"])


class TrackingAnswer(Schema):
    outcome: str


@carriers_router.post(
    "/easypost/events",
    auth=None,
    response={200: TrackingAnswer, 401: TrackingAnswer},
    summary="EasyPost's tracking webhooks (signed)",
)
@csrf_exempt
def easypost_event(request: HttpRequest) -> Status[TrackingAnswer]:
    """EasyPost posts ``tracker.updated`` events here, signed with the webhook secret
    (``X-Hmac-Signature``). Every event is logged with its outcome; only a verified, new, in-order event
    about one of our labels moves its return. A forged event is answered 401; any other 200, so that
    EasyPost does not send again what we have recorded."""
    headers = {"X-Hmac-Signature": request.headers.get("X-Hmac-Signature", "")}
    logged = tracking.receive_webhook(request.body, headers)
    return Status(401 if logged.outcome == "forged" else 200, TrackingAnswer(outcome=logged.outcome))


class ShipmentOut(Schema):
    carrier: str
    service: str
    tracking_number: str
    postage_paid: bool
    label_format: str
    cost: Decimal | None
    currency: str
    status: str
    tracking_status: str
    tracking_updated_at: datetime | None
    delivered_at: datetime | None
    return_address: int | None


def shipment_out(shipment: Shipment) -> ShipmentOut:
    return ShipmentOut(
        carrier=shipment.carrier or shipment.adapter,
        service=shipment.service,
        tracking_number=shipment.tracking_number,
        postage_paid=shipment.postage_paid,
        label_format=shipment.label_format,
        cost=shipment.cost if shipment.currency else None,
        currency=shipment.currency,
        status=shipment.status,
        tracking_status=shipment.tracking_status,
        tracking_updated_at=shipment.tracking_updated_at,
        delivered_at=shipment.delivered_at,
        return_address=shipment.address_id,
    )


@carriers_router.get(
    "/returns/{number}/shipments", response=list[ShipmentOut], summary="A return's labels and tracking"
)
def return_shipments(request: HttpRequest, number: str, store: str | None = None) -> list[ShipmentOut]:
    """Every label of the return, the one in use first (a voided one stays listed)."""
    ret = find_return(request, number, store)
    return [shipment_out(s) for s in Shipment.objects.filter(ret=ret).order_by("status", "-id")]


@carriers_router.post(
    "/returns/{number}/label", response=list[ShipmentOut], summary="Issue a return's label now"
)
def issue(request: HttpRequest, number: str, store: str | None = None) -> list[ShipmentOut]:
    """For an approved return sent back by label whose carrier failed at approval: asked again now; the
    carrier's refusal is answered 502 (``carrier_failed``)."""
    require(request, "returns.change_return", _("You may not issue labels."))
    ret = find_return(request, number, store)
    services.issue_label(ret, strict=True)
    return [shipment_out(s) for s in Shipment.objects.filter(ret=ret).order_by("status", "-id")]


class AddressIn(Schema):
    label: str
    name: str
    street1: str
    postal_code: str
    city: str
    country: str
    company: str = ""
    street2: str = ""
    state: str = ""
    phone: str = ""
    email: str = ""
    priority: int = 100
    seller: str = ""
    countries: str = ""
    categories: str = ""
    weight_grams: int = 1000


class AddressOut(AddressIn):
    id: int
    store: str
    active: bool


def address_out(address: ReturnAddress) -> AddressOut:
    return AddressOut(
        id=address.pk,
        store=address.store.code,
        active=address.active,
        label=address.label,
        name=address.name,
        company=address.company,
        street1=address.street1,
        street2=address.street2,
        postal_code=address.postal_code,
        city=address.city,
        state=address.state,
        country=address.country,
        phone=address.phone,
        email=address.email,
        priority=address.priority,
        seller=address.seller.code if address.seller is not None else "",
        countries=address.countries,
        categories=address.categories,
        weight_grams=address.weight_grams,
    )


def _staff(request: HttpRequest, permission: str) -> None:
    require_staff(request, permission, _("You may not manage return addresses."))


@addresses_router.get("", response=list[AddressOut], summary="List the return addresses")
def list_addresses(request: HttpRequest, store: str | None = None) -> list[AddressOut]:
    _staff(request, "logistics.view_returnaddress")
    query = within(ReturnAddress.objects.select_related("store", "seller"), store_scope(request, store))
    return [address_out(a) for a in query]


@addresses_router.post("", response={201: AddressOut}, summary="Add a return address and its rules")
def add_address(request: HttpRequest, body: AddressIn, store: str | None = None) -> Status[AddressOut]:
    """Refused with 422 (``return_address_invalid``) and nothing saved when a field is wrong."""
    _staff(request, "logistics.add_returnaddress")
    values = body.dict()
    seller = values.pop("seller")
    return Status(201, address_out(addresses.add_address(one_store(request, store), seller=seller, **values)))


@addresses_router.delete("/{address_id}", response={204: None}, summary="Deactivate a return address")
def deactivate_address(request: HttpRequest, address_id: int, store: str | None = None) -> Status[None]:
    """Kept for the labels that went there; no new return is routed to it."""
    _staff(request, "logistics.change_returnaddress")
    found = within(ReturnAddress.objects.filter(pk=address_id), store_scope(request, store)).first()
    if found is None:
        raise AddressNotFound(_("There is no return address %(id)s.") % {"id": address_id})
    found.active = False
    found.save(update_fields=["active"])
    return Status(204, None)
