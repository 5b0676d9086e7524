"""Importing a WooCommerce shop's orders through its REST API, page by page, all or nothing.

The orders go through the one order writer (``orders.services.importing.import_orders``) in one import,
as a file would; each is then remembered as the shop's version (``SyncedOrder``), so that a refund made
in Retour is posted back to it and an older webhook of it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from retour.orders.importers import woocommerce_json
from retour.orders.importers.records import ImportedOrder, RowError
from retour.orders.importers.shop_fields import ShopFields, text
from retour.orders.models import Order
from retour.orders.services.importing import ImportReport, import_orders
from retour.shopsync.errors import ShopInvalid
from retour.shopsync.models import Connection, Platform, SyncedOrder
from retour.shopsync.shops.woocommerce import PAGE_SIZE, WooCommerceAPI

MAX_PAGES = 10_000  # a shop that keeps answering full pages is not read for ever


def fetch_orders(connection: Connection) -> list[dict[str, Any]]:
    api = WooCommerceAPI(connection.base_url, connection.access_token, connection.api_secret)
    found: list[dict[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        batch = api.orders(page)
        found.extend(order for order in batch if isinstance(order, dict))
        if len(batch) < PAGE_SIZE:
            break
    return found


def import_shop_orders(connection: Connection) -> ImportReport:
    """Every order of the shop, written or updated; nothing when one is bad (every error reported)."""
    if connection.platform != Platform.WOOCOMMERCE or not connection.access_token:
        raise ShopInvalid(_("Orders are read from WooCommerce's REST API: give the connection its API keys."))
    orders = fetch_orders(connection)

    def records() -> Iterator[ImportedOrder | list[RowError]]:
        for row, order in enumerate(orders, start=1):
            yield woocommerce_json.parse_order(order, row)

    with transaction.atomic():
        report = import_orders(connection.store, records())
        if report.ok:
            _remember(connection, orders)
    return report


def _remember(connection: Connection, orders: list[dict[str, Any]]) -> None:
    numbers = {text(o.get("number")) or text(o.get("id")): o for o in orders}
    stored = dict(
        Order.objects.filter(store=connection.store, number__in=list(numbers)).values_list("number", "pk")
    )
    for number, order in numbers.items():
        version = ShopFields(0).moment("", order.get("date_modified_gmt"), utc_if_naive=True)
        known = SyncedOrder.objects.filter(connection=connection, external_id=text(order.get("id"))).first()
        if known and known.shop_updated_at and version and known.shop_updated_at > version:
            continue  # a webhook brought a newer version meanwhile
        SyncedOrder.objects.update_or_create(
            connection=connection,
            external_id=text(order.get("id")),
            defaults={"order_id": stored[number], "shop_updated_at": version, "payload": order},
        )
