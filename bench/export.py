"""Export benchmark: memory stays flat however many rows an export streams.

    .venv/bin/python bench/export.py [--orders N] [--database sqlite|postgresql] [--pg-url URL] [--seed S]

Builds a store with bench/analytics.py's bulk writer (about 2.5 lines an order, a return for 30 % of
the orders, half of them made in Retour: those are the rows of the ``returns`` export), then streams the
``returns`` export (insights/exports.py, CSV) for a fifth of the two years and for all of it, measuring
for each the rows written, the time and the peak of Python memory (tracemalloc). The baseline, in the same
process, is the same rows read at once (``list(values_list(...))``, what a non-streaming export would
hold). Both periods hold several chunks of 2,000 rows (at the default 100,000 orders); flat memory
means the full export's peak over the fifth's stays near 1 while the baseline's grows with the rows.
Prints the figures and the command line that reproduces them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shlex
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("bench_analytics", ROOT / "bench" / "analytics.py")
assert spec is not None
assert spec.loader is not None
analytics = importlib.util.module_from_spec(spec)
spec.loader.exec_module(analytics)


def measured(run: Callable[[], int]) -> dict[str, float]:
    tracemalloc.start()
    started = time.perf_counter()
    rows = run()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": rows, "seconds": seconds, "peak_mib": peak / 2**20}


def child(args: argparse.Namespace) -> dict[str, Any]:
    analytics.fresh_database(args.database)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from retour.insights import exports

    call_command("migrate", verbosity=0)
    store, size = analytics.build_store(random.Random(args.seed), args.orders)
    dataset = exports.DATASETS["returns"]
    end = analytics.END.date() + timedelta(days=1)
    periods = {
        "fifth": end - timedelta(days=analytics.DAYS // 5),
        "all": end - timedelta(days=analytics.DAYS + 1),
    }

    def streamed(start: Any) -> int:
        return sum(chunk.count("\n") for chunk in exports.stream(dataset, store, start, end, "csv")) - 1

    def at_once(start: Any) -> int:
        return len(list(exports.records(dataset, store, start, end)))  # the iterator, materialised

    results = {}
    for name, start in periods.items():
        streamed(start)  # warm
        results[f"stream_{name}"] = measured(lambda start=start: streamed(start))
        results[f"list_{name}"] = measured(lambda start=start: at_once(start))
    return {"database": args.database, "size": size, "results": results}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/retour_bench_export")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print("RESULT " + json.dumps(child(args)))
        return 0
    env = analytics.child_env(args.database, args.pg_url)
    done = subprocess.run(
        [sys.executable, __file__, "--child", *sys.argv[1:]],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
        return 1
    line = next(row for row in reversed(done.stdout.splitlines()) if row.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    r = result["results"]
    print(f"machine: {analytics.machine()}")
    print(f"database: {result['database']}, store: {result['size']}")
    print(f"{'run':<14}{'rows':>10}{'seconds':>10}{'rows/s':>12}{'peak MiB':>10}")
    for name, figures in r.items():
        rate = figures["rows"] / figures["seconds"] if figures["seconds"] else 0
        print(
            f"{name:<14}{figures['rows']:>10}{figures['seconds']:>10.2f}{rate:>12.0f}{figures['peak_mib']:>10.2f}"
        )
    growth_rows = r["stream_all"]["rows"] / max(r["stream_fifth"]["rows"], 1)
    print(f"rows, all over a fifth: {growth_rows:.1f}x")
    print(
        f"streamed peak, all over a fifth: {r['stream_all']['peak_mib'] / r['stream_fifth']['peak_mib']:.2f}x"
    )
    print(
        f"read-at-once peak, all over a fifth: {r['list_all']['peak_mib'] / r['list_fifth']['peak_mib']:.2f}x"
    )
    ratio = r["stream_all"]["peak_mib"] / r["list_all"]["peak_mib"]
    print(f"streamed over read-at-once peak (all): {ratio:.2f}x")
    print("command: " + shlex.join([".venv/bin/python", "bench/export.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
