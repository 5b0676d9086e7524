"""A small hand-made store for the analytics tests, every figure of which is worked out by hand below.

Store: EUR, Europe/Paris. Orders, imported with `retour import-orders --format json`:

| order | placed (Paris) | segment, country | channel | payment | lines (category, seller): paid |
|---|---|---|---|---|---|
| B-1 | Mon 2 Feb | vip, FR | web | card | SH-M x2 at 30 (apparel, store): 60; MUG x1 at 10 (home, potter) |
| B-2 | Wed 4 Feb | new, BE | web | card | SH-M x1 (apparel, the store): 30 |
| B-3 | Tue 10 Feb | (none), FR | pos | paypal | MUG x2 (home, potter): 20; CAP x1 at 40 (apparel, potter) |
| B-4 | 11 Feb, cancelled | | | | SH-M x1: out of every cohort |
| B-5 | 12 Feb, not delivered | | | | SH-M x1: out of every cohort |
| B-6 | 2 March | | | | SH-M x1: outside February |

Past returns (`retour import-returns`):

| return | order | status | lines: units, amount, reason, resolution | money |
|---|---|---|---|---|
| R-1 | B-1 | refunded, received | SH-M 1, 30.00, size_fit, refund | refunded 25.05, fees 4.95, label 5.40 |
| R-2 | B-1 | exchanged, received | MUG 1, 10.00, defective, exchange | |
| R-3 | B-3 | store_credit | CAP 1, 40.00, changed_mind, store_credit | store credit 40.00 |
| R-4 | B-2 | rejected (void) | SH-M 1, 30.00, size_fit, refund | |
| R-5 | B-3 | open | MUG 1, 10.00, damaged_in_transit, refund | |
| R-6 | B-6 | refunded | SH-M 1, 30.00 (March: counts nowhere in February) | refunded 30.00 |

February (2026-02-01 to 2026-03-01), by hand:

- cohort B-1, B-2, B-3: 3 orders, 7 units, 160.00; returned: B-1 and B-3 (B-2's return is void): 2 orders,
  4 units (R-1, R-2, R-3, R-5), 90.00: rates 2/3 = 0.6667, 4/7 = 0.5714, 90/160 = 0.5625.
- apparel (SH-M of B-1, B-2; CAP of B-3): 3 orders, 4 units, 130.00; returned R-1, R-3: 2 orders, 2 units,
  70.00: 0.6667, 0.5000, 70/130 = 0.5385. home (MUG of B-1, B-3): 2 orders, 3 units, 30.00; returned R-2,
  R-5: 2, 2, 20.00: 1.0000, 0.6667, 0.6667.
- the store (""): SH-M of B-1, B-2: 2 orders, 3 units, 90.00; returned R-1: 1, 1, 30.00: 0.5000, 0.3333,
  0.3333. potter: MUG of B-1, MUG and CAP of B-3: 2 orders, 4 units, 70.00; returned R-2, R-3, R-5: 2, 3,
  60.00: 1.0000, 0.7500, 60/70 = 0.8571; its seller's-fault share (defective, damaged in transit): 2/3.
- reasons: size_fit, defective, changed_mind, damaged_in_transit: 1 unit each, share 0.2500; the
  seller's fault: 2 of 4 units, 0.5000.
- weeks: of 2 Feb (B-1, B-2): 2 orders, 4 units, 100.00; returned 1, 2, 40.00. Of 9 Feb (B-3): 1, 3,
  60.00; returned 1, 2, 50.00.
- outcomes (resolved: R-1, R-2, R-3; R-5 is open): refund 30.00, exchange 10.00, store credit 40.00;
  retained (40 + 10) / 80 = 0.6250; refunds paid 25.05; store credit issued 40.00; void returns 1.
- products (priority score = returned units x product rate / category rate): MUG 2 x (2/3) / (2/3) =
  2.00; CAP 1 x 1 / (2/4) = 2.00 (fewer returned units: after MUG); SH-M 1 x (1/3) / (2/4) = 0.67.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

from factories import json_line, json_order
from retour.catalog.models import Store
from retour.orders.models import Order

FEBRUARY = ("2026-02-01", "2026-03-01")
DELIVERED = [{"shipped_at": "2026-02-11T09:00:00+01:00", "delivered_at": "2026-02-12T15:00:00+01:00"}]


def line(sku: str, quantity: int, price: str, category: str, seller: str = "") -> dict[str, Any]:
    return json_line(
        title=sku,
        sku=sku,
        quantity=quantity,
        unit_price=price,
        category=category,
        seller=seller,
        fulfilled_quantity=quantity,
    )


def order(number: str, at: str, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"number": number, "ordered_at": at, "lines": lines, "shipments": DELIVERED}
    values.update(extra)
    return json_order(**values)


def customer(email: str, segment: str) -> dict[str, Any]:
    return {"email": email, "segment": segment}


def card(amount: str, method: str = "card") -> list[dict[str, Any]]:
    return [{"method": method, "amount": amount}]


ORDERS = [
    order(
        "B-1",
        "2026-02-02T10:00:00+01:00",
        [line("SH-M", 2, "30.00", "apparel"), line("MUG", 1, "10.00", "home", "potter")],
        customer=customer("vip@example.com", "vip"),
        shipping_country="FR",
        payments=card("70.00"),
    ),
    order(
        "B-2",
        "2026-02-04T10:00:00+01:00",
        [line("SH-M", 1, "30.00", "apparel")],
        customer=customer("new@example.com", "new"),
        shipping_country="BE",
        payments=card("30.00"),
    ),
    order(
        "B-3",
        "2026-02-10T10:00:00+01:00",
        [line("MUG", 2, "10.00", "home", "potter"), line("CAP", 1, "40.00", "apparel", "potter")],
        customer=customer("plain@example.com", ""),
        shipping_country="FR",
        payments=card("60.00", "paypal"),
    ),
    order(
        "B-4",
        "2026-02-11T10:00:00+01:00",
        [line("SH-M", 1, "30.00", "apparel")],
        cancelled_at="2026-02-11T12:00:00+01:00",
    ),
    order(
        "B-5",
        "2026-02-12T10:00:00+01:00",
        [line("SH-M", 1, "30.00", "apparel")],
        shipments=[{"shipped_at": "2026-02-13T09:00:00+01:00"}],
    ),
    order("B-6", "2026-03-02T10:00:00+01:00", [line("SH-M", 1, "30.00", "apparel")]),
]
CHANNELS = {"B-1": "web", "B-2": "web", "B-3": "pos"}


def back(sku: str, amount: str, reason: str, resolution: str) -> dict[str, Any]:
    return {"sku": sku, "quantity": 1, "reason": reason, "resolution": resolution, "amount": amount}


def past(number: str, of: str, status: str, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "order": of,
        "requested_at": "2026-02-14T10:15:00+01:00",
        "status": status,
        "lines": lines,
        **extra,
    }


RECEIVED = {"received_at": "2026-02-17T09:00:00+01:00", "resolved_at": "2026-02-19T16:00:00+01:00"}
RETURNS = [
    past(
        "R-1",
        "B-1",
        "refunded",
        [back("SH-M", "30.00", "size_fit", "refund")],
        refunded="25.05",
        fees_charged="4.95",
        label_cost="5.40",
        **RECEIVED,
    ),
    past("R-2", "B-1", "exchanged", [back("MUG", "10.00", "defective", "exchange")], **RECEIVED),
    past(
        "R-3",
        "B-3",
        "store_credit",
        [back("CAP", "40.00", "changed_mind", "store_credit")],
        store_credit="40.00",
        resolved_at="2026-02-19T16:00:00+01:00",
    ),
    past("R-4", "B-2", "rejected", [back("SH-M", "30.00", "size_fit", "refund")]),
    past("R-5", "B-3", "open", [back("MUG", "10.00", "damaged_in_transit", "refund")]),
    past("R-6", "B-6", "refunded", [back("SH-M", "30.00", "size_fit", "refund")], refunded="30.00"),
]


def write_lines(path: Path, items: list[Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_orders(store: Store, tmp_path: Path) -> None:
    run("import_orders", str(write_lines(tmp_path / "orders.jsonl", ORDERS)), "--format", "json")
    for number, channel in CHANNELS.items():
        Order.objects.filter(store=store, number=number).update(source=channel)


def import_returns(store: Store, tmp_path: Path, returns: list[dict[str, Any]] | None = None) -> None:
    path = write_lines(tmp_path / "returns.jsonl", RETURNS if returns is None else returns)
    run("import_returns", "--format", "json", str(path), "--store", store.code)


def report(name: str, *extra: str) -> dict[str, Any]:
    out = run("report", name, "--from", FEBRUARY[0], "--to", FEBRUARY[1], "--json", *extra)
    result: dict[str, Any] = json.loads(out)
    return result
