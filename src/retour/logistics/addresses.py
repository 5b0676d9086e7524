"""A store's return addresses: choosing one for a return by its rules, and adding one (API, CLI)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from retour.catalog.models import Seller, Store
from retour.logistics.domain import routing
from retour.logistics.errors import AddressInvalid
from retour.logistics.models import ReturnAddress
from retour.returns.models import Return


def rule_of(address: ReturnAddress) -> routing.AddressRule:
    return routing.AddressRule(
        address_id=address.pk,
        priority=address.priority,
        seller=address.seller.code if address.seller is not None else "",
        countries=routing.codes(address.countries, upper=True),
        categories=routing.codes(address.categories),
    )


def facts_of(ret: Return) -> routing.ReturnFacts:
    """The shopper's country, and the sellers and categories of the items sent back."""
    lines = ret.lines.select_related("order_line__seller", "order_line__product__category")
    sellers, categories = set(), set()
    for line in lines:
        sellers.add(line.order_line.seller.code)
        product = line.order_line.product
        if product is not None and product.category is not None:
            categories.add(product.category.slug)
    return routing.ReturnFacts(
        country=ret.order.shipping_address().country,
        sellers=frozenset(sellers),
        categories=frozenset(categories),
    )


def address_for(ret: Return) -> ReturnAddress | None:
    """The active return address whose rules the return matches first, or None (the store's own)."""
    addresses = {
        a.pk: a
        for a in ReturnAddress.objects.filter(store_id=ret.store_id, active=True).select_related("seller")
    }
    chosen = routing.choose([rule_of(a) for a in addresses.values()], facts_of(ret))
    return addresses.get(chosen) if chosen is not None else None


def add_address(store: Store, *, seller: str = "", **fields: Any) -> ReturnAddress:
    """A new return address, checked as the back office checks it; refused with ``AddressInvalid``."""
    address = ReturnAddress(store=store, **fields)
    if seller:
        address.seller = Seller.objects.filter(store=store, code=seller).first()
        if address.seller is None:
            raise AddressInvalid(_("This store has no seller %(code)s.") % {"code": seller}, field="seller")
    address.country = address.country.strip().upper()
    address.countries = ",".join(sorted(routing.codes(address.countries, upper=True)))
    try:
        address.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise AddressInvalid(f"{field}: {' '.join(messages)}", field=field) from error
    address.save()
    return address
