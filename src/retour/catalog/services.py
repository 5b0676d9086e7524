"""Store look-ups shared by the commands and the API."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from retour.catalog.models import Store, Variant
from retour.core.errors import DomainError


class StoreNotFound(DomainError):
    code = "store_not_found"
    status = 404


def find_store(code: str | None) -> Store:
    """The store named by ``code``, or the only store when none is named."""
    if code:
        store = Store.objects.filter(code=code).first()
        if store is None:
            raise StoreNotFound(_("There is no store with the code %(code)s.") % {"code": code})
        return store
    stores = list(Store.objects.all()[:2])
    if not stores:
        raise StoreNotFound(_("There is no store yet: create one with `retour create-store`."))
    if len(stores) > 1:
        raise StoreNotFound(_("There are several stores: name one with --store CODE."))
    return stores[0]


def _family(title: str) -> str:
    """A product's title without its variant: Shopify names a line "Product - Variant"."""
    return title.rsplit(" - ", 1)[0].strip()


def exchange_options(variant: Variant) -> list[Variant]:
    """What a variant can be exchanged for: the product's other variants, and the variants of products
    named like it with another variant part (a shop that exports one product per size), in stock or
    not stock-tracked, sold by the same seller."""
    product = variant.product
    family = _family(product.title)
    siblings = (
        Variant.objects.filter(store_id=variant.store_id, product__seller_id=product.seller_id)
        .filter(Q(product=product) | Q(product__title__startswith=f"{family} - "))
        .exclude(pk=variant.pk)
        .filter(Q(stock__isnull=True) | Q(stock__gt=0))
        .select_related("product")
        .order_by("product__title", "title", "sku")
    )
    return list(siblings[:50])


def variant_label(variant: Variant) -> str:
    """How a shopper tells variants apart: the variant's own title, else what follows the family name."""
    if variant.title:
        return variant.title
    title = variant.product.title
    return title.rsplit(" - ", 1)[1].strip() if " - " in title else title
