"""Load test with locust: shoppers and API clients against `retour serve` on PostgreSQL.

    .venv/bin/python bench/load_locust.py [--users 50] [--api-clients 5] [--seconds 120]
        [--baseline-seconds 60] [--orders 10000] [--workers 2] [--threads 8] [--pg-url URL] [--keep]

1. creates a PostgreSQL database (its name contains ``bench``), loads the demo store into it
   (``retour demo --orders N``) and lists the recent orders a shopper can really return (each user of the
   test takes one of its own), and makes an API token for the store;
2. starts ``retour serve`` (gunicorn, ``--workers`` processes of ``--threads`` threads) on the loopback,
   with ``TRUSTED_PROXIES`` set to the loopback so that each simulated shopper's own address
   (``X-Forwarded-For``) is the one the lookup limit counts;
3. the baseline, in the same run: as many users calling ``/healthz`` (the process answers, no database)
   with the same pacing, for ``--baseline-seconds``;
4. the test: ``--users`` shoppers each going lookup -> items -> options -> confirm -> status page (the users
   of bench/locustfile.py), and ``--api-clients`` integrations listing returns, reading an order and
   creating returns, for ``--seconds``, locust headless (bounded: a fixed number of users, a fixed time);
5. prints the machine, per request type the count, failures, p50/p95/p99 and throughput, the ratio of the
   test's p95 to the baseline's, the returns created (counted in the database) and the command line.

Exit status 1 when any request failed. The worker is not started: the emails the returns queue are left in
the queue (the load is the web server's).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "load"
BIN = Path(sys.executable).parent
LIST_ORDERS = """
import json, sys
import django
django.setup()
from retour.catalog.models import Store
from retour.demo.portal import returnable_line, returnable_orders
store = Store.objects.order_by("pk").first()
orders = returnable_orders(store, days=25, limit=int(sys.argv[1]))
found = [{"number": o.number, "email": o.email, "line": returnable_line(o).pk} for o in orders]
json.dump({"store": store.code, "orders": found}, sys.stdout)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "?",
    )
    load = os.getloadavg()
    python = platform.python_version()
    return f"{os.cpu_count()} CPUs ({cpu}), Python {python}, load average {load[0]:.2f} (1 min)"


def prepare(options: argparse.Namespace, env: dict[str, str]) -> tuple[Path, str]:
    name = options.pg_url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"The database's name must contain 'bench' (it is dropped first): {name}")
    with psycopg.connect(options.pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    retour = str(BIN / "retour")
    subprocess.run([retour, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run(
        [retour, "demo", "--orders", str(options.orders), "--seed", "1", "--progress", "off"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo store: {options.orders} orders loaded in {time.monotonic() - started:.0f} s")
    found = json.loads(
        subprocess.run(
            [sys.executable, "-c", LIST_ORDERS, str(options.orders)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    orders = OUT / "orders.json"
    orders.write_text(json.dumps(found["orders"]))
    print(f"orders a shopper can return: {len(found['orders'])}")
    token = subprocess.run(
        [retour, "create_api_token", "admin", "--name", "load test", "--store", found["store"]],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return orders, token


def returns_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM returns_return").fetchone()
    return int(row[0]) if row else 0


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/readyz", timeout=10).read()  # noqa: S310 - loopback
            return
        except OSError:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def locust(
    base: str, env: dict[str, str], users: int, seconds: float, classes: list[str], prefix: str
) -> list[dict[str, str]]:
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{int(seconds)}s",
        "--host",
        base,
        "--csv",
        str(OUT / prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    with (OUT / f"{prefix}_stats.csv").open() as file:
        return list(csv.DictReader(file))


def show(rows: list[dict[str, str]]) -> None:
    print(f"{'request':<22}{'count':>8}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}")
    for row in rows:
        print(
            f"{row['Name'][:21]:<22}{row['Request Count']:>8}{row['Failure Count']:>8}{row['50%']:>9}"
            f"{row['95%']:>9}{row['99%']:>9}{float(row['Requests/s']):>9.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=50, help="shoppers")
    parser.add_argument("--api-clients", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--baseline-seconds", type=float, default=60)
    parser.add_argument("--orders", type=int, default=10000, help="orders of the demo store")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/retour_bench_load")
    parser.add_argument("--keep", action="store_true", help="keep the database and bench/out/load")
    options = parser.parse_args()
    if shutil.which("locust", path=str(BIN)) is None:
        sys.exit("locust is missing: .venv/bin/pip install -e '.[bench]' (make bench does it)")
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": options.pg_url,
        "SECRET_KEY": "bench-secret-key",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "RETOUR_DATA_DIR": str(OUT / "var"),
        "DJANGO_SETTINGS_MODULE": "retour.config.settings",
    }
    print("machine:", machine())
    orders, token = prepare(options, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "retour"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--threads",
            str(options.threads),
        ],
        env=env,
        stdout=(OUT / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(base)
        users = options.users + options.api_clients
        load_env = {**env, "LOAD_ORDERS": str(orders), "LOAD_TOKEN": token}
        baseline = locust(base, load_env, users, options.baseline_seconds, ["Health"], "baseline")
        print(f"\nbaseline: {users} users on /healthz for {options.baseline_seconds:g} s")
        show(baseline)
        before = returns_count(options.pg_url)
        test = locust(base, load_env, users, options.seconds, ["Shopper", "ApiClient"], "test")
        print(
            f"\ntest: {options.users} shoppers (lookup -> items -> options -> confirm -> status) and "
            f"{options.api_clients} API clients for {options.seconds:g} s"
        )
        show(test)
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = returns_count(options.pg_url) - before
    total = next(row for row in test if row["Name"] == "Aggregated")
    base_total = next(row for row in baseline if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"]) + int(base_total["Failure Count"])
    ratio = float(total["95%"]) / max(float(base_total["95%"]), 1.0)
    print(f"\nreturns the test created (counted in the database): {created}")
    print(f"p95 of the test / p95 of the baseline: {ratio:.1f}x; errors: {failures}")
    print("machine at the end:", machine())
    print("Command:", shlex.join([".venv/bin/python", "bench/load_locust.py", *sys.argv[1:]]))
    if not options.keep:
        with psycopg.connect(options.pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{options.pg_url.rsplit("/", 1)[1]}" WITH (FORCE)')
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
