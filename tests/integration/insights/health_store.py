"""A store whose dress comes back far more than the rest of its category, for the product-health tests.

March 2026 (Europe/Paris), apparel, one unit an order, imported as orders and past returns:

| product | variant SKUs | units | returned | rate | reasons |
|---|---|---|---|---|---|
| Dress | DRESS-S 40 (14 back), DRESS-M 20 (6 back) | 60 | 20 | 33 % | size_fit 15, defective 5 |
| Shirt | SHIRT | 200 | 20 | 10 % | changed_mind |
| Skirt | SKIRT | 200 | 16 | 8 % | size_fit |
| Cap | CAP | 4 | 3 | 75 % | too few sales to judge |

The dress against apparel without it: 39 of 405 units (the rejected shirt sold too), 9.63 %: 3.46
times, binomial p < 1e-6: flagged.
In February the dress sold 30 and 3 came back (10 %): the trend. A rejected return of a shirt counts nowhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from factories import json_line, json_order
from integration.insights.analytics_store import run, write_lines
from retour.catalog.models import Store, Variant
from retour.insights.services import rollup
from retour.orders.models import OrderLine

MARCH = ("2026-03-01", "2026-04-01")
SOLD = {"DRESS-S": (40, 14), "DRESS-M": (20, 6), "SHIRT": (200, 20), "SKIRT": (200, 16), "CAP": (4, 3)}
TITLES = {"DRESS-S": "Dress", "DRESS-M": "Dress M", "SHIRT": "Shirt", "SKIRT": "Skirt", "CAP": "Cap"}
REASONS = {
    "DRESS-S": "size_fit",
    "DRESS-M": "size_fit",
    "SHIRT": "changed_mind",
    "SKIRT": "size_fit",
    "CAP": "size_fit",
}


def _order(number: str, sku: str, at: str) -> dict[str, Any]:
    line = json_line(
        title=TITLES[sku], sku=sku, quantity=1, unit_price="50.00", category="apparel", fulfilled_quantity=1
    )
    return json_order(
        number=number,
        ordered_at=at,
        lines=[line],
        customer={"email": f"{number.lower()}@example.com"},
        shipments=[{"shipped_at": at, "delivered_at": at}],
        payments=[{"method": "card", "amount": "50.00"}],
    )


def _return(number: str, of: str, sku: str, reason: str, status: str = "refunded") -> dict[str, Any]:
    return {
        "number": number,
        "order": of,
        "requested_at": "2026-04-10T10:00:00+02:00",
        "status": status,
        "lines": [{"sku": sku, "quantity": 1, "reason": reason, "resolution": "refund", "amount": "50.00"}],
    }


def build(store: Store, tmp_path: Path) -> None:
    orders: list[dict[str, Any]] = []
    returns: list[dict[str, Any]] = []
    for sku, (units, back) in SOLD.items():
        for index in range(units):
            number = f"{sku}-{index}"
            orders.append(_order(number, sku, f"2026-03-{1 + index % 28:02d}T10:00:00+01:00"))
            if index < back:
                reason = "defective" if sku == "DRESS-S" and index < 5 else REASONS[sku]
                returns.append(_return(f"X-{number}", number, sku, reason))
    orders.append(_order("SHIRT-rejected", "SHIRT", "2026-03-03T10:00:00+01:00"))
    returns.append(_return("X-SHIRT-rejected", "SHIRT-rejected", "SHIRT", "size_fit", "rejected"))
    for index in range(30):  # February: the dress at 10 %
        number = f"FEB-{index}"
        orders.append(_order(number, "DRESS-S", f"2026-02-{1 + index % 27:02d}T10:00:00+01:00"))
        if index < 3:
            returns.append(_return(f"X-{number}", number, "DRESS-S", "size_fit"))
    run("import_orders", str(write_lines(tmp_path / "orders.jsonl", orders)), "--format", "json")
    run(
        "import_returns",
        "--format",
        "json",
        str(write_lines(tmp_path / "returns.jsonl", returns)),
        "--store",
        store.code,
    )
    # The shop sells the dress in two sizes: one product, two variants (the import made one per SKU).
    small = Variant.objects.get(store=store, sku="DRESS-S")
    medium = Variant.objects.get(store=store, sku="DRESS-M")
    Variant.objects.filter(pk=medium.pk).update(product_id=small.product_id, title="M")
    Variant.objects.filter(pk=small.pk).update(title="S")
    OrderLine.objects.filter(variant=medium).update(product_id=small.product_id)
    # The page reads the analytics rollup (the worker keeps it up to date): built from what is stored now.
    rollup.rebuild(store)
