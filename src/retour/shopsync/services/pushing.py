"""Back to the shop: a return approved, its refund and an exchange's new order, created in the shop the
order came from, so that the shop's books match Retour's.

Returns' hook calls ``on_return_event`` in the event's transaction: an ``OutgoingSync`` is recorded with
the request in the shop's terms (its order and line ids, from the order's ``SyncedOrder``), once per
(connection, key), and queued for the worker once it commits. The worker sends it; a failure is tried
again later (``domain.requests.BACKOFF``), then given up and shown to staff, who can send it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.core.money import minor_units
from retour.returns.models import Exchange, ReturnEvent
from retour.shopsync.domain import requests
from retour.shopsync.errors import ShopUnreachable
from retour.shopsync.models import Connection, OutgoingSync, Platform, SyncedOrder
from retour.shopsync.shops.shopify import ShopifyAdmin
from retour.shopsync.shops.woocommerce import WooCommerceAPI

logger = logging.getLogger("retour.shopsync")
LEASE = timedelta(minutes=5)  # longer than a request to the shop may take (shops.http.TIMEOUT_SECONDS)
Kind = OutgoingSync.Kind
Status = OutgoingSync.Status


def on_return_event(event: ReturnEvent) -> None:
    """Record what the shop should be told of ``event``, if the return's order came from a shop.

    Called in the event's transaction: a request that cannot be built (an order the shop changed beyond
    recognition) is logged and sent nowhere, never an error for the return itself."""
    try:
        _on_return_event(event)
    except (ArithmeticError, KeyError, TypeError, ValueError, AttributeError):
        logger.exception("shop sync: return %s, event %s: nothing sent", event.ret.number, event.kind)


def _on_return_event(event: ReturnEvent) -> None:
    synced = (
        SyncedOrder.objects.filter(order_id=event.ret.order_id, connection__active=True)
        .select_related("connection")
        .first()
    )
    if synced is None:
        return
    platform = synced.connection.platform
    made: OutgoingSync | None = None
    if event.kind == "approved" and platform == Platform.SHOPIFY:
        made = _record(synced, Kind.RETURN, f"return:{event.ret.number}", _return_request(event, synced))
    elif event.kind == "refunded":
        made = _record(synced, Kind.REFUND, f"refund:{event.pk}", _refund_request(event, synced))
    elif event.kind in {"exchange", "replacement"} and platform == Platform.SHOPIFY:
        made = _record(synced, Kind.EXCHANGE_ORDER, f"exchange:{event.pk}", _order_request(event))
    if made is not None:
        pk = made.pk
        transaction.on_commit(lambda: _queue(pk), robust=True)


def _record(synced: SyncedOrder, kind: str, key: str, request: dict[str, Any] | None) -> OutgoingSync | None:
    if request is None:
        return None
    try:
        with transaction.atomic():
            return OutgoingSync.objects.create(
                connection=synced.connection,
                kind=kind,
                key=key,
                return_number=str(request.get("return", "")),
                request=request,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None  # recorded already: each return, refund and exchange goes to the shop once


def _order_ids(synced: SyncedOrder) -> tuple[str, list[str]]:
    """The shop's id of the order (a GraphQL id for Shopify) and of each of its lines, by position."""
    payload: Mapping[str, Any] = synced.payload
    lines = payload.get("line_items") or []
    if synced.connection.platform == Platform.SHOPIFY:
        order = str(payload.get("admin_graphql_api_id") or f"gid://shopify/Order/{synced.external_id}")
        return order, [
            str(line.get("admin_graphql_api_id") or f"gid://shopify/LineItem/{line.get('id')}")
            for line in lines
        ]
    return synced.external_id, [str(line.get("id")) for line in lines]


def _lines(event: ReturnEvent, synced: SyncedOrder) -> tuple[str, list[dict[str, Any]]] | None:
    order, line_ids = _order_ids(synced)
    lines = []
    for line in event.ret.lines.select_related("order_line").order_by("pk"):
        position = line.order_line.position
        if position >= len(line_ids):
            logger.warning("return %s: line %s is not in the shop's order", event.ret.number, position)
            return None
        lines.append(
            {
                "line_item": line_ids[position],
                "quantity": line.quantity,
                "reason": requests.shopify_reason(line.reason),
                "note": line.reason_text[:255],
            }
        )
    return order, lines


def _return_request(event: ReturnEvent, synced: SyncedOrder) -> dict[str, Any] | None:
    found = _lines(event, synced)
    if found is None:
        return None
    order, lines = found
    return {"return": event.ret.number, "order": order, "lines": lines}


def _refund_request(event: ReturnEvent, synced: SyncedOrder) -> dict[str, Any] | None:
    found = _lines(event, synced)
    if found is None:
        return None
    order, lines = found
    amount = Decimal(str(event.data.get("amount", "0")))
    if amount <= 0:
        return None  # nothing was paid back (fees took it all): nothing for the shop's books
    method = str(event.data.get("method", ""))
    return {
        "return": event.ret.number,
        "order": order,
        "lines": lines,
        "amount": _price(amount, event.ret.order.currency),
        "currency": event.ret.order.currency,
        "note": f"Retour {event.ret.number} ({method})",
    }


def _order_request(event: ReturnEvent) -> dict[str, Any] | None:
    exchange = Exchange.objects.filter(ret=event.ret, line_id=event.line_id).select_related("order").first()
    if exchange is None:
        return None
    new_order = exchange.order
    return {
        "return": event.ret.number,
        "currency": new_order.currency,
        "email": new_order.email,
        "note": f"Retour {event.ret.number}: {exchange.kind} ({new_order.number})",
        "source": new_order.number,
        "paid": exchange.difference <= 0,
        "lines": [
            {
                "title": line.title,
                "sku": line.sku,
                "quantity": line.quantity,
                "price": _price(line.unit_price, new_order.currency),
            }
            for line in new_order.lines.order_by("position")
        ],
    }


def _price(amount: Decimal, currency: str) -> str:
    """As the shop reads a price: the currency's minor units (4 decimals are kept for a unit price)."""
    return str(amount.quantize(Decimal(1).scaleb(-minor_units(currency))))


def _queue(pk: int, run_after: datetime | None = None) -> None:
    from retour.shopsync.tasks import push_to_shop  # the task sends through this module

    task = push_to_shop.using(run_after=run_after) if run_after else push_to_shop
    task.enqueue(pk)


def push(sync_id: int) -> str:
    """One attempt of one sync: nothing when it succeeded, is given up, or is not due (being sent)."""
    now = timezone.now()
    with transaction.atomic():
        sync = (
            OutgoingSync.objects.select_for_update().select_related("connection").filter(pk=sync_id).first()
        )
        if sync is None or sync.status in (Status.SUCCEEDED, Status.GIVEN_UP):
            return "nothing to do"
        if sync.next_attempt_at and sync.next_attempt_at > now:
            return "not due"
        # Claimed for LEASE: another worker given the same sync meanwhile finds it not due. The shop is
        # called outside the transaction, so that a slow shop never holds the database.
        sync.attempts += 1
        sync.next_attempt_at = now + LEASE
        sync.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    try:
        sync.remote_id = send(sync.connection, sync)
    except ShopUnreachable as error:
        sync.last_error = error.message[:2000]
        sync.next_attempt_at = requests.next_attempt(sync.attempts, timezone.now())
        sync.status = Status.FAILED if sync.next_attempt_at else Status.GIVEN_UP
        logger.warning("shop sync %s failed (attempt %d): %s", sync.key, sync.attempts, error.message)
    else:
        sync.status, sync.next_attempt_at, sync.last_error = Status.SUCCEEDED, None, ""
    sync.save(update_fields=["remote_id", "last_error", "next_attempt_at", "status", "updated_at"])
    if sync.status == Status.FAILED and sync.next_attempt_at:
        _queue(sync.pk, sync.next_attempt_at)
    return str(sync.status)


def send(connection: Connection, sync: OutgoingSync) -> str:
    """Create the sync's object in the shop; its id there."""
    request: dict[str, Any] = sync.request
    if connection.platform == Platform.SHOPIFY:
        shopify = ShopifyAdmin(connection.base_url, connection.access_token)
        if sync.kind == Kind.RETURN:
            return shopify.create_return(request)
        if sync.kind == Kind.REFUND:
            return shopify.create_refund(request, key=f"retour-{connection.pk}-{sync.key}")
        return shopify.create_order(request)
    woo = WooCommerceAPI(connection.base_url, connection.access_token, connection.api_secret)
    return woo.create_refund(request)


def queue_due(now: datetime | None = None) -> int:
    """Queue every sync whose attempt is due: a retry whose task was lost, a sync recorded by a process
    that stopped before queueing it, a claim left by a worker that died (its lease ran out)."""
    ids = list(
        OutgoingSync.objects.filter(
            status__in=(Status.PENDING, Status.FAILED), next_attempt_at__lte=now or timezone.now()
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _queue(pk)
    return len(ids)


def retry(sync: OutgoingSync) -> OutgoingSync:
    """Send a failed or given-up sync again now (staff's action)."""
    if sync.status == Status.SUCCEEDED:
        return sync
    sync.status, sync.next_attempt_at = Status.PENDING, timezone.now()
    if sync.attempts >= requests.MAX_ATTEMPTS:
        sync.attempts = 0
    sync.save(update_fields=["status", "next_attempt_at", "attempts", "updated_at"])
    pk = sync.pk
    transaction.on_commit(lambda: _queue(pk))
    return sync
