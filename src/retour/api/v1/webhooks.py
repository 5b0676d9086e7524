"""``/api/v1/webhooks``: register, list and delete the endpoints a store's events are sent to, read the
delivery log and replay a delivery. Staff only; a token bound to a store reaches that store's only."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.scope import one_store, store_scope, within
from retour.api.v1.returns import require_staff
from retour.webhooks import services
from retour.webhooks.models import Delivery, Endpoint

router = Router(tags=["webhooks"])


class EndpointIn(Schema):
    url: str
    events: list[str]
    owner_email: str
    language: str = "fr"


class EndpointOut(Schema):
    id: int
    store: str
    url: str
    events: list[str]
    status: str
    owner_email: str
    created_at: datetime


class CreatedEndpoint(EndpointOut):
    secret: str  # shown this once


class DeliveryOut(Schema):
    id: int
    endpoint: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    response_status: int | None
    response_body: str
    created_at: datetime
    delivered_at: datetime | None


def _staff(request: HttpRequest, permission: str) -> None:
    require_staff(request, permission, _("You may not manage webhooks."))


def _endpoint_out(endpoint: Endpoint) -> EndpointOut:
    return EndpointOut(
        id=endpoint.pk,
        store=endpoint.store.code,
        url=endpoint.url,
        events=endpoint.events,
        status=endpoint.status,
        owner_email=endpoint.owner_email,
        created_at=endpoint.created_at,
    )


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk,
        endpoint=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        response_status=delivery.response_status,
        response_body=delivery.response_body,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
    )


@router.get("/endpoints", response=list[EndpointOut], summary="List webhook endpoints")
def list_endpoints(request: HttpRequest, store: str | None = None) -> list[EndpointOut]:
    _staff(request, "webhooks.view_endpoint")
    query = within(Endpoint.objects.select_related("store"), store_scope(request, store))
    return [_endpoint_out(e) for e in query]


@router.post("/endpoints", response={201: CreatedEndpoint}, summary="Register a webhook endpoint")
def add_endpoint(request: HttpRequest, body: EndpointIn, store: str | None = None) -> Status[CreatedEndpoint]:
    """The answer carries the signing secret, this once: it is never shown again."""
    _staff(request, "webhooks.add_endpoint")
    endpoint = services.register(
        one_store(request, store), body.url, body.events, body.owner_email, body.language
    )
    out = _endpoint_out(endpoint)
    return Status(201, CreatedEndpoint(**out.dict(), secret=endpoint.secret))


@router.delete("/endpoints/{endpoint_id}", response={204: None}, summary="Delete a webhook endpoint")
def delete_endpoint(request: HttpRequest, endpoint_id: int, store: str | None = None) -> Status[None]:
    _staff(request, "webhooks.delete_endpoint")
    services.find_endpoint(endpoint_id, store_scope(request, store)).delete()
    return Status(204, None)


@router.post("/endpoints/{endpoint_id}/resume", response=EndpointOut, summary="Resume a paused endpoint")
def resume_endpoint(request: HttpRequest, endpoint_id: int, store: str | None = None) -> EndpointOut:
    """Active again: the deliveries it kept are sent by the next periodic run."""
    _staff(request, "webhooks.change_endpoint")
    return _endpoint_out(services.resume(services.find_endpoint(endpoint_id, store_scope(request, store))))


@router.get("/deliveries", response=list[DeliveryOut], summary="The delivery log")
def list_deliveries(
    request: HttpRequest, store: str | None = None, endpoint: int | None = None, status: str | None = None
) -> list[DeliveryOut]:
    _staff(request, "webhooks.view_delivery")
    query = within(Delivery.objects.all(), store_scope(request, store), "endpoint__store")
    if endpoint is not None:
        query = query.filter(endpoint_id=endpoint)
    if status:
        query = query.filter(status=status)
    return [_delivery_out(d) for d in query[:500]]


@router.post("/deliveries/{delivery_id}/replay", response={202: DeliveryOut}, summary="Replay a delivery")
def replay(request: HttpRequest, delivery_id: int, store: str | None = None) -> Status[DeliveryOut]:
    _staff(request, "webhooks.change_delivery")
    delivery = services.replay(services.find_delivery(delivery_id, store_scope(request, store)))
    return Status(202, _delivery_out(delivery))
