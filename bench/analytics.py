"""Analytics benchmark: a large store made with bulk inserts, then each analytics page's data timed.

    .venv/bin/python bench/analytics.py [--scale S] [--databases sqlite,postgresql] [--pg-url URL]
        [--repeat N] [--seed S] [--import-orders N]

At ``--scale 1`` the store has 1,000,000 orders on PostgreSQL and 100,000 on SQLite (about 2.5 lines an
order, a return for 30 % of the orders: half imported past returns with their money, half returns made in
Retour with their timeline: approval, reminders, sending, receipt, inspection, or expiry). The script

1. creates each database afresh and migrates it, then writes the store with bulk inserts (PostgreSQL
   ``COPY``, SQLite ``executemany`` in one transaction), the columns taken from the models themselves;
2. for each analytics page's data function (the return metrics from raw rows; the registered pages, cost
   of returns and chasing among them, from the rollup) and each
   filter (the last 30, 90 and 365 days, each alone and with a seller and a category where the page
   takes them), runs it once to warm up, then ``--repeat`` times, and reports the p50 and p95 of all
   the timed runs, against the 300 ms target;
3. computes the same headline aggregates (orders, units, value, returned units and value) straight from
   the raw rows with one SQL query per filter, the floor of a scan, and prints each page's p95 over that
   baseline's p95;
4. imports ``--import-orders`` new orders with ``retour import-orders`` to measure its rate, and when the
   analytics rollup exists (``insights.services.rollup.follow``), how fast it takes in the same orders,
   so that one can tell whether it keeps up (and how long its rebuild from scratch takes); the framework's
   registered pages (``insights.analytics.pages``, read from the rollup) are timed beside the others;
5. prints the machine, the figures (with the load average while the pages were timed: the machine may
   be shared) and the command line that reproduces them.

With ``--keep`` a database that already holds the bench store is used as it is (not written again, its
rollup not rebuilt when it has one; new migrations are applied, and a rollup they dropped is rebuilt):
a 1,000,000-order store takes a quarter of an hour to write on 2 CPUs, its rollup as long again.

Each database runs in its own child process (Django reads its settings once). Exit 0 when the figures
were measured (missed targets are reported, not failures), 1 when a step failed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/retour_bench_analytics"
ORDERS = {"postgresql": 1_000_000, "sqlite": 100_000}
TARGET_MS = 300.0
END = datetime(2026, 11, 30, 12, tzinfo=UTC)  # fixed: the same arguments give the same store
DAYS = 730
CATEGORIES = ("apparel", "shoes", "electronics", "beauty", "home", "toys", "sports", "books")
REASONS = ("size_fit", "changed_mind", "defective", "not_as_described", "damaged", "late")
RESOLUTIONS = ("refund", "refund", "refund", "store_credit", "exchange")
COUNTRIES = ("FR", "FR", "FR", "DE", "BE", "ES", "IT")
SELLERS = 20
RETURN_SHARE = 0.30
BATCH = 20_000


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(-(-share * len(ordered) // 1)) - 1, 0)] if ordered else 0.0


# -- the parent: one child per database, a table, the command -------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full store (1: 1M/100k)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page and filter")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--import-orders", type=int, default=2000, help="orders imported to time import-orders"
    )
    parser.add_argument(
        "--skip", default="", help="pages not timed, comma-separated (e.g. metrics: the raw-row one)"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="use the bench store already in the database (written before with the same --scale, --seed)",
    )
    parser.add_argument(
        "--days", default="30,90,365", help="periods timed: days up to the store's last day, comma-separated"
    )
    parser.add_argument(
        "--end",
        default="",
        help="the periods' last day (YYYY-MM-DD; default the store's last day, 2026-11-30): a day inside a "
        "month times the periods whose ends fall inside months",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    PERIOD_DAYS[:] = [int(days) for days in args.days.split(",") if days.strip()]
    PERIOD_END[:] = [date.fromisoformat(args.end)] if args.end else []
    if args.child:
        result = child(args)
        print("RESULT " + json.dumps(result))
        return 0
    results = []
    for database in [name.strip() for name in args.databases.split(",") if name.strip()]:
        env = child_env(database, args.pg_url)
        command = [sys.executable, __file__, "--child", database, *sys.argv[1:]]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
            print(f"{database}: the run failed (exit {done.returncode})")
            return 1
        line = next(row for row in reversed(done.stdout.splitlines()) if row.startswith("RESULT "))
        result = json.loads(line.removeprefix("RESULT "))
        result["wall_s"] = time.perf_counter() - started
        results.append(result)
    print_report(results, args)
    return 0


def child_env(database: str, pg_url: str) -> dict[str, str]:
    data_dir = Path(tempfile.gettempdir()) / "retour-bench-analytics"
    data_dir.mkdir(exist_ok=True)
    url = f"sqlite:///{data_dir / 'bench.sqlite3'}" if database == "sqlite" else pg_url
    return {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-bench-secret-key-bench"),
        "DEBUG": "0",
        "PYTHONHASHSEED": "0",
        "RETOUR_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as info:
            memory = int(next(line.split()[1] for line in info if line.startswith("MemTotal"))) / 1024**2
    except (OSError, StopIteration, ValueError):
        memory = 0.0
    return f"{cpu}, {os.cpu_count()} CPUs (shared), {memory:.1f} GiB, Python {platform.python_version()}"


def print_report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"machine: {machine()}")
    print(
        f"scale {args.scale:g}, {args.repeat} timed runs per page and filter (warm), "
        f"target p95 < {TARGET_MS:.0f} ms"
    )
    for result in results:
        size = result["size"]
        print()
        print(
            f"== {result['database']} {result['server']}: {size['orders']:,} orders, "
            f"{size['lines']:,} lines, {size['returns']:,} returns ({size['past_returns']:,} past, "
            f"{size['retour_returns']:,} in Retour), "
            f"{size['events']:,} events; "
            + (
                f"written in {result['load_s']:.1f} s "
                f"({size['orders'] / max(result['load_s'], 1e-9):,.0f} orders/s with their lines and returns)"
                if result["load_s"] is not None
                else "kept from an earlier run (--keep)"
            )
        )
        if result.get("load"):
            print("  load average (1, 5, 15 min) while the pages were timed: " + result["load"])
        baseline = result["baseline"]
        print(
            f"  baseline (one SQL aggregate over the raw rows): p50 {baseline['p50']:.1f} ms, "
            f"p95 {baseline['p95']:.1f} ms"
        )
        print(
            f"  {'page':<24} {'filters':>7} {'p50 ms':>10} {'p95 ms':>10} {'x baseline':>11}  target"
            f"  {'first view ms (max)':>19}"
        )
        for name, page in result["pages"].items():
            verdict = "PASS" if page["p95"] < TARGET_MS else "FAIL"
            ratio = page["p95"] / baseline["p95"] if baseline["p95"] else float("nan")
            print(
                f"  {name:<24} {page['filters']:>7} {page['p50']:>10.1f} {page['p95']:>10.1f} "
                f"{ratio:>10.1f}x  {verdict}  {page.get('cold_max', 0.0):>19.1f}"
            )
        imported = result["import"]
        print(
            f"  import-orders: {imported['orders']:,} orders in {imported['seconds']:.2f} s: "
            f"{imported['orders_per_s']:,.0f} orders/s"
        )
        rollup = result["rollup"]
        if rollup is None:
            print("  rollup: not measured (no insights.services.rollup in this checkout)")
        else:
            keeps = "keeps up" if rollup["orders_per_s"] >= imported["orders_per_s"] else "falls behind"
            print(f"  rollup: the same orders taken in at {rollup['orders_per_s']:,.0f} orders/s: {keeps}")
        if result.get("rebuild_s") is not None:
            print(
                f"  rollup rebuilt from scratch in {result['rebuild_s']:.1f} s "
                f"({size['orders'] / max(result['rebuild_s'], 1e-9):,.0f} orders/s)"
            )
        outlooks = result.get("outlooks")
        if outlooks:
            print(
                f"  refund outlook computed by the worker (before the pages are timed, which read it): "
                f"{outlooks['count']} days, {outlooks['mean_s']:.1f} s each on average, at most "
                f"{outlooks['max_s']:.1f} s ({outlooks['open_returns']:,} returns owed a refund)"
            )
    print()
    print("command: " + shlex.join([".venv/bin/python", "bench/analytics.py", *sys.argv[1:]]))


# -- the child: a fresh database, the store, the timings -----------------------------------------------


def child(args: argparse.Namespace) -> dict[str, Any]:
    database = args.child
    if not args.keep:
        fresh_database(database)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # As a worker of ``retour serve`` does once the application is loaded (config/gunicorn.py).
    gc.freeze()
    rng = random.Random(args.seed)
    orders = max(int(ORDERS[database] * args.scale), 100)
    started = time.perf_counter()
    kept = kept_store() if args.keep else None
    store, size = kept if kept is not None else build_store(rng, orders)
    load_s = None if kept is not None else time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        server = connection.cursor().connection.info.server_version
        server_name = f"PostgreSQL {server // 10000}.{server % 10000}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("select sqlite_version()")
            server_name = f"SQLite {cursor.fetchone()[0]}"
    rebuilt = rollup_rebuild(store)
    outlooks = worker_outlooks(store)
    loads = [os.getloadavg()]
    pages = time_pages(store, args.repeat, {name.strip() for name in args.skip.split(",") if name.strip()})
    loads.append(os.getloadavg())
    baseline = time_baseline(store, args.repeat)
    imported = time_import(store, rng, args.import_orders, orders)
    return {
        "database": database,
        "server": server_name,
        "size": size,
        "load_s": load_s,
        "load": " to ".join(", ".join(f"{value:.1f}" for value in load) for load in loads),
        "pages": pages,
        "baseline": baseline,
        "import": imported,
        "rollup": imported.pop("rollup"),
        "rebuild_s": rebuilt,
        "outlooks": outlooks,
    }


def fresh_database(database: str) -> None:
    url = os.environ["DATABASE_URL"]
    if database == "sqlite":
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


_MISSING = object()


class Writer:
    """Rows in bulk, their columns the model's own (defaults filled from the model), ids given."""

    def __init__(self, model: Any) -> None:
        from django.db import connection, models

        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.vendor = connection.vendor
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self._defaults: dict[str, Any] = {}
        now = END
        for f in self.fields:
            if f.has_default():
                self._defaults[f.attname] = f.get_default()
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self._defaults[f.attname] = now
            elif f.null:
                self._defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField):
                self._defaults[f.attname] = ""
        self._convert = [self._converter(f) for f in self.fields]
        self._template: list[Any] | None = None
        self._index: dict[str, int] = {}
        self._required: list[int] = []  # fields without a default: every row must give them

    def _converter(self, field: Any) -> Callable[[Any], Any] | None:
        from django.db import models

        if isinstance(field, models.JSONField):
            return json.dumps
        if self.vendor != "sqlite":
            return None
        if isinstance(field, models.DateTimeField):
            return lambda v: v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(field, models.DateField):
            return lambda v: v.isoformat()
        if isinstance(field, models.DecimalField):
            return str
        return None

    def add(self, **values: Any) -> None:
        """One row: the template of converted defaults, with the given values put in their places."""
        if self._template is None:
            self._index = {f.attname: i for i, f in enumerate(self.fields)}
            self._template = [
                self._converted(i, self._defaults.get(f.attname)) for i, f in enumerate(self.fields)
            ]
        row = self._template.copy()
        index, convert = self._index, self._convert
        for name, value in values.items():
            position = index[name]
            function = convert[position]
            row[position] = function(value) if function is not None and value is not None else value
        for position in self._required:
            if row[position] is _MISSING:
                raise KeyError(self.fields[position].attname)
        self.rows.append(tuple(row))
        if len(self.rows) >= BATCH:
            self.flush()

    def _converted(self, position: int, value: Any) -> Any:
        if self.fields[position].attname not in self._defaults:
            self._required.append(position)
            return _MISSING
        function = self._convert[position]
        return function(value) if function is not None and value is not None else value

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor
                columns = ", ".join(f'"{c}"' for c in self.columns)
                with raw.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                columns = ", ".join(f'"{c}"' for c in self.columns)
                insert = f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})'  # noqa: S608 (our tables)
                cursor.executemany(insert, self.rows)
        self.count += len(self.rows)
        self.rows = []


def build_store(rng: random.Random, orders: int) -> tuple[Any, dict[str, int]]:
    from django.db import connection, transaction

    from retour.catalog.models import Seller, Store
    from retour.insights.models import PastReturn, PastReturnLine
    from retour.orders.models import Order, OrderLine, Payment, Shipment
    from retour.policies import services as policies
    from retour.policies.models import PolicyDecision
    from retour.returns.models import Return, ReturnEvent, ReturnLine

    store = Store.objects.create(
        code="bench", name="Bench", currency="EUR", country="FR", time_zone="Europe/Paris"
    )
    version = policies.load_policy(store, policies.template_text("marketplace-standard"))
    own = Seller.objects.filter(store=store, kind=Seller.Kind.STORE).first() or Seller.objects.create(
        store=store, code="store", name="Bench", kind=Seller.Kind.STORE
    )
    sellers = [own.pk] * SELLERS + [
        Seller.objects.create(store=store, code=f"s{n:02d}", name=f"Seller {n}").pk for n in range(SELLERS)
    ]
    decision = make_decision(store, version.pk, PolicyDecision)
    writers = {
        model: Writer(model)
        for model in (
            Order,
            OrderLine,
            Shipment,
            Payment,
            PastReturn,
            PastReturnLine,
            Return,
            ReturnLine,
            ReturnEvent,
        )
    }
    ids = {"line": 0, "past": 0, "pastline": 0, "ret": 0, "event": 0, "retline": 0}
    with transaction.atomic():
        for number in range(1, orders + 1):
            add_order(rng, writers, store, sellers, decision, number, ids)
        for writer in writers.values():
            writer.flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            from django.core.management.color import no_style

            for statement in connection.ops.sequence_reset_sql(no_style(), list(writers)):
                cursor.execute(statement)
    size = {
        "orders": writers[Order].count,
        "lines": writers[OrderLine].count,
        "past_returns": writers[PastReturn].count,
        "retour_returns": writers[Return].count,
        "events": writers[ReturnEvent].count,
    }
    size["returns"] = size["past_returns"] + size["retour_returns"]
    return store, size


def kept_store() -> tuple[Any, dict[str, int]] | None:
    """The bench store an earlier run wrote (``--keep``) and its size, or None when there is none."""
    from retour.catalog.models import Store
    from retour.insights.models import PastReturn
    from retour.orders.models import Order, OrderLine
    from retour.returns.models import Return, ReturnEvent

    store = Store.objects.filter(code="bench").first()
    if store is None:
        return None
    KEPT.append(store.pk)
    size = {
        "orders": Order.objects.filter(store=store).count(),
        "lines": OrderLine.objects.filter(order__store=store).count(),
        "past_returns": PastReturn.objects.filter(store=store).count(),
        "retour_returns": Return.objects.filter(store=store).count(),
        "events": ReturnEvent.objects.filter(ret__store=store).count(),
    }
    size["returns"] = size["past_returns"] + size["retour_returns"]
    return store, size


KEPT: list[int] = []  # the store kept from an earlier run: its rollup is not rebuilt when it has one


def make_decision(store: Any, version: int, model: Any) -> int:
    """One stored policy decision that every benchmark return line points to (a line needs one)."""
    writer = Writer(model)
    values = {
        "id": 1,
        "store_id": store.pk,
        "version_id": version,
        "decided_at": END,
        "country": "FR",
        "currency": "EUR",
        "unit_price": Decimal("30.00"),
        "quantity": 1,
        "ordered_at": END.date(),
        "requested_at": END.date(),
        "condition": "unopened",
        "reason": "size_fit",
        "eligible": True,
        "code": "eligible",
        "refund_percent": 100,
    }
    writer.add(**values)
    writer.flush()
    return 1


def add_order(
    rng: random.Random,
    writers: dict[Any, Writer],
    store: Any,
    sellers: list[int],
    decision: int,
    number: int,
    ids: dict[str, int],
) -> None:
    from retour.insights.models import PastReturn, PastReturnLine
    from retour.orders.models import Order, OrderLine, Payment, Shipment
    from retour.returns.models import Return, ReturnEvent, ReturnLine

    ordered_at = END - timedelta(seconds=rng.randrange(DAYS * 86_400))
    cancelled = rng.random() < 0.02
    delivered = None if cancelled or rng.random() < 0.03 else ordered_at + timedelta(days=rng.randint(1, 5))
    lines = []
    total = Decimal(0)
    for position in range(rng.choices((1, 2, 3, 4), (2, 3, 3, 2))[0]):
        ids["line"] += 1
        quantity = rng.choices((1, 2, 3), (7, 2, 1))[0]
        price = Decimal(rng.randrange(500, 15_000)) / 100
        category = rng.choice(CATEGORIES)
        writers[OrderLine].add(
            id=ids["line"],
            order_id=number,
            position=position,
            seller_id=rng.choice(sellers),
            sku=f"SKU-{category[:3]}-{rng.randrange(2000)}",
            title=category,
            category=category,
            quantity=quantity,
            unit_price=price,
            fulfilled_quantity=0 if cancelled else quantity,
        )
        lines.append((ids["line"], quantity, price))
        total += price * quantity
    writers[Order].add(
        id=number,
        store_id=store.pk,
        number=f"B{number}",
        currency="EUR",
        ordered_at=ordered_at,
        cancelled_at=ordered_at + timedelta(hours=2) if cancelled else None,
        subtotal=total,
        total=total,
        tax_included=True,
        shipping_country=rng.choice(COUNTRIES),
    )
    writers[Shipment].add(
        id=number,
        order_id=number,
        position=0,
        shipped_at=ordered_at + timedelta(days=1),
        delivered_at=delivered,
    )
    writers[Payment].add(
        id=number, order_id=number, position=0, method="card", amount=total, captured_at=ordered_at
    )
    if delivered is None or rng.random() >= RETURN_SHARE:
        return
    requested = delivered + timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 20))
    if requested > END:
        return
    returned = [line for line in lines if rng.random() < 0.6] or lines[:1]
    if rng.random() < 0.5:
        add_past_return(
            rng, writers[PastReturn], writers[PastReturnLine], store, number, requested, returned, ids
        )
    else:
        add_retour_return(
            rng,
            writers[Return],
            writers[ReturnLine],
            writers[ReturnEvent],
            store,
            number,
            requested,
            returned,
            decision,
            ids,
        )


def add_past_return(
    rng: random.Random,
    returns: Writer,
    return_lines: Writer,
    store: Any,
    order: int,
    requested: datetime,
    lines: list[tuple[int, int, Decimal]],
    ids: dict[str, int],
) -> None:
    ids["past"] += 1
    status = rng.choices(("refunded", "store_credit", "exchanged", "rejected", "open"), (60, 12, 10, 6, 12))[
        0
    ]
    value = Decimal(0)
    for position, (line, quantity, price) in enumerate(lines):
        amount = price * quantity
        value += amount
        resolution = {"store_credit": "store_credit", "exchanged": "exchange"}.get(status, "refund")
        ids["pastline"] += 1
        return_lines.add(
            id=ids["pastline"],
            past_return_id=ids["past"],
            position=position,
            order_line_id=line,
            quantity=quantity,
            reason=rng.choice(REASONS),
            condition="unopened",
            resolution=resolution,
            amount=amount,
        )
    received = requested + timedelta(days=rng.randint(2, 8)) if status not in ("rejected", "open") else None
    fee = Decimal("4.95") if rng.random() < 0.3 and status == "refunded" else Decimal(0)
    returns.add(
        id=ids["past"],
        store_id=store.pk,
        number=f"OLD-{ids['past']}",
        order_id=order,
        status=status,
        requested_at=requested,
        received_at=received,
        resolved_at=received + timedelta(days=2) if received else None,
        refunded=value - fee if status == "refunded" else Decimal(0),
        store_credit=value if status == "store_credit" else Decimal(0),
        fees_charged=fee,
        label_cost=Decimal("5.40") if rng.random() < 0.7 else Decimal(0),
        content_hash="bench",
    )


def add_retour_return(
    rng: random.Random,
    returns: Writer,
    return_lines: Writer,
    events: Writer,
    store: Any,
    order: int,
    requested: datetime,
    lines: list[tuple[int, int, Decimal]],
    decision: int,
    ids: dict[str, int],
) -> None:
    ids["ret"] += 1
    ret = ids["ret"]
    approved = requested + timedelta(minutes=rng.randint(1, 600))
    fate = rng.choices(("resolved", "in_transit", "expired", "cancelled", "approved"), (70, 8, 8, 4, 10))[0]
    timeline: list[tuple[datetime, str, str, str, dict[str, Any]]] = [
        (approved, "transition", "requested", "approved", {})
    ]
    send_after = rng.choice((1, 2, 3, 4, 5, 8, 10))
    for day in (3, 7):
        if fate == "expired" or (fate != "cancelled" and send_after > day):
            timeline.append((approved + timedelta(days=day), "reminder", "", "", {"day": day}))
    state, outcome = fate, ""
    if fate == "expired":
        timeline.append((approved + timedelta(days=14), "transition", "approved", "expired", {}))
    elif fate == "cancelled":
        timeline.append((approved + timedelta(hours=5), "transition", "approved", "cancelled", {}))
    elif fate in ("in_transit", "resolved"):
        sent = approved + timedelta(days=send_after, hours=rng.randint(0, 12))
        timeline.append((sent, "transition", "approved", "in_transit", {}))
        if fate == "resolved":
            got = sent + timedelta(days=3)
            timeline.append((got, "transition", "in_transit", "received", {}))
            timeline.append((got + timedelta(days=1), "transition", "received", "inspected", {}))
            timeline.append((got + timedelta(days=2), "transition", "inspected", "resolved", {}))
            outcome = rng.choice(("refunded", "refunded", "store_credit", "exchanged"))
    # Nothing has happened after END: a return is where its timeline had taken it by then (facts dated
    # in the future would look changed to the rollup's follow at every look).
    timeline = [event for event in timeline if event[0] <= END]
    state = next((event[3] for event in reversed(timeline) if event[1] == "transition"), "requested")
    outcome = outcome if state == "resolved" else ""
    for line, quantity, _price in lines:
        ids["retline"] += 1
        received = state == "resolved"
        return_lines.add(
            id=ids["retline"],
            ret_id=ret,
            order_line_id=line,
            quantity=quantity,
            reason=rng.choice(REASONS),
            reported_condition="unopened",
            resolution="refund",
            decision_id=decision,
            reception="received" if received else "awaiting",
            received_quantity=quantity if received else 0,
            inspection="accepted" if received else "pending",
            disposition=rng.choice(("restock", "restock", "refurbish", "liquidate", "scrap"))
            if received
            else "",
        )
    for at, kind, before, after, data in timeline:
        ids["event"] += 1
        events.add(
            id=ids["event"],
            ret_id=ret,
            at=at,
            kind=kind,
            from_state=before,
            to_state=after,
            data=data,
            actor_label="system",
        )
    returns.add(
        id=ret,
        store_id=store.pk,
        order_id=order,
        number=f"RB{ret:08d}",
        state=state,
        outcome=outcome,
        return_method="label",
        tracking_number=f"T{ret}",
        created_at=requested,
        approved_at=approved if timeline else None,
        updated_at=timeline[-1][0] if timeline else requested,
    )


# -- timings --------------------------------------------------------------------------------------------


PERIOD_DAYS = [30, 90, 365]  # the periods timed: these days up to the store's last day (--days)


PERIOD_END: list[date] = []  # the last day of the periods timed, when not the store's (--end)


def periods() -> list[tuple[date, date]]:
    end = (PERIOD_END[0] if PERIOD_END else END.date()) + timedelta(days=1)
    return [(end - timedelta(days=days), end) for days in PERIOD_DAYS]


def page_functions() -> dict[str, tuple[Callable[..., Any], bool]]:
    """name -> (data function (store, start, end, seller, category), whether it takes seller/category)."""
    from retour.insights.queries import store_metrics

    def metrics(store: Any, start: date, end: date, seller: str | None, category: str | None) -> Any:
        return store_metrics(store, start, end).as_dict()

    functions = {"metrics": (metrics, False)}
    functions.update(registered_pages())
    return functions


def registered_pages() -> dict[str, tuple[Callable[..., Any], bool]]:
    """The analytics framework's pages (``insights.analytics.pages``: read from the rollup), if present."""
    try:
        from retour.insights.analytics.base import Filters as PageFilters
        from retour.insights.analytics.pages import PAGES
    except ImportError:
        return {}
    found: dict[str, tuple[Callable[..., Any], bool]] = {}
    for name, page in PAGES.items():

        def build(
            store: Any, start: date, end: date, seller: str | None, category: str | None, page: Any = page
        ) -> Any:
            return page.build(PageFilters(store, start, end, seller, category)).as_json()

        found[f"{name} (rollup)"] = (build, True)
    return found


def filters(takes_filters: bool) -> Iterator[tuple[date, date, str | None, str | None]]:
    for start, end in periods():
        yield start, end, None, None
        if takes_filters:
            yield start, end, "s03", None
            yield start, end, None, "apparel"


COLD: list[float] = []  # the warm-up runs' times of the page being timed (its first view)


def timed(run: Callable[[], Any], repeat: int) -> list[float]:
    started = time.perf_counter()
    run()  # warm: the database's cache and Python's (and the dashboard's cached refund outlook)
    COLD.append((time.perf_counter() - started) * 1000)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float], count: int) -> dict[str, float]:
    cold = max(COLD, default=0.0)
    COLD.clear()
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "filters": count,
        "cold_max": cold,
    }


def time_pages(store: Any, repeat: int, skip: set[str]) -> dict[str, dict[str, float]]:
    result = {}
    for name, (function, takes) in page_functions().items():
        if name in skip or name.removesuffix(" (rollup)") in skip:
            continue
        samples: list[float] = []
        chosen = list(filters(takes))
        for start, end, seller, category in chosen:
            samples += timed(lambda: function(store, start, end, seller, category), repeat)  # noqa: B023
        result[name] = summary(samples, len(chosen))
    return result


BASELINE_SQL = """
SELECT COUNT(DISTINCT o.id), SUM(l.quantity), SUM(l.unit_price * l.quantity - l.line_discount
       - l.order_discount_share),
       (SELECT COALESCE(SUM(pl.quantity), 0) FROM insights_pastreturnline pl
          JOIN insights_pastreturn p ON p.id = pl.past_return_id JOIN orders_order o2 ON o2.id = p.order_id
         WHERE o2.store_id = %s AND o2.ordered_at >= %s AND o2.ordered_at < %s AND o2.cancelled_at IS NULL
           AND p.status NOT IN ('rejected', 'cancelled', 'expired')),
       (SELECT COALESCE(SUM(rl.quantity), 0) FROM returns_returnline rl
          JOIN returns_return r ON r.id = rl.ret_id JOIN orders_order o3 ON o3.id = r.order_id
         WHERE o3.store_id = %s AND o3.ordered_at >= %s AND o3.ordered_at < %s AND o3.cancelled_at IS NULL
           AND r.state NOT IN ('rejected', 'cancelled', 'expired'))
  FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id
 WHERE o.store_id = %s AND o.ordered_at >= %s AND o.ordered_at < %s AND o.cancelled_at IS NULL
"""


def time_baseline(store: Any, repeat: int) -> dict[str, float]:
    """The same headline aggregates straight from the raw rows: one SQL query per period."""
    from django.db import connection

    samples: list[float] = []
    COLD.clear()
    for start, end in periods():
        since = datetime.combine(start, datetime.min.time(), store.zone)
        until = datetime.combine(end, datetime.min.time(), store.zone)
        params = [store.pk, since, until] * 3

        def run(params: list[Any] = params) -> Any:
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_SQL, params)
                return cursor.fetchone()

        samples += timed(run, repeat)
    return summary(samples, len(periods()))


def time_import(store: Any, rng: random.Random, count: int, first: int) -> dict[str, Any]:
    """``retour import-orders`` of ``count`` new orders (JSON Lines), and the rollup on them if it exists."""
    from django.core.management import call_command

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps(json_order(rng, first + number + 1)) + "\n")
        path = out.name
    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as quiet:
        call_command("import_orders", path, "--format", "json", "--store", store.code, stdout=quiet)
    seconds = time.perf_counter() - started
    Path(path).unlink(missing_ok=True)
    result: dict[str, Any] = {
        "orders": count,
        "seconds": seconds,
        "orders_per_s": count / seconds,
        "rollup": None,
    }
    updater = rollup_updater()
    if updater is not None:
        started = time.perf_counter()
        updater(store)
        result["rollup"] = {"seconds": time.perf_counter() - started}
        result["rollup"]["orders_per_s"] = count / max(result["rollup"]["seconds"], 1e-9)
    return result


def rollup_updater() -> Callable[[Any], Any] | None:
    """The rollup's incremental update (``services.rollup.follow``), when the rollup is in the checkout."""
    try:
        from retour.insights.services import rollup
    except ImportError:
        return None
    function = getattr(rollup, "follow", None)
    return function if callable(function) else None


def worker_outlooks(store: Any) -> dict[str, Any] | None:
    """The refund outlooks the pages read, computed as the worker does (``services.outlook``): as of
    each period's last day and as of the day before it (the dashboard's trend). Without it, a page's
    first view of a day computes it (tens of seconds at 100,000 orders)."""
    try:
        from retour.insights.services import outlook
    except ImportError:
        return None
    days = sorted(
        {day for start, end in periods() for day in (end - timedelta(days=1), start - timedelta(days=1))}
    )
    seconds = []
    owed = 0
    for day in days:
        row = outlook.compute(store, day)
        seconds.append(row.seconds)
        owed = max(owed, len(row.data["owed_now"]["returns"]))
    return {
        "count": len(days),
        "mean_s": statistics.mean(seconds),
        "max_s": max(seconds),
        "open_returns": owed,
    }


def rollup_rebuild(store: Any) -> float | None:
    """Seconds to build the store's rollup from scratch (``retour report rebuild``), if there is one."""
    try:
        from retour.insights.models import RollupState
        from retour.insights.services import rollup
    except ImportError:
        return None
    if store.pk in KEPT and RollupState.objects.filter(store=store).exists():
        return None
    started = time.perf_counter()
    rollup.rebuild(store)
    return time.perf_counter() - started


def json_order(rng: random.Random, number: int) -> dict[str, Any]:
    ordered = END - timedelta(days=rng.randint(0, 20))
    lines = []
    total = Decimal(0)
    for _ in range(rng.choices((1, 2, 3, 4), (2, 3, 3, 2))[0]):
        price = Decimal(rng.randrange(500, 15_000)) / 100
        category = rng.choice(CATEGORIES)
        lines.append(
            {
                "title": category,
                "sku": f"SKU-{category[:3]}-{rng.randrange(2000)}",
                "quantity": 1,
                "fulfilled_quantity": 1,
                "unit_price": str(price),
                "category": category,
            }
        )
        total += price
    return {
        "number": f"IMP-{number}",
        "ordered_at": ordered.isoformat(),
        "currency": "EUR",
        "customer": {"email": f"c{number}@example.com", "country": "FR"},
        "shipping_country": "FR",
        "fulfillment_status": "fulfilled",
        "lines": lines,
        "payments": [{"method": "card", "amount": str(total), "captured_at": ordered.isoformat()}],
        "shipments": [
            {
                "shipped_at": (ordered + timedelta(days=1)).isoformat(),
                "delivered_at": (ordered + timedelta(days=3)).isoformat(),
            }
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
