"""The shared database under load and failure, with real processes: readers never wait for a
writer, and a database that does not answer, or a lock that is never freed, costs a timeout and
one line, not a hung command."""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time

import pytest

from reports import report

# Holds a write transaction on the test database, as a long ingest of Testland does, until killed.
HOLDER = textwrap.dedent("""
    import sys, time
    from sqlalchemy import text
    from sqlalchemy.orm import Session
    from tracker.db import make_engine
    from tracker.store import lock_timeline

    url, kind = sys.argv[1], sys.argv[2]
    if kind == "table" and url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None)
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # in WAL mode the one lock that keeps readers out
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE snapshots SET source_name = source_name")
        print("holding", flush=True)
        time.sleep(120)
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        if kind == "table":
            s.execute(text("LOCK TABLE snapshots IN ACCESS EXCLUSIVE MODE"))
        lock_timeline(s, "testland", "regulatory status")
        s.execute(text("UPDATE snapshots SET source_name = source_name"))
        print("holding", flush=True)
        time.sleep(120)
""")


@pytest.fixture
def hold_lock(db_url):
    """Start a process that holds the write lock (`timeline`) or a lock on the whole snapshots
    table (`table`) until the test ends."""
    procs = []

    def start(kind: str = "timeline") -> None:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, db_url, kind], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        procs.append(proc)
        assert proc.stdout.readline() == "holding\n", proc.stderr.read()

    yield start
    for proc in procs:
        proc.kill()
        proc.communicate()


@pytest.fixture
def testland(tracker, tmp_path):
    """Two Testland reports stored, whose only change is the trading stance."""
    paths = []
    for name, at, stance in (("a.txt", "2026-01-01T00:00:00Z", "legal and regulated"),
                             ("b.txt", "2026-02-01T00:00:00Z", "banned")):
        (tmp_path / name).write_text(report(at=at, stance=f"Crypto trading is {stance}."))
        paths.append(str(tmp_path / name))
    assert tracker("ingest", "-q", *paths).returncode == 0


def test_readers_do_not_wait_for_a_writer_holding_the_lock(tracker, testland, hold_lock):
    hold_lock()
    for args in (("list",), ("show", "Testland"), ("diff", "--since", "2026-01-01"), ("subscribers",),
                 ("digest", "--to", "a@example.org", "--dry-run")):
        started = time.monotonic()
        r = tracker(*args, timeout=30)
        assert r.returncode == 0, (args, r.stderr)
        assert time.monotonic() - started < 10, args
    assert "Testland" in tracker("list", timeout=30).stdout


def test_a_writer_waiting_longer_than_the_timeout_refuses_its_report_in_one_line(tracker, testland, hold_lock,
                                                                               tmp_path, db_url):
    hold_lock()
    p = tmp_path / "c.txt"
    p.write_text(report(at="2026-03-01T00:00:00Z"))
    started = time.monotonic()
    r = tracker("ingest", "-q", str(p), env={"TRACKER_DB_TIMEOUT": "1"}, timeout=60)
    assert r.returncode == 1
    reason = "database is locked" if db_url.startswith("sqlite") else "canceling statement due to statement timeout"
    assert r.stderr.splitlines() == [f"Error: {p}: the database refused the report ({reason})",
                                     "0 stored, 0 replaced, 0 already stored, 1 refused"]
    assert time.monotonic() - started < 30


def test_a_reader_kept_out_longer_than_the_timeout_gives_up_in_one_line(tracker, testland, hold_lock, db_url):
    hold_lock("table")
    started = time.monotonic()
    r = tracker("list", env={"TRACKER_DB_TIMEOUT": "1"}, timeout=60)
    assert r.returncode == 1
    if db_url.startswith("sqlite"):
        assert r.stderr == f"Error: cannot open database {db_url}: database is locked\n"
    else:
        assert r.stderr == "Error: the database refused: canceling statement due to statement timeout\n"
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("command", [("list",), ("ingest", "r.txt")], ids=["list", "ingest"])
def test_a_database_server_that_accepts_but_never_answers_times_out(tmp_path, command_env, command):
    (tmp_path / "r.txt").write_text(report())
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgresql+psycopg://tracker@127.0.0.1:{silent.getsockname()[1]}/tracker"
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "tracker", *command], cwd=tmp_path, capture_output=True, text=True,
                              env=command_env(url, {"TRACKER_DB_CONNECT_TIMEOUT": "2"}), timeout=60,
                              stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert done.stderr == f"Error: cannot open database {url}: connection timeout expired\n"
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("variable,value", [("TRACKER_DB_TIMEOUT", "soon"), ("TRACKER_DB_CONNECT_TIMEOUT", "0"),
                                            ("TRACKER_DB_TIMEOUT", "-5")])
def test_a_timeout_that_is_no_number_of_seconds_is_refused(cli, variable, value):
    r = cli("list", env={variable: value})
    assert r.exit_code == 1
    assert r.stderr == f"Error: {variable}={value!r} is not a number of seconds (more than 0, less than a week)\n"
