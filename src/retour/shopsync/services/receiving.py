"""Webhooks from the shop: checked, applied once through the one order writer, and always logged.

A delivery is refused when its shop is not connected or its signature is not the body's (forged), when
it was first sent too long ago (replayed); it is ignored when its id was taken already (duplicate) or
when it carries an older version of an order than the one stored (stale). Each leaves a
``ReceivedWebhook`` and a warning in the log, and changes nothing else. The rest go through
``orders.services.importing.import_orders``, the writer of the CSV and JSON imports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.orders.importers import shopify_json, woocommerce_json
from retour.orders.importers.records import ImportedOrder, RowError
from retour.orders.importers.shop_fields import ShopFields, text
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.shopsync.domain import freshness, signatures
from retour.shopsync.models import TAKEN_ONCE, Connection, Platform, ReceivedWebhook, SyncedOrder

logger = logging.getLogger("retour.shopsync")
Outcome = ReceivedWebhook.Outcome
Parser = Callable[[object, int], ImportedOrder | list[RowError]]

SHOPIFY_ORDER_TOPICS = {
    "orders/create",
    "orders/updated",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "orders/cancelled",
    "orders/paid",
}
WOOCOMMERCE_ORDER_TOPICS = {"order.created", "order.updated", "order.restored"}


@dataclass(frozen=True)
class Delivery:
    """One webhook as it arrived: the platform's headers read, the body untouched."""

    platform: str
    shop_domain: str
    webhook_id: str
    topic: str
    signature: str
    sent_at: datetime | None
    body: bytes


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), "").strip()


def _instant(raw: str) -> datetime | None:
    """``2024-08-07T22:57:57.290670248Z`` (Shopify gives nanoseconds; Python reads up to microseconds)."""
    head, dot, rest = raw.removesuffix("Z").partition(".")
    digits = "".join(c for c in rest if c.isdigit())[:6]
    moment = ShopFields(0).moment("", f"{head}.{digits}Z" if dot and digits else f"{head}Z")
    return moment if raw else None


def shopify_delivery(headers: Mapping[str, str], body: bytes) -> Delivery:
    return Delivery(
        platform=Platform.SHOPIFY,
        shop_domain=_header(headers, "X-Shopify-Shop-Domain").lower(),
        # The event's id when Shopify gives it: the same event sent to two subscriptions is one event.
        webhook_id=_header(headers, "X-Shopify-Event-Id") or _header(headers, "X-Shopify-Webhook-Id"),
        topic=_header(headers, "X-Shopify-Topic"),
        signature=_header(headers, "X-Shopify-Hmac-Sha256"),
        sent_at=_instant(_header(headers, "X-Shopify-Triggered-At")),
        body=body,
    )


def woocommerce_delivery(headers: Mapping[str, str], body: bytes) -> Delivery:
    source = _header(headers, "X-WC-Webhook-Source")
    return Delivery(
        platform=Platform.WOOCOMMERCE,
        shop_domain=(urlsplit(source).hostname or source).lower(),
        webhook_id=_header(headers, "X-WC-Webhook-Delivery-ID"),
        topic=_header(headers, "X-WC-Webhook-Topic"),
        signature=_header(headers, "X-WC-Webhook-Signature"),
        sent_at=None,  # WooCommerce does not say; a replay is known by its delivery id
        body=body,
    )


def receive(delivery: Delivery, now: datetime | None = None) -> ReceivedWebhook:
    """Check ``delivery``, apply it once if it is authentic, fresh and new; log it in every case."""
    now = now or timezone.now()
    connection = Connection.objects.filter(
        platform=delivery.platform, shop_domain=delivery.shop_domain, active=True
    ).first()
    if connection is None:
        return _log(None, delivery, Outcome.FORGED, _("No connected shop has this domain."))
    if not signatures.is_signed(connection.webhook_secret, delivery.body, delivery.signature):
        return _log(connection, delivery, Outcome.FORGED, _("The signature is not the body's."))
    if not delivery.webhook_id:
        return _log(connection, delivery, Outcome.FORGED, _("The webhook has no id."))
    if not freshness.sent_recently(delivery.sent_at, now).apply:
        return _log(connection, delivery, Outcome.REPLAYED, _("Sent at %(at)s.") % {"at": delivery.sent_at})
    try:
        with transaction.atomic():
            # One webhook of a shop at a time: the duplicate and version checks see what the last one wrote.
            Connection.objects.select_for_update().filter(pk=connection.pk).first()
            if ReceivedWebhook.objects.filter(
                connection=connection, webhook_id=delivery.webhook_id, outcome__in=TAKEN_ONCE
            ).exists():
                raise _Duplicate
            outcome, detail, resource, version = _apply(connection, delivery)
            return _log(connection, delivery, outcome, detail, resource, version)
    except (_Duplicate, IntegrityError):
        return _log(connection, delivery, Outcome.DUPLICATE, _("This webhook id was received already."))


class _Duplicate(Exception):
    pass


def _log(
    connection: Connection | None,
    delivery: Delivery,
    outcome: str,
    detail: str,
    resource: str = "",
    version: datetime | None = None,
) -> ReceivedWebhook:
    if outcome not in (Outcome.APPLIED, Outcome.UNCHANGED, Outcome.IGNORED):
        logger.warning(
            "shop webhook %s: %s %s %s from %s: %s",
            outcome,
            delivery.platform,
            delivery.topic,
            delivery.webhook_id,
            delivery.shop_domain,
            detail,
        )
    return ReceivedWebhook.objects.create(
        connection=connection,
        platform=delivery.platform,
        shop_domain=delivery.shop_domain[:255],
        webhook_id=delivery.webhook_id[:100],
        topic=delivery.topic[:64],
        resource_id=resource[:100],
        outcome=outcome,
        detail=detail,
        shop_updated_at=version,
    )


Applied = tuple[str, str, str, datetime | None]


def _apply(connection: Connection, delivery: Delivery) -> Applied:
    try:
        payload = shopify_json.parse_body(delivery.body)
    except ValueError:
        return Outcome.INVALID, _("The body is not JSON."), "", None
    if not isinstance(payload, Mapping):
        return Outcome.INVALID, _("The body is not a JSON object."), "", None
    if delivery.platform == Platform.SHOPIFY:
        made_here = _made_by_retour(connection, payload)
        if made_here:
            detail = _("Order %(number)s was made by Retour (an exchange): it is kept as Retour made it.")
            return Outcome.IGNORED, detail % {"number": made_here}, text(payload.get("id")), None
        if delivery.topic in SHOPIFY_ORDER_TOPICS:
            return apply_order(connection, payload, shopify_json.parse_order, payload.get("updated_at"))
        if delivery.topic == "refunds/create":
            return apply_refund(connection, payload)
    elif delivery.topic in WOOCOMMERCE_ORDER_TOPICS:
        return apply_order(
            connection, payload, woocommerce_json.parse_order, payload.get("date_modified_gmt"), utc=True
        )
    return Outcome.IGNORED, _("Retour does not use this topic."), "", None


def _made_by_retour(connection: Connection, payload: Mapping[str, Any]) -> str:
    """The number of the Retour order an order of the shop is the copy of (an exchange's new order, sent
    with orderCreate, tagged ``retour`` and named by its ``source_identifier``); "" for any other."""
    tags = {tag.strip() for tag in text(payload.get("tags")).split(",")}
    number = text(payload.get("source_identifier"))
    if "retour" not in tags or not number:
        return ""
    return number if Order.objects.filter(store=connection.store, number=number).exists() else ""


def apply_order(
    connection: Connection,
    payload: Mapping[str, Any],
    parse: Parser,
    raw_version: object,
    *,
    utc: bool = False,
) -> Applied:
    """Write the shop's version of an order unless a newer one is stored."""
    external_id = text(payload.get("id"))
    version = ShopFields(0).moment("updated_at", raw_version, utc_if_naive=utc)
    synced = SyncedOrder.objects.filter(connection=connection, external_id=external_id).first()
    stored = synced.shop_updated_at if synced else None
    if not freshness.newer(version, stored).apply:
        detail = _("The stored version is from %(stored)s, this one from %(version)s.") % {
            "stored": stored,
            "version": version,
        }
        return Outcome.STALE, detail, external_id, version
    outcome, detail = _write(connection, payload, parse, external_id, version)
    return outcome, detail, external_id, version


def apply_refund(connection: Connection, refund: Mapping[str, Any]) -> Applied:
    """A Shopify refund: added to the stored order's refunds, and the order written again."""
    order_id, refund_id = text(refund.get("order_id")), text(refund.get("id"))
    synced = SyncedOrder.objects.filter(connection=connection, external_id=order_id).first()
    if synced is None:
        return (
            Outcome.UNKNOWN_ORDER,
            _("No order %(id)s came from this shop.") % {"id": order_id},
            refund_id,
            None,
        )
    payload = dict(synced.payload)
    refunds = [r for r in payload.get("refunds") or [] if text(r.get("id")) != refund_id]
    payload["refunds"] = [*refunds, refund]
    outcome, detail = _write(connection, payload, shopify_json.parse_order, order_id, synced.shop_updated_at)
    return outcome, detail, refund_id, None


def _write(
    connection: Connection,
    payload: Mapping[str, Any],
    parse: Parser,
    external_id: str,
    version: datetime | None,
) -> tuple[str, str]:
    record = parse(payload, 1)
    if isinstance(record, list):
        return Outcome.INVALID, "\n".join(str(error) for error in record)
    report = import_orders(connection.store, [record])
    if not report.ok:
        return Outcome.INVALID, "\n".join(str(error) for error in report.errors)
    order = Order.objects.get(store=connection.store, number=record.number)
    SyncedOrder.objects.update_or_create(
        connection=connection,
        external_id=external_id,
        defaults={"order": order, "shop_updated_at": version, "payload": payload},
    )
    if report.created or report.updated:
        return Outcome.APPLIED, _("Order %(number)s written.") % {"number": order.number}
    return Outcome.UNCHANGED, _("Order %(number)s was already up to date.") % {"number": order.number}
