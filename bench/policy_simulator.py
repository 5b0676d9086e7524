"""What-if simulator benchmark: 1,000,000 past return requests replayed under a draft, SQLite and PostgreSQL.

    .venv/bin/python bench/policy_simulator.py [--requests N] [--orders N] [--databases sqlite,postgresql]
        [--pg-url URL] [--now YYYY-MM-DD] [--repeat 3] [--keep]

The target (issue: what-if simulator): ``simulate`` over 1,000,000 past requests in under 10 s, on SQLite
and on PostgreSQL. For each database the script

1. creates it afresh (SQLite: a file under bench/out/; PostgreSQL: ``DROP DATABASE … WITH (FORCE)`` then
   ``CREATE DATABASE``, the name must contain ``bench``), migrates it, and fills it with the project's own
   command: ``retour demo --orders O --returns N --now D`` (the demo store, then N past requests over the
   90 days before D, decided under marketplace-standard);
2. measures in one child process, so that both figures share a process and its warm caches:
   - the baseline, the floor a simulator cannot beat: the same requests read with the ORM as a plain
     ``values_list(<the 19 fact columns>).iterator()``, every row touched, no decision made;
   - ``simulation.simulate(store, draft, since=D - 90 days)``, best of ``--repeat``, against a draft made
     from marketplace-standard (21-day window, late returns refused after 7 days, a higher return fee,
     a larger store-credit bonus), checking that every request was replayed; with ``--draft segments``
     the draft also treats VIP customers apart and refuses end-of-line items (by tag), so that requests
     are grouped by segment and tags too;
   and reports that child's peak RSS (``os.wait4``);
3. prints the machine (with the load average before and after: another benchmark running at the same
   time slows this one), the table and the command line.

It exits 0 when the target is missed (it is a report, and says so), 1 when the run itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out" / "policy_simulator"
DATABASES = ("sqlite", "postgresql")
DEFAULT_REQUESTS = 1_000_000
DEFAULT_ORDERS = 3_000  # the demo store: about 7,500 order lines to sample the requests from
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/retour_simbench"
DEFAULT_NOW = "2026-03-01"  # fixed: the same arguments give the same requests on any day
TARGET_SECONDS = 10.0  # for TARGET_REQUESTS; scaled to the requests actually replayed
TARGET_REQUESTS = 1_000_000
FACT_COLUMNS = (
    "country",
    "currency",
    "category",
    "unit_price",
    "quantity",
    "ordered_at",
    "delivered_at",
    "requested_at",
    "condition",
    "reason",
    "is_gift",
    "member",
    "final_sale",
    "personalised",
    "seller_code",
    "payment_method",
    "tags",
    "segment",
    "stage",
)
# The draft: marketplace-standard, stricter. Each change must apply exactly once.
DRAFT_CHANGES = (
    ("name: marketplace-standard", "name: stricter-draft"),
    ("  days: 30\n", "  days: 21\n"),
    ("when: {days_past_return_by: {min: 31}}", "when: {days_past_return_by: {min: 8}}"),
    ('EUR: "4.95"', 'EUR: "5.95"'),
    ("store_credit_bonus_percent: 10", "store_credit_bonus_percent: 15"),
)
# --draft segments: the same, with rules on the customer's segment and the product's tags.
SEGMENT_RULES = (
    "rules:\n"
    "  - id: vip\n    when: {segment: vip, seller_fault: false, days_since_delivery: {max: 60}}\n"
    "    then: {eligible: true, code: vip, refund_percent: 100, resolutions: [refund, store_credit]}\n"
    "  - id: end-of-line\n"
    "    when: {tags: [fin-de-serie], seller_fault: false, days_since_delivery: {min: 15}}\n"
    "    then: {eligible: false, code: end_of_line}\n"
)


class BenchError(Exception):
    """The run itself failed."""


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# -- the measuring child ------------------------------------------------------------------------------


def draft_text(template: str, kind: str = "stricter") -> str:
    changes = DRAFT_CHANGES
    if kind == "segments":
        changes = (*DRAFT_CHANGES, ("rules:\n", SEGMENT_RULES))
    for old, new in changes:
        if template.count(old) != 1:
            raise BenchError(f"marketplace-standard changed: {old!r} is not in it exactly once")
        template = template.replace(old, new)
    return template


def measure(options: argparse.Namespace) -> dict[str, Any]:
    """In the child: the baseline and ``simulate``, best of ``repeat`` each; printed as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
    django.setup()
    from zoneinfo import ZoneInfo

    from retour.catalog.models import Store
    from retour.orders.demo import DEMO_STORE
    from retour.policies import services, simulation
    from retour.policies.models import PolicyDecision

    store = Store.objects.get(code=DEMO_STORE["code"])
    end = datetime.combine(date.fromisoformat(options.now), clock(), tzinfo=ZoneInfo(store.time_zone))
    since = end - timedelta(days=90)
    draft = services.parse(draft_text(services.template_text("marketplace-standard"), options.draft))

    def baseline() -> int:
        rows = PolicyDecision.objects.filter(store=store, stage="request", decided_at__gte=since)
        count = 0
        for _row in rows.order_by().values_list(*FACT_COLUMNS).iterator(chunk_size=simulation.CHUNK):
            count += 1
        return count

    fetch_runs, runs = [], []
    fetched = 0
    for _ in range(options.repeat):
        start = time.perf_counter()
        fetched = baseline()
        fetch_runs.append(time.perf_counter() - start)
    report = None
    for _ in range(options.repeat):
        start = time.perf_counter()
        report = simulation.simulate(store, draft, since=since)
        runs.append(time.perf_counter() - start)
    assert report is not None
    return {
        "fetched": fetched,
        "fetch_runs": fetch_runs,
        "runs": runs,
        "requests": report.requests,
        "decided": report.decided,
        "changed": report.changes.total,
        "active": report.active_policy,
        "draft": report.draft_policy,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


# -- the parent ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    name: str
    url: str
    sqlite_path: Path | None = None

    def create(self) -> None:
        if self.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            return
        name = pg_name(self.url)
        with pg_connect(pg_maintenance_url(self.url)) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')

    def drop(self) -> None:
        if self.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            return
        with pg_connect(pg_maintenance_url(self.url)) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{pg_name(self.url)}" WITH (FORCE)')


def pg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def pg_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or "bench" not in name:
        raise BenchError(f"the PostgreSQL database name must contain 'bench' (it is dropped): {name!r}")
    return name


def pg_maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DEBUG="0", RETOUR_DATA_DIR=str(OUT_DIR / "data"), DATABASE_URL=database_url)
    env["SECRET_KEY"] = "bench"  # noqa: S105 - a throwaway database
    return env


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a child, reaped with ``os.wait4`` for its own peak RSS: (seconds, peak RSS in kB, stdout)."""
    out_path = OUT_DIR / "child.stdout"
    err_path = OUT_DIR / "child.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
        tail = "\n".join((stdout + stderr).strip().splitlines()[-20:])
        raise BenchError(f"`{shlex.join(args)}` failed (exit {code}):\n{tail}")
    return seconds, usage.ru_maxrss, stdout


def retour_bin() -> str:
    beside = Path(sys.executable).parent / "retour"
    return str(beside if beside.exists() else ROOT / ".venv" / "bin" / "retour")


def fill_and_measure(database: Database, options: argparse.Namespace) -> dict[str, Any]:
    env = child_env(database.url)
    say(f"{database.name}: creating the database and migrating")
    database.create()
    run_measured([retour_bin(), "migrate", "--no-input", "-v", "0"], env)
    say(f"{database.name}: retour demo --orders {options.orders:,} --returns {options.requests:,}")
    demo = [retour_bin(), "demo", "--orders", str(options.orders), "--returns", str(options.requests)]
    demo += ["--now", options.now, "--progress", "off"]
    fill_seconds, fill_rss, fill_out = run_measured(demo, env)
    say(f"{database.name}: filled in {fill_seconds:.1f} s; measuring (best of {options.repeat})")
    args = [sys.executable, str(Path(__file__).resolve()), "--measure", "--now", options.now]
    args += ["--repeat", str(options.repeat), "--draft", options.draft]
    _seconds, peak_rss, out = run_measured(args, env)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result.update(fill_seconds=fill_seconds, fill_rss_kb=fill_rss, child_rss_kb=peak_rss)
    if result["requests"] != options.requests or result["fetched"] != options.requests:
        raise BenchError(
            f"{database.name}: {options.requests:,} requests written, {result['fetched']:,} read back, "
            f"{result['requests']:,} replayed ({fill_out.strip().splitlines()[-1]})"
        )
    say(
        f"{database.name}: simulate best {min(result['runs']):.2f} s, "
        f"baseline best {min(result['fetch_runs']):.2f} s"
    )
    return result


# -- the report -------------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory() -> str:
    try:
        info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    except OSError:
        return "unknown"
    total = int(info["MemTotal"].split()[0]) / 1024**2
    return f"{total:.1f} GiB"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def pg_version(url: str) -> str:
    try:
        with pg_connect(pg_maintenance_url(url)) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except Exception as error:  # reported; the run fails later where it matters
        return f"unreachable ({error.__class__.__name__})"
    return str(row[0]) if row else "unknown"


def masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))


def command_line(options: argparse.Namespace) -> str:
    python = Path(sys.executable)
    shown = os.path.relpath(python, ROOT) if python.is_relative_to(ROOT) else str(python)
    args = [
        shown,
        "bench/policy_simulator.py",
        "--requests",
        str(options.requests),
        "--orders",
        str(options.orders),
    ]
    args += [
        "--databases",
        ",".join(options.databases),
        "--now",
        options.now,
        "--repeat",
        str(options.repeat),
        *(["--draft", options.draft] if options.draft != "stricter" else []),
    ]
    if "postgresql" in options.databases:
        args += ["--pg-url", masked(options.pg_url)]
    return f"cd {shlex.quote(str(ROOT))} && {shlex.join(args)}"


def mb(kilobytes: int) -> float:
    return kilobytes * 1024 / 1e6


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(
    options: argparse.Namespace, results: dict[str, dict[str, Any]], machine: list[tuple[str, str]]
) -> bool:
    limit = TARGET_SECONDS * options.requests / TARGET_REQUESTS
    print()
    print("Retour what-if simulator benchmark: simulation.simulate over the demo store's past requests")
    print()
    for label, value in machine:
        print(f"  {label + ':':<24}{value}")
    any_result = next(iter(results.values()))
    print(
        f"  {'policies:':<24}active {any_result['active']}, "
        f"draft {any_result['draft']} (marketplace-standard, stricter"
        f"{', with segment and tag rules' if options.draft == 'segments' else ''})"
    )
    print(
        f"  {'requests:':<24}{options.requests:,} over the 90 days before {options.now}, sampled from the "
        f"lines of {options.orders:,} demo orders"
    )
    print(
        f"  {'baseline:':<24}the same requests read with values_list(19 fact columns).iterator(), no decision"
    )
    print(f"  {'target:':<24}simulate < {limit:.1f} s ({TARGET_SECONDS:.0f} s per million)")
    print()
    rows = [
        [
            "database",
            "fill s",
            "baseline s",
            "simulate s",
            "requests/s",
            "x baseline",
            "groups",
            "changed",
            "peak RSS MB",
            "target",
        ]
    ]
    ok = True
    for name, result in results.items():
        best, fetch = min(result["runs"]), min(result["fetch_runs"])
        passed = best < limit
        ok = ok and passed
        rows.append(
            [
                name,
                f"{result['fill_seconds']:.1f}",
                f"{fetch:.2f}",
                f"{best:.2f}",
                f"{result['requests'] / best:,.0f}",
                f"{best / fetch:.2f}",
                f"{result['decided']:,}",
                f"{result['changed']:,}",
                f"{mb(result['child_rss_kb']):.0f}",
                "PASS" if passed else "FAIL",
            ]
        )
    print(table(rows))
    print()
    for name, result in results.items():
        runs = ", ".join(f"{seconds:.2f}" for seconds in result["runs"])
        fetches = ", ".join(f"{seconds:.2f}" for seconds in result["fetch_runs"])
        print(f"  {name}: simulate runs {runs} s; baseline runs {fetches} s")
    print()
    print("Peak RSS is the measuring process's (Django, the baseline and the simulations); the database")
    print("servers' own memory is not counted. Reproduce with:")
    print()
    print(f"  {command_line(options)}")
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--now", default=DEFAULT_NOW)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draft", choices=("stricter", "segments"), default="stricter")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child's part
    options = parser.parse_args(argv)
    options.databases = [name.strip() for name in options.databases.split(",") if name.strip()]
    unknown = set(options.databases) - set(DATABASES)
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.measure:
        print(json.dumps(measure(options)))
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    databases = []
    for name in options.databases:
        if name == "sqlite":
            path = OUT_DIR / "simulator.sqlite3"
            databases.append(Database(name, f"sqlite:///{path}", path))
        else:
            databases.append(Database(name, options.pg_url))
    machine = [
        ("machine", f"{cpu_model()}, {os.cpu_count()} CPUs, {memory()}"),
        ("system", f"{platform.system()} {platform.release()}, Python {platform.python_version()}"),
        ("load average (start)", load()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if "postgresql" in options.databases:
        machine.append(("PostgreSQL", f"{pg_version(options.pg_url)} at {masked(options.pg_url)}"))
    results = {}
    try:
        for database in databases:
            try:
                results[database.name] = fill_and_measure(database, options)
            finally:
                if not options.keep:
                    database.drop()
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    machine.append(("load average (end)", load()))
    report(options, results, machine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
