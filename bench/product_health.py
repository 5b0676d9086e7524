"""Product return health: how long the page takes on a store of many products, and whether its test finds
the products planted to return far more than their category, and only those.

    DATABASE_URL=sqlite:////tmp/bench-health.sqlite3 .venv/bin/python bench/product_health.py \
        [--orders 20000] [--products 400] [--planted 8] [--seed 7] [--repeat 3]

A fresh database is migrated, then a store written with bulk inserts: ``--products`` products in 8
categories (two variants each), ``--orders`` orders of 1 to 3 lines placed over the last 90 days, each
unit returned (as an imported past return) with its category's probability (8 to 20 %), except for
``--planted`` products returned 2.5 times as often. Every order is delivered (the metrics' cohort). The
analytics rollup is then built (``rollup.rebuild``, timed: the worker keeps it up to date in a store's
life), and ``insights.product_health.measure`` and the page (``product-health``, which also reads the
period before) are timed, and the verdicts compared with the plan: planted products flagged (recall),
flagged products that were not planted (false alarms). On PostgreSQL the tables are analysed after the
bulk write (as autovacuum would), so the planner knows their sizes. Prints the figures and the command
line. Use a database of its own: the script empties it.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shlex
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from retour.catalog.models import Product, Store, Variant  # noqa: E402
from retour.insights import product_health  # noqa: E402
from retour.insights.analytics.base import parse_filters  # noqa: E402
from retour.insights.analytics.pages import PAGES  # noqa: E402
from retour.insights.models import PastReturn, PastReturnLine  # noqa: E402
from retour.insights.services import rollup  # noqa: E402
from retour.orders.models import Order, OrderLine, Shipment  # noqa: E402

CATEGORIES = ["tops", "dresses", "shoes", "bags", "home", "toys", "beauty", "sport"]
DAYS = 90


def build(orders: int, products: int, planted: int, seed: int) -> set[int]:
    """The store; the ids of the planted products."""
    rng = random.Random(seed)
    store = Store.objects.create(code="bench", name="Bench", currency="EUR", country="FR", time_zone="UTC")
    seller = store.own_seller()
    base = {category: rng.uniform(0.08, 0.20) for category in CATEGORIES}
    made = Product.objects.bulk_create(
        Product(store=store, seller=seller, title=f"P{index:04d}") for index in range(products)
    )
    category_of = {product.pk: CATEGORIES[index % len(CATEGORIES)] for index, product in enumerate(made)}
    variants = Variant.objects.bulk_create(
        Variant(store=store, product=product, sku=f"P{index:04d}-{size}", price=Decimal("30"))
        for index, product in enumerate(made)
        for size in ("S", "M")
    )
    planted_ids = {product.pk for product in rng.sample(made, planted)}
    now = datetime.now(UTC)
    order_rows = Order.objects.bulk_create(
        Order(
            store=store,
            number=f"B{index:07d}",
            currency="EUR",
            ordered_at=now - timedelta(days=rng.uniform(0, DAYS - 1)),
            content_hash="",
        )
        for index in range(orders)
    )
    Shipment.objects.bulk_create(
        (
            Shipment(order=order, position=0, shipped_at=order.ordered_at, delivered_at=order.ordered_at)
            for order in order_rows
        ),
        batch_size=5000,
    )
    lines = []
    for order in order_rows:
        for position in range(rng.randint(1, 3)):
            variant = rng.choice(variants)
            lines.append(
                OrderLine(
                    order=order,
                    position=position,
                    product_id=variant.product_id,
                    variant=variant,
                    seller=seller,
                    sku=variant.sku,
                    title=variant.sku,
                    category=category_of[variant.product_id],
                    quantity=1,
                    unit_price=Decimal("30"),
                    fulfilled_quantity=1,
                )
            )
    lines = OrderLine.objects.bulk_create(lines, batch_size=5000)
    returned = []
    for line in lines:
        rate = base[line.category] * (2.5 if line.product_id in planted_ids else 1.0)
        if rng.random() < rate:
            returned.append(line)
    past = PastReturn.objects.bulk_create(
        (
            PastReturn(
                store=store,
                number=f"X{index:07d}",
                order_id=line.order_id,
                status="refunded",
                requested_at=now,
                content_hash="",
            )
            for index, line in enumerate(returned)
        ),
        batch_size=5000,
    )
    PastReturnLine.objects.bulk_create(
        (
            PastReturnLine(
                past_return=row,
                position=0,
                order_line=line,
                quantity=1,
                reason=rng.choice(["size_fit", "defective", "changed_mind"]),
                resolution="refund",
                amount=Decimal("30"),
            )
            for row, line in zip(past, returned, strict=True)
        ),
        batch_size=5000,
    )
    return planted_ids


def timed(run, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    run()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=400)
    parser.add_argument("--planted", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("flush", "--no-input", verbosity=0) if _migrated() else None
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        planted = build(args.orders, args.products, args.planted, args.seed)
    if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum would have them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    store = Store.objects.get(code="bench")
    started = time.perf_counter()
    cells = rollup.rebuild(store)
    rolled = time.perf_counter() - started
    today = datetime.now(UTC).date()
    scope = product_health.scope_of(store, today - timedelta(days=DAYS), today + timedelta(days=1))
    found = product_health.measure(scope)
    flagged = {row.product_id for row in found.flagged}
    judged = sum(1 for row in found.products if row.verdict.p_value is not None)
    measure_p50, measure_max = timed(lambda: product_health.measure(scope), args.repeat)
    filters = parse_filters(store, default_days=DAYS)
    page_p50, page_max = timed(lambda: PAGES["product-health"].build(filters), args.repeat)
    lines = OrderLine.objects.count()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{connection.vendor}"
    )
    print(
        f"store: {args.orders} orders, {lines} lines, {args.products} products, "
        f"{PastReturnLine.objects.count()} returned units; written in {built:.1f} s; "
        f"rollup built in {rolled:.1f} s ({cells} cells)"
    )
    print(
        f"judged (enough sales): {judged}; planted: {len(planted)}; flagged: {len(flagged)}; "
        f"planted found: {len(flagged & planted)}; false alarms: {len(flagged - planted)}"
    )
    print(
        f"measure(): p50 {measure_p50:.0f} ms, max {measure_max:.0f} ms; "
        f"page (with the period before): p50 {page_p50:.0f} ms, max {page_max:.0f} ms"
    )
    print(
        "command: DATABASE_URL="
        + os.environ.get("DATABASE_URL", "")
        + " .venv/bin/python "
        + shlex.join(sys.argv)
    )


def _migrated() -> bool:
    return "django_migrations" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
