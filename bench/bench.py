"""The tracker's speed and memory at team scale, in one run (`make bench`, not part of `make test`).

Synthesises a history from the bundled corpus (each timeline copied to many synthetic
jurisdictions, its reports cycled with shifted dates) and measures, on SQLite and (when
TRACKER_BENCH_DATABASE_URL names a PostgreSQL database it may empty) on PostgreSQL:
- ingest throughput with --jobs 1 and --jobs 2, and the CPU a report costs in its first and last
  1,000, against a floor: the same files read, hashed and stored raw in SQLite by a minimal loop;
- `diff --since` over the whole history as JSON, text, markdown and HTML;
- `list`, `show` and `tracker --help`, against bare `python -c pass`;
- peak memory of the ingest and of a reparse of the whole history.
Wall times are the best of a few runs (the machine may be shared); CPU times are printed beside
them because they hold still when it is. `--reports 50000` measures the big history (about
50,000 x 20 ms of CPU per ingest: plan on an hour per backend).
- `tracker site` over the whole history: a first build, and a rebuild after one more report.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "tests"))

from reports import synthesise  # noqa: E402  (the test suite's synthetic history)

TRACKER = [sys.executable, "-m", "tracker"]
PROBE = ("import resource, subprocess, sys, time; t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, "
         "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss)")


def run(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in KiB) of one command and every process it started,
    measured in a fresh child so that earlier runs do not mask its peak."""
    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], env=env, check=True, capture_output=True, text=True)
    wall, cpu, rss = out.stdout.split()
    return float(wall), float(cpu), int(rss)


def best(cmd: list[str], env: dict, repeat: int) -> tuple[float, float]:
    """(best wall, best CPU) seconds of `repeat` runs."""
    runs = [run(cmd, env) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def floor(files: list[Path], db: Path) -> float:
    """Reports per second of the minimal loop: read, hash, store raw, commit, per file."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE raw (sha TEXT UNIQUE, text TEXT)")
    t = time.perf_counter()
    for f in files:
        data = f.read_bytes()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO raw VALUES (?, ?)", (hashlib.sha256(data).hexdigest(), data.decode("utf-8")))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t
    conn.close()
    return len(files) / elapsed


def empty_postgres(url: str) -> None:
    """Drop every table of the bench's PostgreSQL database."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

    from tracker.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def linked(files: list[Path], folder: Path) -> Path:
    """A folder holding (hard links to) these files only."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        os.link(f, folder / f.name)
    return folder


class Bench:
    """One backend's figures."""

    def __init__(self, name: str, files: list[Path], work: Path, env: dict, fresh) -> None:
        self.name, self.files, self.work, self.env, self.fresh = name, files, work, env, fresh
        self.lines: list[str] = []

    def say(self, line: str) -> None:
        print(f"[{self.name}] {line}", flush=True)
        self.lines.append(line)

    def ingest(self, jobs: int) -> tuple[str, float, float, int]:
        """Ingest the whole history into a fresh database: (url, wall, CPU, peak RSS)."""
        db = self.fresh(f"jobs{jobs}")
        wall, cpu, rss = run([*TRACKER, "--db", db, "ingest", "--quiet", "--jobs", str(jobs),
                              str(self.work / "in")], self.env)
        return db, wall, cpu, rss

    def chunks(self) -> tuple[float, float]:
        """CPU milliseconds a report costs in the first and in the last 1,000 of the history, with --jobs 1."""
        n = len(self.files)
        k = min(1000, n // 5)
        db = self.fresh("chunks")
        parts = [self.files[:k], self.files[k:n - k], self.files[n - k:]]
        costs = []
        for i, part in enumerate(parts):
            folder = linked(part, self.work / f"part{i}-{self.name}")
            _, cpu, _ = run([*TRACKER, "--db", db, "ingest", "--quiet", "--jobs", "1", str(folder)], self.env)
            costs.append(cpu / len(part) * 1000)
        return costs[0], costs[2]

    def measure(self, floor_rate: float, bare: tuple[float, float]) -> None:
        n = len(self.files)
        db, wall1, cpu1, rss1 = self.ingest(1)
        self.say(f"ingest --jobs 1: {n / wall1:,.0f} reports/s ({wall1:.1f} s wall, {cpu1 / n * 1000:.2f} ms CPU a "
                 f"report), peak RSS {rss1 / 1024:.0f} MiB; floor (read+hash+store raw) {floor_rate:,.0f} reports/s")
        _, wall2, cpu2, rss2 = self.ingest(2)
        self.say(f"ingest --jobs 2: {n / wall2:,.0f} reports/s ({wall2:.1f} s wall, {cpu2 / n * 1000:.2f} ms CPU a "
                 f"report in all processes), peak RSS {rss2 / 1024:.0f} MiB")
        first, last = self.chunks()
        self.say(f"cost per report, --jobs 1: {first:.2f} ms CPU in the first 1k, {last:.2f} ms in the last 1k "
                 f"({'flat' if last <= first * 1.25 else 'GROWS'})")
        since = ["diff", "--since", "1900-01-01"]
        out = subprocess.run([*TRACKER, "--db", db, *since, "--format", "json"], env=self.env, capture_output=True,
                             text=True, check=True).stdout
        self.say(f"history: {n:,} snapshots, {out.count(chr(34) + 'change_id' + chr(34)):,} material changes")
        for fmt in ("json", "text", "markdown", "html"):
            wall, cpu = best([*TRACKER, "--db", db, *since, "--format", fmt], self.env, 3)
            self.say(f"diff --since as {fmt}: {wall:.3f} s wall, {cpu:.3f} s CPU")
        first_name = subprocess.run([*TRACKER, "--db", db, "list", "--format", "json"], env=self.env,
                                    capture_output=True, text=True, check=True).stdout.split('"jurisdiction": "')[1]
        for what, cmd in (("list", ["list"]), ("show", ["show", first_name.split('"')[0]]), ("--help", ["--help"])):
            wall, cpu = best([*TRACKER, "--db", db, *cmd], self.env, 5)
            self.say(f"{what}: {wall:.3f} s wall, {cpu:.3f} s CPU; bare python -c pass {bare[0]:.3f} s wall, "
                     f"{bare[1]:.3f} s CPU")
        site = self.work / f"site-{self.name}"
        wall, cpu, _ = run([*TRACKER, "--db", db, "site", "--quiet", str(site)], self.env)
        pages = sum(1 for _ in site.rglob("*.html"))
        one_more = self.work / f"one-more-{self.name}.txt"
        text = self.files[-1].read_text(encoding="utf-8")
        one_more.write_text(re.sub(r"(Generated by \S+ on )\S+", r"\g<1>2026-11-30T00:00:00.000Z", text, count=1),
                            encoding="utf-8")
        subprocess.run([*TRACKER, "--db", db, "ingest", "--quiet", str(one_more)], env=self.env, check=True)
        t = time.perf_counter()
        rebuild = subprocess.run([*TRACKER, "--db", db, "site", str(site)], env=self.env, check=True,
                                 capture_output=True, text=True).stderr.strip()
        rebuild_s = time.perf_counter() - t
        self.say(f"site over the whole history: {wall:.1f} s wall, {cpu:.1f} s CPU for {pages:,} pages; after one "
                 f"more report: {rebuild_s:.1f} s ({rebuild.split(' into ')[0].removeprefix('Wrote ')} rewritten)")
        wall, cpu, rss = run([*TRACKER, "--db", db, "reparse"], self.env)
        self.say(f"reparse of {n:,}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss / 1024:.0f} MiB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=5000)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    a = ap.parse_args()
    pg = os.environ.get("TRACKER_BENCH_DATABASE_URL")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
               f"{platform.python_version()} ({platform.platform()})")
    print(f"machine: {machine}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        work = Path(tmp)
        files = synthesise(CORPUS, work / "in", a.reports)
        env = {**os.environ, "TRACKER_SNAPSHOTS_DIR": "", "NO_COLOR": "1"}
        env.pop("TRACKER_DATABASE_URL", None)
        floor_rate = floor(files, work / "floor.db")
        bare = best([sys.executable, "-c", "pass"], env, 7)
        backends = []
        if a.backend in ("sqlite", "both"):
            backends.append(Bench("sqlite", files, work, env, lambda tag: f"sqlite:///{work / (tag + '.db')}"))
        if a.backend in ("postgresql", "both"):
            if not pg:
                print("[postgresql] skipped: set TRACKER_BENCH_DATABASE_URL to a PostgreSQL database the bench may empty")
            else:
                def fresh_pg(tag: str) -> str:
                    empty_postgres(pg)
                    return pg
                backends.append(Bench("postgresql", files, work, env, fresh_pg))
        for b in backends:
            b.measure(floor_rate, bare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
