"""``/api/v1/shop``: the shops' webhooks come in here (signed by the shop, no token), and staff manage
the store's shop connections, read the received webhooks and the syncs sent back, and send one again."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.scope import one_store, store_scope, within
from retour.api.v1.returns import require_staff
from retour.shopsync.errors import ShopNotFound
from retour.shopsync.models import Connection, OutgoingSync, ReceivedWebhook
from retour.shopsync.services import connections, pulling, pushing, receiving

router = Router(tags=["shop"])
FORGED = ReceivedWebhook.Outcome.FORGED


class ConnectionIn(Schema):
    platform: str
    shop_domain: str
    webhook_secret: str
    access_token: str = ""
    api_secret: str = ""
    api_url: str = ""


class ConnectionOut(Schema):
    id: int
    store: str
    platform: str
    shop_domain: str
    api_url: str
    active: bool
    has_api_access: bool
    created_at: datetime


class ReceivedOut(Schema):
    id: int
    connection: int | None
    platform: str
    shop_domain: str
    webhook_id: str
    topic: str
    resource_id: str
    outcome: str
    detail: str
    received_at: datetime


class SyncOut(Schema):
    id: int
    connection: int
    kind: str
    key: str
    return_number: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    remote_id: str
    last_error: str
    created_at: datetime


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[str]


def _staff(request: HttpRequest, permission: str) -> None:
    require_staff(request, permission, _("You may not manage shop connections."))


def _connection_out(c: Connection) -> ConnectionOut:
    return ConnectionOut(
        id=c.pk,
        store=c.store.code,
        platform=c.platform,
        shop_domain=c.shop_domain,
        api_url=c.api_url,
        active=c.active,
        has_api_access=bool(c.access_token),
        created_at=c.created_at,
    )


class WebhookAnswer(Schema):
    """What became of a webhook (``outcome``: applied, unchanged, forged, replayed, duplicate, stale,
    unknown_order, ignored, invalid) and its entry in the log."""

    outcome: str
    id: int


def _answer(received: ReceivedWebhook) -> Status[WebhookAnswer]:
    # A forged webhook is refused; any authentic one is answered 200, so the shop does not send it again.
    answer = WebhookAnswer(outcome=received.outcome, id=received.pk)
    return Status(401 if received.outcome == FORGED else 200, answer)


RECEIVED = {200: WebhookAnswer, 401: WebhookAnswer}


@router.post("/webhooks/shopify", auth=None, response=RECEIVED, summary="Receive a Shopify webhook")
def shopify_webhook(request: HttpRequest) -> Status[WebhookAnswer]:
    """Shopify's ``orders/*`` and ``refunds/create`` webhooks, signed with ``X-Shopify-Hmac-Sha256``
    (the shop's HMAC-SHA256 of the raw body); no API token."""
    return _answer(receiving.receive(receiving.shopify_delivery(request.headers, request.body)))


@router.post("/webhooks/woocommerce", auth=None, response=RECEIVED, summary="Receive a WooCommerce webhook")
def woocommerce_webhook(request: HttpRequest) -> Status[WebhookAnswer]:
    """WooCommerce's ``order.*`` webhooks, signed with ``X-WC-Webhook-Signature``; no API token."""
    return _answer(receiving.receive(receiving.woocommerce_delivery(request.headers, request.body)))


@router.get("/connections", response=list[ConnectionOut], summary="List shop connections")
def list_connections(request: HttpRequest, store: str | None = None) -> list[ConnectionOut]:
    _staff(request, "shopsync.view_connection")
    return [_connection_out(c) for c in connections.connections(store_scope(request, store))]


@router.post("/connections", response={201: ConnectionOut}, summary="Connect a shop")
def add_connection(
    request: HttpRequest, body: ConnectionIn, store: str | None = None
) -> Status[ConnectionOut]:
    """The secrets are kept and never shown again."""
    _staff(request, "shopsync.add_connection")
    made = connections.connect(
        one_store(request, store),
        body.platform,
        body.shop_domain,
        body.webhook_secret,
        body.access_token,
        body.api_secret,
        body.api_url,
    )
    return Status(201, _connection_out(made))


@router.delete("/connections/{connection_id}", response={204: None}, summary="Disconnect a shop")
def delete_connection(request: HttpRequest, connection_id: int, store: str | None = None) -> Status[None]:
    """Switched off, not deleted: its webhooks and syncs stay in the log."""
    _staff(request, "shopsync.change_connection")
    connections.set_active(connections.find_connection(connection_id, store_scope(request, store)), False)
    return Status(204, None)


@router.post("/connections/{connection_id}/import", response=ImportOut, summary="Import the shop's orders")
def import_orders(request: HttpRequest, connection_id: int, store: str | None = None) -> ImportOut:
    """WooCommerce: every order read through its REST API, all or nothing."""
    _staff(request, "orders.add_order")
    report = pulling.import_shop_orders(
        connections.find_connection(connection_id, store_scope(request, store))
    )
    return ImportOut(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=[str(error) for error in report.errors],
    )


@router.get("/webhooks", response=list[ReceivedOut], summary="List received shop webhooks")
def list_received(
    request: HttpRequest, store: str | None = None, outcome: str | None = None
) -> list[ReceivedOut]:
    _staff(request, "shopsync.view_receivedwebhook")
    query = within(ReceivedWebhook.objects.all(), store_scope(request, store), "connection__store")
    if outcome:
        query = query.filter(outcome=outcome)
    return [
        ReceivedOut(
            id=r.pk,
            connection=r.connection_id,
            platform=r.platform,
            shop_domain=r.shop_domain,
            webhook_id=r.webhook_id,
            topic=r.topic,
            resource_id=r.resource_id,
            outcome=r.outcome,
            detail=r.detail,
            received_at=r.received_at,
        )
        for r in query[:500]
    ]


def _sync_out(s: OutgoingSync) -> SyncOut:
    return SyncOut(
        id=s.pk,
        connection=s.connection_id,
        kind=s.kind,
        key=s.key,
        return_number=s.return_number,
        status=s.status,
        attempts=s.attempts,
        next_attempt_at=s.next_attempt_at,
        remote_id=s.remote_id,
        last_error=s.last_error,
        created_at=s.created_at,
    )


@router.get("/syncs", response=list[SyncOut], summary="List what was sent back to the shops")
def list_syncs(request: HttpRequest, store: str | None = None) -> list[SyncOut]:
    _staff(request, "shopsync.view_outgoingsync")
    query = within(OutgoingSync.objects.all(), store_scope(request, store), "connection__store")
    return [_sync_out(s) for s in query[:500]]


@router.post("/syncs/{sync_id}/retry", response=SyncOut, summary="Send a sync to the shop again")
def retry_sync(request: HttpRequest, sync_id: int, store: str | None = None) -> SyncOut:
    _staff(request, "shopsync.change_outgoingsync")
    query = OutgoingSync.objects.filter(pk=sync_id)
    sync = within(query, store_scope(request, store), "connection__store").first()
    if sync is None:
        raise ShopNotFound(_("There is no sync %(id)s.") % {"id": sync_id})
    return _sync_out(pushing.retry(sync))
