"""Load on the production server, loopback only, bounded: the PostgreSQL connections stay within the pool.

Starts gunicorn (the production server, `make serve`) on a fresh PostgreSQL database with ``--workers``
processes of ``--threads`` threads each and ``DATABASE_POOL_SIZE=--pool``, sends ``--clients`` concurrent
clients at it for ``--seconds`` (the portal's home, the help center, the API's OpenAPI document and
/readyz, all reading the database), samples PostgreSQL's own count of the database's connections every
50 ms, and prints: requests, errors (any 5xx or failed connection), p50/p95 latency, and the most
connections seen against the bound (workers x pool). The baseline beside it: the same load on one
worker, to read the pool's bound as a ratio rather than an absolute.

    .venv/bin/python bench/load.py --seconds 15 --clients 32 --workers 2 --threads 8 --pool 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("/", "/help/", "/api/openapi.json", "/readyz")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def connections(url: str, name: str) -> int:
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()
    return int(row[0]) if row else 0


def run(options: argparse.Namespace, workers: int) -> dict[str, float]:
    name = f"retour_load_{os.getpid()}"
    url = database(options.postgres, name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_POOL_SIZE": str(options.pool),
        "RETOUR_DATA_DIR": str(ROOT / "var" / "bench-load"),
    }
    retour = shutil.which("retour", path=str(Path(sys.executable).parent)) or "retour"
    subprocess.run([retour, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    subprocess.run(
        [retour, "create-store", "bench", "--name", "Bench"], env=env, check=False, capture_output=True
    )
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "retour.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(options.threads),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=10).read()  # noqa: S310 - loopback
                break
            except OSError:  # not listening yet, or still loading
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        latencies: list[float] = []
        errors = [0]
        seen = [0]
        lock = threading.Lock()
        stop = time.monotonic() + options.seconds

        def client(index: int) -> None:
            n = index
            while time.monotonic() < stop:
                path = PATHS[n % len(PATHS)]
                n += 1
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 - loopback
                        response.read()
                    failed = False
                except urllib.error.HTTPError as error:
                    failed = error.code >= 500
                except OSError:  # refused, reset, timed out
                    failed = True
                with lock:
                    latencies.append(time.perf_counter() - started)
                    errors[0] += failed

        def sample() -> None:
            while time.monotonic() < stop:
                count = connections(url, name)
                with lock:
                    seen[0] = max(seen[0], count)
                time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(options.clients)]
        sampler = threading.Thread(target=sample)
        for thread in [*threads, sampler]:
            thread.start()
        for thread in [*threads, sampler]:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ordered = sorted(latencies)
    return {
        "workers": workers,
        "requests": len(latencies),
        "errors": errors[0],
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "max_connections": seen[0],
        "bound": workers * options.pool,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pool", type=int, default=4)
    options = parser.parse_args()
    print(f"load: {options.clients} clients for {options.seconds:g} s on gunicorn, {options.threads} threads")
    heads = ("workers", "requests", "errors", "p50 ms", "p95 ms", "max conn", "bound")
    print(" ".join(f"{head:>8}" for head in heads))
    ok = True
    for workers in sorted({1, options.workers}):
        found = run(options, workers)
        ok &= found["errors"] == 0 and found["max_connections"] <= found["bound"]
        print(
            f"{found['workers']:>8} {found['requests']:>8} {found['errors']:>8} {found['p50_ms']:>8.1f} "
            f"{found['p95_ms']:>8.1f} {found['max_connections']:>8} {found['bound']:>8}"
        )
    print("connections within the pool and no errors:", "PASS" if ok else "FAIL")
    print("Command:", " ".join([Path(sys.executable).name, *sys.argv]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
