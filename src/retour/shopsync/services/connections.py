"""A store's connections to its shops: made with the secrets the shop gives, listed, changed, removed."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.shopsync.errors import ShopInvalid, ShopNotFound
from retour.shopsync.models import Connection, Platform

DOMAIN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$"
)


def check_domain(domain: str) -> str:
    """A host name, without scheme or path (``my-shop.myshopify.com``), in lower case."""
    value = domain.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not DOMAIN.match(value):
        raise ShopInvalid(_("Give the shop's domain name, e.g. my-shop.myshopify.com."))
    return value


def check_api_url(url: str) -> str:
    value = url.strip().rstrip("/")
    local = value.startswith(("http://127.0.0.1", "http://localhost"))
    if value and not (value.startswith("https://") or local):
        raise ShopInvalid(_("The API address must start with https:// (http:// only for localhost)."))
    return value


def connect(
    store: Store,
    platform: str,
    shop_domain: str,
    webhook_secret: str,
    access_token: str = "",
    api_secret: str = "",
    api_url: str = "",
) -> Connection:
    """A new active connection. The shop's secrets are kept to check its webhooks and call its API."""
    if platform not in Platform.values:
        raise ShopInvalid(_("The platform is shopify or woocommerce."))
    domain = check_domain(shop_domain)
    if not webhook_secret.strip():
        raise ShopInvalid(_("Give the secret the shop signs its webhooks with."))
    if platform == Platform.WOOCOMMERCE and bool(access_token.strip()) != bool(api_secret.strip()):
        raise ShopInvalid(_("WooCommerce needs both the consumer key and the consumer secret."))
    if Connection.objects.filter(platform=platform, shop_domain=domain).exists():
        raise ShopInvalid(_("This shop is connected already."))
    return Connection.objects.create(
        store=store,
        platform=platform,
        shop_domain=domain,
        webhook_secret=webhook_secret.strip(),
        access_token=access_token.strip(),
        api_secret=api_secret.strip(),
        api_url=check_api_url(api_url),
    )


def connections(store: Store | None) -> QuerySet[Connection]:
    query = Connection.objects.select_related("store")
    return query.filter(store=store) if store is not None else query


def find_connection(pk: int, store: Store | None = None) -> Connection:
    found = connections(store).filter(pk=pk).first()
    if found is None:
        raise ShopNotFound(_("There is no shop connection %(id)s.") % {"id": pk})
    return found


def set_active(connection: Connection, active: bool) -> Connection:
    """A connection switched off keeps its records; its shop's webhooks are refused until it is on again."""
    connection.active = active
    connection.save(update_fields=["active"])
    return connection
