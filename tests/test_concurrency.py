"""Team scale: several real processes writing one database at once, and a bulk ingest killed midway.

Both run on every backend under test (SQLite, and PostgreSQL when TRACKER_TEST_DATABASE_URL is set)
and compare the result with the changelog a single, uninterrupted, in-order ingest produces.
"""
from __future__ import annotations

import json
import random
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import TRACKER, tracker_env
from reports import synthesise
from tests_helpers import changelog, count
from tracker.db import SnapshotRow, make_engine, reading, upgrade
from tracker.pipeline import ingest_file

pytestmark = pytest.mark.slow


def reference_changelog(files: list[Path], tmp_path: Path, name: str) -> list[tuple]:
    """The changelog of these reports ingested one by one, in order, into a fresh SQLite file."""
    engine = make_engine(f"sqlite:///{tmp_path / f'{name}.db'}")
    upgrade(engine)
    for f in sorted(files):
        assert ingest_file(engine, f).outcome == "new"
    try:
        return changelog(engine)
    finally:
        engine.dispose()


def stored_names(engine) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(SnapshotRow.source_name)))


def test_parallel_writers_store_every_report_once_and_the_timelines_changelog(db_url, corpus, tmp_path):
    files = sorted(corpus.glob("*.txt")) + synthesise(corpus, tmp_path / "synthetic", total=48, per_timeline=8)
    shuffled = files[:]
    random.Random(11).shuffle(shuffled)
    # four writers, each with reports of every jurisdiction out of date order, and a few reports that
    # two writers race to store
    batches = [shuffled[k::4] + shuffled[(k + 1) * 3:(k + 1) * 3 + 3] for k in range(4)]
    env = tracker_env(db_url)
    procs = [subprocess.Popen([*TRACKER, "ingest", "--quiet", *map(str, batch)], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
             for batch in batches]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_, stderr) in zip(procs, outputs):
        assert p.returncode == 0, stderr

    engine = make_engine(db_url)
    try:
        assert count(engine, SnapshotRow) == len(files)
        assert changelog(engine) == reference_changelog(files, tmp_path, "reference")
    finally:
        engine.dispose()


def test_a_killed_bulk_ingest_leaves_a_consistent_database_and_a_rerun_completes_it(db_url, corpus, tmp_path):
    files = synthesise(corpus, tmp_path / "in", total=144, per_timeline=8)
    snapshots = tmp_path / "snapshots"
    command = [*TRACKER, "ingest", "--quiet", "--snapshots-dir", str(snapshots), str(tmp_path / "in")]
    env = tracker_env(db_url)
    # watching without the write lock: an ingest that stores back to back would starve a reader queued behind it
    engine = reading(make_engine(db_url))
    by_name = {f.name: f for f in files}
    killed_midway = 0
    try:
        for n, delay in enumerate((0.0, 0.05, 0.2, 0.5)):
            before = count(engine, SnapshotRow)
            proc = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while count(engine, SnapshotRow) == before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(delay)
            proc.kill()
            proc.wait()
            stored = stored_names(engine)
            killed_midway += len(stored) < len(files)
            # whatever was committed is whole: its changelog is that of exactly these reports
            assert changelog(engine) == reference_changelog([by_name[s] for s in stored], tmp_path, f"kill{n}")

        assert killed_midway >= 2
        done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr
        assert count(engine, SnapshotRow) == len(files)
        assert changelog(engine) == reference_changelog(files, tmp_path, "reference")
    finally:
        engine.dispose()
    written = sorted(p for p in snapshots.rglob("*.json") if not p.name.startswith("."))
    assert len(written) == len(files)
    assert all(json.loads(p.read_text(encoding="utf-8"))["id"] for p in written)
