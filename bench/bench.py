"""The tracker's speed and memory at team scale, in one run (`make bench`, not part of `make test`).

Synthesises a history of at least 5,000 reports from the bundled corpus (each timeline copied to
many synthetic jurisdictions, its reports cycled with shifted dates), then measures:
- ingest throughput, against a floor: the same files read, hashed and stored raw in SQLite, one
  transaction per file, by a minimal loop;
- `tracker diff --since` latency over the whole history;
- `tracker --help` start-up, against bare `python -c pass`;
- peak memory of the ingest, at 1/5 of the history and at all of it (flat means it does not grow);
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


def timed(cmd: list[str], env: dict, repeat: int = 1) -> tuple[float, int]:
    """(best wall time of `repeat` runs, peak RSS in KiB of the last) of a command."""
    best = float("inf")
    peak = 0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
        peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return best, peak


def peak_rss(cmd: list[str], env: dict) -> int:
    """Peak RSS (KiB) of one command, measured in a fresh child so earlier runs do not mask it."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    return int(subprocess.run([sys.executable, "-c", probe, *cmd], env=env, check=True, capture_output=True,
                              text=True).stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=5100)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        files = synthesise(CORPUS, tmp / "in", a.reports)
        fifth = tmp / "fifth"
        fifth.mkdir()
        for f in files[: len(files) // 5]:
            os.link(f, fifth / f.name)
        env = {**os.environ, "TRACKER_SNAPSHOTS_DIR": "", "NO_COLOR": "1"}
        env.pop("TRACKER_DATABASE_URL", None)
        floor_rate = floor(files, tmp / "floor.db")

        db_small = f"sqlite:///{tmp / 'small.db'}"
        rss_small = peak_rss([*TRACKER, "--db", db_small, "ingest", "--quiet", str(fifth)], env)
        db = f"sqlite:///{tmp / 'bench.db'}"
        t = time.perf_counter()
        rss_full = peak_rss([*TRACKER, "--db", db, "ingest", "--quiet", str(tmp / "in")], env)
        ingest_s = time.perf_counter() - t
        rate = len(files) / ingest_s

        diff_s, _ = timed([*TRACKER, "--db", db, "diff", "--since", "1900-01-01", "--format", "json"], env, 5)
        diff_text_s, _ = timed([*TRACKER, "--db", db, "diff", "--since", "1900-01-01"], env, 5)
        changes = subprocess.run([*TRACKER, "--db", db, "diff", "--since", "1900-01-01", "--format", "json"], env=env,
                                 capture_output=True, text=True, check=True).stdout.count('"change_id"')
        help_s, _ = timed([*TRACKER, "--help"], env, 7)
        console = Path(sys.executable).with_name("tracker")
        help_script_s, _ = timed([str(console), "--help"], env, 7) if console.exists() else (help_s, 0)
        bare_s, _ = timed([sys.executable, "-c", "pass"], env, 7)
        site_s, _ = timed([*TRACKER, "--db", db, "site", "--quiet", str(tmp / "site")], env)
        pages = sum(1 for _ in (tmp / "site").rglob("*.html"))
        one_more = tmp / "one-more.txt"
        text = files[-1].read_text(encoding="utf-8")
        one_more.write_text(re.sub(r"(Generated by \S+ on )\S+", r"\g<1>2026-11-30T00:00:00.000Z", text, count=1),
                            encoding="utf-8")
        subprocess.run([*TRACKER, "--db", db, "ingest", "--quiet", str(one_more)], env=env, check=True)
        t = time.perf_counter()
        rebuild = subprocess.run([*TRACKER, "--db", db, "site", str(tmp / "site")], env=env, check=True,
                                 capture_output=True, text=True).stderr.strip()
        rebuild_s = time.perf_counter() - t

    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    print(f"machine: {machine} ({platform.platform()})")
    print(f"history: {len(files)} reports, {changes} material changes")
    print(f"ingest: {rate:,.0f} reports/s in one process ({ingest_s:.1f} s); floor (read+hash+store raw): "
          f"{floor_rate:,.0f} reports/s; target >= 200 reports/s: {'met' if rate >= 200 else 'MISSED'}")
    print(f"diff --since over the whole history: {diff_s:.3f} s as JSON, {diff_text_s:.3f} s as text; "
          f"target <= 0.5 s: {'met' if max(diff_s, diff_text_s) <= 0.5 else 'MISSED'}")
    print(f"tracker --help: {help_script_s:.3f} s (console script), {help_s:.3f} s (python -m); bare python -c pass: "
          f"{bare_s:.3f} s; target <= 0.25 s: {'met' if help_script_s <= 0.25 else 'MISSED'}")
    print(f"site over the whole history: {site_s:.1f} s for {pages:,} pages; after one more report: {rebuild_s:.1f} s "
          f"({rebuild.split(" into ")[0].removeprefix("Wrote ")} rewritten)")
    print(f"peak memory of ingest: {rss_small / 1024:.0f} MiB for {len(files) // 5} reports, {rss_full / 1024:.0f} MiB "
          f"for {len(files)}; flat: {'yes' if rss_full <= rss_small * 1.2 else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
