"""Import benchmark: a million order lines into SQLite and PostgreSQL, with time and peak memory.

    .venv/bin/python bench/import_orders.py [--lines N] [--seed S] [--format shopify-csv|json]
        [--databases sqlite,postgresql] [--pg-url URL] [--now YYYY-MM-DD] [--keep]

The target (issue: streaming import): 1,000,000 order lines in under 2 minutes, into SQLite and into
PostgreSQL, peak memory under 500 MB. The script

1. writes the demo orders to a file with the project's own command (``retour demo --format ...``),
2. times a baseline in this process: reading that file with ``csv.reader`` (or ``json.loads`` per line)
   and touching every row, the floor that no import can beat,
3. for each database: creates it afresh, migrates it, creates the store ``bench``, then runs
   ``retour import-orders`` twice in a child process (first import, then the re-import of the same file,
   every order unchanged), each time taking the wall time and THAT child's own peak RSS (``os.wait4``),
   and checks the number of orders and lines in the database against the file,
4. prints the machine, a table with rows/s, peak RSS, the ratio to the baseline and PASS/FAIL, and the
   command line that reproduces the run.

It exits 0 when a target is missed (it is a report, and says so), 1 when the run itself failed (a command
failed, or the database does not hold what the file holds). Times include starting Python and Django in
the child (about a second). The peak RSS is the importer's process only: PostgreSQL's server processes
are not counted. The default ``--now`` is a fixed day so that the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import platform
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
STORE = "bench"
FORMATS = {"shopify-csv": ".csv", "json": ".jsonl"}
DATABASES = ("sqlite", "postgresql")
DEFAULT_LINES = 1_000_000
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/retour_bench"
DEFAULT_NOW = "2025-06-30"  # fixed, so that the same arguments give the same file on any day
LINES_PER_ORDER = 2.5  # the demo's average
TARGET_SECONDS = 120.0  # for TARGET_LINES; scaled to the lines actually imported
TARGET_LINES = 1_000_000
TARGET_RSS_MB = 500.0  # MB = 10**6 bytes
# Smaller files are not judged on time: start-up (about a second) would dominate. The demo averages a
# little under 2.5 lines an order, so the default run may fall a few hundred lines short of a million.
TIME_JUDGED_FROM = 900_000
IMPORT_PACKAGES = ("catalog", "config", "core", "orders")  # the code an import runs, for the digest
BASELINE_REPEATS = 3  # the best of these is the baseline

IMPORTED = re.compile(
    r"Imported (?P<orders>\d+) orders \((?P<lines>\d+) lines written\): (?P<created>\d+) new, "
    r"(?P<updated>\d+) updated, (?P<unchanged>\d+) unchanged"
)
WROTE = re.compile(r"Wrote (?P<orders>\d+) orders \((?P<lines>\d+) lines\)")
COUNT_SQL = (
    "SELECT"
    " (SELECT COUNT(*) FROM orders_order o JOIN catalog_store s ON s.id = o.store_id WHERE s.code = %s),"
    " (SELECT COUNT(*) FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id"
    "  JOIN catalog_store s ON s.id = o.store_id WHERE s.code = %s)"
)


class BenchError(Exception):
    """The run itself failed: a command failed, or the database does not hold what the file holds."""


@dataclass(frozen=True)
class Child:
    """A finished child process."""

    seconds: float
    peak_rss_kb: int  # ru_maxrss: kilobytes on Linux
    cpu_seconds: float  # user + system
    stdout: str


@dataclass(frozen=True)
class FileInfo:
    path: Path
    orders: int
    lines: int
    size: int
    generation: Child


@dataclass(frozen=True)
class Baseline:
    seconds: float  # the best of BASELINE_REPEATS
    runs: list[float]


@dataclass
class Phase:
    database: str
    name: str
    child: Child
    summary: dict[str, int]  # parsed from the importer's last line; empty if it did not match
    db_orders: int
    db_lines: int
    db_size: int | None
    source: str  # the code's state when the phase started (others may be editing src/)
    machine_cpu: float | None  # CPU seconds the whole machine was busy during the phase, all processes
    notes: list[str] = field(default_factory=list)


# -- child processes -------------------------------------------------------------------------------


def retour_bin() -> Path:
    """The ``retour`` script of the virtualenv running this benchmark (else the project's .venv)."""
    beside = Path(sys.executable).parent / "retour"
    return beside if beside.exists() else ROOT / ".venv" / "bin" / "retour"


def run(args: Sequence[str], env: dict[str, str], workdir: Path, name: str) -> Child:
    """Run ``args``, reap it with ``os.wait4`` to get its own rusage; raise if it fails."""
    out_path, err_path = workdir / f"{name}.stdout", workdir / f"{name}.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
        tail = "\n".join((stdout + stderr).strip().splitlines()[-20:])
        raise BenchError(f"`{shlex.join(args)}` failed (exit {process.returncode}):\n{tail}")
    return Child(seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, stdout)


def child_env(workdir: Path, database_url: str, *, debug: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="1" if debug else "0",
        RETOUR_DATA_DIR=str(workdir / "data"),
        DATABASE_URL=database_url,
    )
    if not debug:
        env["SECRET_KEY"] = "bench"  # noqa: S105 - a throwaway database
    return env


def say(message: str) -> None:
    """Progress, on stderr, so that the report on stdout stays clean."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# -- the file and the baseline -----------------------------------------------------------------------


def generate(workdir: Path, lines: int, seed: int, fmt: str, now: str) -> FileInfo:
    orders = math.ceil(lines / LINES_PER_ORDER)
    path = workdir / f"orders{FORMATS[fmt]}"
    say(f"generating {orders:,} orders ({fmt}) into {path}")
    args = [str(retour_bin()), "demo", "--orders", str(orders), "--seed", str(seed), "--format", fmt]
    args += ["--output", str(path), "--now", now, "--progress", "off"]
    env = child_env(workdir, f"sqlite:///{workdir / 'data' / 'unused.sqlite3'}", debug=True)
    generation = run(args, env, workdir, "generate")
    wrote = WROTE.search(generation.stdout)
    if wrote is None:
        raise BenchError(f"unexpected output from `retour demo`: {generation.stdout.strip()!r}")
    return FileInfo(path, int(wrote["orders"]), int(wrote["lines"]), path.stat().st_size, generation)


def read_floor(path: Path, fmt: str) -> tuple[float, int, int]:
    """Read the whole file the cheapest way and touch every row: (seconds, orders, lines)."""
    orders = lines = 0
    start = time.perf_counter()
    if fmt == "shopify-csv":
        with path.open(encoding="utf-8", newline="") as stream:
            rows = csv.reader(stream)
            next(rows)  # the header
            last = None
            for row in rows:
                lines += 1
                if row[0] != last:  # an order's rows are consecutive
                    orders += 1
                    last = row[0]
    else:
        with path.open(encoding="utf-8") as stream:
            for text in stream:
                if text.strip():
                    orders += 1
                    lines += len(json.loads(text)["lines"])
    return time.perf_counter() - start, orders, lines


def baseline(file: FileInfo, fmt: str) -> Baseline:
    runs = []
    for _ in range(BASELINE_REPEATS):
        seconds, orders, lines = read_floor(file.path, fmt)
        if (orders, lines) != (file.orders, file.lines):
            raise BenchError(
                f"the file holds {orders:,} orders and {lines:,} lines; "
                f"`retour demo` said {file.orders:,} and {file.lines:,}"
            )
        runs.append(seconds)
    return Baseline(min(runs), runs)


# -- databases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    name: str
    url: str  # DATABASE_URL for the children
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
        if self.sqlite_path is None:
            with pg_connect(pg_maintenance_url(self.url)) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{pg_name(self.url)}" WITH (FORCE)')

    def counts(self) -> tuple[int, int]:
        """(orders, order lines) of the store ``bench``."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as connection:
                row = connection.execute(COUNT_SQL.replace("%s", "?"), (STORE, STORE)).fetchone()
            connection.close()
        else:
            with pg_connect(self.url) as connection:
                row = connection.execute(COUNT_SQL, (STORE, STORE)).fetchone()
        return int(row[0]), int(row[1])

    def size(self) -> int | None:
        """Bytes on disk (SQLite: the file and its WAL), or None when unknown."""
        if self.sqlite_path is not None:
            paths = [Path(f"{self.sqlite_path}{suffix}") for suffix in ("", "-wal")]
            return sum(path.stat().st_size for path in paths if path.exists())
        with pg_connect(self.url) as connection:
            row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else None


def pg_connect(url: str) -> Any:
    import psycopg  # only when PostgreSQL is measured

    return psycopg.connect(url, autocommit=True)


def pg_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or "bench" not in name:
        # It is dropped and created again: never let a typo point this at a real database.
        raise BenchError(f"the PostgreSQL database name must contain 'bench' (it is dropped): {name!r}")
    return name


def pg_maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def masked(url: str) -> str:
    parts: SplitResult = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def measure(database: Database, file: FileInfo, fmt: str, workdir: Path) -> list[Phase]:
    retour = str(retour_bin())
    env = child_env(workdir, database.url, debug=False)
    say(f"{database.name}: creating the database, migrating, creating the store {STORE!r}")
    database.create()
    run([retour, "migrate", "--no-input"], env, workdir, f"{database.name}-migrate")
    store_args = ["create-store", STORE, "--name", "Bench", "--currency", "EUR", "--country", "FR"]
    run([retour, *store_args], env, workdir, f"{database.name}-create-store")
    phases = []
    for phase in ("first import", "re-import"):
        say(f"{database.name}: {phase} of {file.lines:,} lines")
        slug = f"{database.name}-{phase.replace(' ', '-')}"
        args = [
            retour,
            "import-orders",
            "--format",
            fmt,
            str(file.path),
            "--store",
            STORE,
            "--progress",
            "off",
        ]
        source = source_state()
        busy = machine_busy()
        child = run(args, env, workdir, slug)
        after = machine_busy()
        machine_cpu = None if busy is None or after is None else after - busy
        matched = IMPORTED.search(child.stdout)
        summary = {key: int(value) for key, value in matched.groupdict().items()} if matched else {}
        db_orders, db_lines = database.counts()
        result = Phase(
            database.name, phase, child, summary, db_orders, db_lines, database.size(), source, machine_cpu
        )
        say(
            f"{database.name}: {phase}: {child.seconds:.1f} s, peak RSS {mb(child.peak_rss_kb):.0f} MB; "
            f"{child.stdout.strip()}"
        )
        if (db_orders, db_lines) != (file.orders, file.lines):
            raise BenchError(
                f"{database.name}, after the {phase}: the database holds {db_orders:,} orders and "
                f"{db_lines:,} lines; the file holds {file.orders:,} and {file.lines:,}"
            )
        expected = (
            {"created": file.orders, "updated": 0, "unchanged": 0}
            if phase == "first import"
            else {"created": 0, "updated": 0, "unchanged": file.orders}
        )
        if not summary:
            result.notes.append(f"the importer's summary was not recognised: {child.stdout.strip()!r}")
        elif any(summary[key] != value for key, value in expected.items()):
            result.notes.append(
                f"expected {expected['created']:,} new, {expected['updated']:,} updated and "
                f"{expected['unchanged']:,} unchanged; the importer said {summary['created']:,} new, "
                f"{summary['updated']:,} updated, {summary['unchanged']:,} unchanged"
            )
        phases.append(result)
    return phases


# -- the report --------------------------------------------------------------------------------------


def mb(kilobytes: int) -> float:
    return kilobytes * 1024 / 1e6


def time_limit(lines: int) -> float:
    """The time target for ``lines``: 120 s per million lines (8,334 lines/s)."""
    return TARGET_SECONDS * lines / TARGET_LINES


def verdict(phase: Phase, lines: int) -> str:
    """PASS or FAIL (what was missed); with a * when the file is too small for the time target to count."""
    missed = []
    if lines >= TIME_JUDGED_FROM and phase.child.seconds >= time_limit(lines):
        missed.append("time")
    if mb(phase.child.peak_rss_kb) >= TARGET_RSS_MB:
        missed.append("memory")
    mark = "" if lines >= TIME_JUDGED_FROM else "*"
    return ("PASS" if not missed else "FAIL (" + ", ".join(missed) + ")") + mark


def judged(phase: Phase, lines: int) -> bool:
    return verdict(phase, lines).startswith("PASS")


def table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine_busy() -> float | None:
    """CPU seconds the whole machine has been busy since boot (all CPUs, idle and I/O wait excluded)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


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
    total, available = (int(info[key].split()[0]) / 1024**2 for key in ("MemTotal", "MemAvailable"))
    return f"{total:.1f} GiB ({available:.1f} GiB available at the start)"


def pg_version(url: str) -> str:
    try:
        with pg_connect(pg_maintenance_url(url)) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except Exception as error:  # reported; the run fails later where it matters
        return f"unreachable ({error.__class__.__name__})"
    return str(row[0]) if row else "unknown"


def git(*args: str) -> str:
    executable = shutil.which("git")
    if executable is None:
        return ""
    try:
        done = subprocess.run([executable, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def source_state() -> str:
    """The commit, and a digest of the code an import runs (to see whether it changed during the run)."""
    digest = hashlib.sha256()
    for package in IMPORT_PACKAGES:
        for path in sorted((ROOT / "src" / "retour" / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            try:
                digest.update(path.read_bytes())
            except OSError:  # removed while we looked: others edit src/ too
                digest.update(b"<gone>")
    paths = [f"src/retour/{package}" for package in IMPORT_PACKAGES]
    changes = " + uncommitted changes" if git("status", "--porcelain", "--", *paths) else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return (
        f"{commit}{changes}, sha256 {digest.hexdigest()[:12]} of src/retour/{{{','.join(IMPORT_PACKAGES)}}}"
    )


def command_line(options: argparse.Namespace) -> str:
    python = Path(sys.executable)
    shown = os.path.relpath(python, ROOT) if python.is_relative_to(ROOT) else str(python)
    args = [shown, "bench/import_orders.py", "--lines", str(options.lines), "--seed", str(options.seed)]
    args += ["--format", options.format, "--databases", ",".join(options.databases), "--now", options.now]
    if "postgresql" in options.databases:
        args += ["--pg-url", masked(options.pg_url)]
    prefix = f"PYTHONHASHSEED={os.environ['PYTHONHASHSEED']} " if "PYTHONHASHSEED" in os.environ else ""
    return f"cd {shlex.quote(str(ROOT))} && {prefix}{shlex.join(args)}"


def report(
    options: argparse.Namespace,
    file: FileInfo,
    base: Baseline,
    phases: list[Phase],
    machine: list[tuple[str, str]],
) -> bool:
    """Print the report; return whether every target was met."""
    print()
    print("Retour import benchmark: retour import-orders, one file into each database")
    print()
    for label, value in machine:
        print(f"  {label + ':':<22}{value}")
    print()
    print(
        f"  {'file:':<22}{options.format}, {file.orders:,} orders, {file.lines:,} order lines, "
        f"{file.size / 1e6:,.1f} MB (seed {options.seed}, demo year ending {options.now})"
    )
    print(
        f"  {'generation:':<22}{file.generation.seconds:.1f} s ({file.lines / file.generation.seconds:,.0f} "
        f"lines/s), peak RSS {mb(file.generation.peak_rss_kb):.0f} MB"
    )
    reader = (
        "csv.reader, every row touched" if options.format == "shopify-csv" else "json.loads of every line"
    )
    runs = ", ".join(f"{seconds:.2f}" for seconds in base.runs)
    print(
        f"  {'baseline (floor):':<22}{reader}: {base.seconds:.2f} s, "
        f"{file.lines / base.seconds:,.0f} lines/s (best of {runs} s)"
    )
    limit = time_limit(file.lines)
    print(
        f"  {'targets:':<22}time < {limit:.1f} s for {file.lines:,} lines ({TARGET_SECONDS:.0f} s per "
        f"million, >= {TARGET_LINES / TARGET_SECONDS:,.0f} lines/s); peak RSS < {TARGET_RSS_MB:.0f} MB "
        "(10^6 bytes); each import"
    )
    print()
    rows = [
        [
            "database",
            "phase",
            "seconds",
            "lines/s",
            "orders/s",
            "CPU s",
            "peak RSS MB",
            "x baseline",
            "target",
        ]
    ]
    for phase in phases:
        child = phase.child
        rows.append(
            [
                phase.database,
                phase.name,
                f"{child.seconds:.1f}",
                f"{file.lines / child.seconds:,.0f}",
                f"{file.orders / child.seconds:,.0f}",
                f"{child.cpu_seconds:.1f}",
                f"{mb(child.peak_rss_kb):.0f}",
                f"{child.seconds / base.seconds:.1f}",
                verdict(phase, file.lines),
            ]
        )
    print(table(rows, right={2, 3, 4, 5, 6, 7}))
    print()
    print("  seconds: wall time of the `retour import-orders` process, Python and Django start-up included;")
    print("  CPU s: that process's user + system time (PostgreSQL's server work is not in it);")
    print("  peak RSS: that process's own ru_maxrss (os.wait4); x baseline: import time / baseline time.")
    print()
    changed = len({phase.source for phase in phases}) > 1
    for phase in phases:
        size = f", database {phase.db_size / 1e6:,.0f} MB" if phase.db_size is not None else ""
        print(
            f"  {phase.database}, {phase.name}: {phase.db_orders:,} orders and {phase.db_lines:,} lines "
            f"in the database (checked){size}; importer: {phase.child.stdout.strip()}"
        )
        if phase.machine_cpu is not None:
            others = "PostgreSQL and other processes" if phase.database == "postgresql" else "other processes"
            rest = phase.machine_cpu - phase.child.cpu_seconds
            print(
                f"    machine CPU busy during it: {phase.machine_cpu:.1f} s, of which the importer "
                f"{phase.child.cpu_seconds:.1f} s and {others} {rest:.1f} s"
            )
        if changed:
            print(f"    code when it started: {phase.source}")
        for note in phase.notes:
            print(f"    NOTE: {note}")
    print()
    if changed:
        print("WARNING: the import code changed between phases; they did not all measure the same code.")
    met = all(judged(phase, file.lines) for phase in phases)
    if met:
        print("All targets met.")
    else:
        missed = [f"{p.database} {p.name}" for p in phases if not judged(p, file.lines)]
        print(f"TARGET MISSED: {', '.join(missed)} (a report: the exit status is still 0).")
    if file.lines < TIME_JUDGED_FROM:
        print(
            f"* {file.lines:,} lines is too few for the time target ({TARGET_LINES:,} lines; judged from "
            f"{TIME_JUDGED_FROM:,}), since start-up would dominate: only the memory target was judged."
        )
    print()
    print("Reproduce with:")
    print(f"  {command_line(options)}")
    return met


# -- main --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES, help="order lines to aim for")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=sorted(FORMATS), default="shopify-csv")
    parser.add_argument("--databases", default=",".join(DATABASES), help="comma-separated: sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=DEFAULT_PG_URL, help="dropped and created again (name must hold 'bench')"
    )
    parser.add_argument("--now", default=DEFAULT_NOW, help="the day the demo year ends, YYYY-MM-DD")
    parser.add_argument("--keep", action="store_true", help="keep the file, the logs and the databases")
    options = parser.parse_args(argv)
    options.databases = [name.strip() for name in options.databases.split(",") if name.strip()]
    unknown = sorted(set(options.databases) - set(DATABASES))
    if unknown or not options.databases:
        parser.error(
            f"--databases takes some of {', '.join(DATABASES)}, not {', '.join(unknown) or 'nothing'}"
        )
    if options.lines < 1:
        parser.error("--lines must be at least 1")
    if "postgresql" in options.databases:
        try:
            pg_name(options.pg_url)  # refuse a wrong name before spending minutes on the file
        except BenchError as error:
            parser.error(str(error))
    try:
        date.fromisoformat(options.now)
    except ValueError:
        parser.error(f"--now takes YYYY-MM-DD, not {options.now!r}")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    workdir = OUT_DIR / f"import-orders-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    (workdir / "data").mkdir(parents=True)
    databases = [
        Database("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}", workdir / "bench.sqlite3")
        if name == "sqlite"
        else Database("postgresql", options.pg_url)
        for name in options.databases
    ]
    load = os.getloadavg()
    source = source_state()
    machine = [
        ("CPUs (nproc)", f"{len(os.sched_getaffinity(0))} of {os.cpu_count()}, {cpu_model()}"),
        ("memory", memory()),
        ("system", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if "postgresql" in options.databases:
        machine.append(("PostgreSQL server", f"{pg_version(options.pg_url)} ({masked(options.pg_url)})"))
    say(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; work directory {workdir}")
    if load[0] > 0.5 * len(os.sched_getaffinity(0)):
        say("WARNING: the machine is busy; the figures will be lower than they should be")
    failed = True
    try:
        file = generate(workdir, options.lines, options.seed, options.format, options.now)
        say(f"baseline: reading {file.lines:,} lines {BASELINE_REPEATS} times")
        base = baseline(file, options.format)
        phases = [
            phase for database in databases for phase in measure(database, file, options.format, workdir)
        ]
        end_load = os.getloadavg()
        end_source = source_state()
        machine += [
            ("load average", f"{load[0]:.2f} at the start, {end_load[0]:.2f} at the end (1 min)"),
            ("code", source if end_source == source else f"CHANGED DURING THE RUN: {source} -> {end_source}"),
        ]
        if load[0] > 0.5 * len(os.sched_getaffinity(0)):
            machine.append(("WARNING", "the machine was busy when the run started; figures may be low"))
        report(options, file, base, phases, machine)
        failed = False
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if options.keep or failed:
            print(f"\nFiles and logs kept in {workdir}", file=sys.stderr)
            if failed:
                print("(databases kept for inspection)", file=sys.stderr)
        else:
            for database in databases:
                try:
                    database.drop()
                except Exception as error:  # cleaning up must not hide the report
                    say(f"could not drop the {database.name} database: {error}")
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
