"""The repairer of a repair, by the store's rules (repairs/domain/routing.py)."""

from __future__ import annotations

from retour.catalog.models import Seller
from retour.repairs.domain import routing
from retour.repairs.models import Repair, Repairer, RepairRule


def choose_repairer(repair: Repair) -> Repairer | None:
    """The repairer the store's rules choose for ``repair``'s item; a seller-repairer is the seller's own
    repairer row (made the first time a seller repairs)."""
    ordered = repair.line.order_line
    product = ordered.product
    seller = ordered.seller
    item = routing.Item(
        category=product.category.slug if product is not None and product.category is not None else "",
        brand=product.vendor if product is not None else "",
        seller=seller.code if seller is not None else "",
        own_stock=seller is None or seller.kind == Seller.Kind.STORE,
    )
    rows = list(RepairRule.objects.filter(store=repair.store).select_related("repairer"))
    rules = [routing.Rule(r.repairer.code, r.category, r.brand, r.seller_code) for r in rows]
    partners = frozenset(
        Repairer.objects.filter(store=repair.store, kind=Repairer.Kind.PARTNER).values_list("code", flat=True)
    )
    choice = routing.choose(item, rules, partners)
    if choice.rule >= 0:
        return rows[choice.rule].repairer
    if choice.kind == routing.SELLER and seller is not None:
        found, _made = Repairer.objects.get_or_create(
            store=repair.store,
            code=f"seller-{seller.code}",
            defaults={
                "name": seller.name,
                "kind": Repairer.Kind.SELLER,
                "seller": seller,
                "email": seller.email,
                "address": seller.name,
            },
        )
        return found
    return Repairer.objects.filter(store=repair.store, kind=Repairer.Kind.WORKSHOP).order_by("id").first()
