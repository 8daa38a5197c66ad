"""The driver-level reader reads what the store reads, and the read commands start without
SQLAlchemy, deepdiff or the parser."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy.orm import Session

from tracker.db import ChangeRow, SnapshotRow
from tracker.pipeline import ingest_file
from tracker.reader import ChangeQuery, Unusual, open_reader
from tracker.schema import CHANGE_COLUMNS, SNAPSHOT_COLUMNS
from tracker.store import change_documents, find_snapshot, list_snapshots, query_changes

SINCE = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
QUERIES = [ChangeQuery(), ChangeQuery(include_immaterial=True), ChangeQuery(since=SINCE, categories=("law",)),
           ChangeQuery(since=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), until=dt.datetime(2026, 6, 30, tzinfo=dt.timezone.utc)),
           ChangeQuery(jurisdictions=("japan",), topic="Regulatory Status", include_immaterial=True)]


@pytest.fixture
def history(engine, corpus):
    for f in sorted(corpus.glob("*.txt"))[:12]:
        ingest_file(engine, f)
    return engine


def _reader(engine):
    reader = open_reader(engine.url.render_as_string(hide_password=False), connect_timeout=5, timeout=5)
    assert reader is not None
    return reader


def test_the_readers_columns_are_the_models():
    assert CHANGE_COLUMNS == tuple(c.name for c in ChangeRow.__table__.c if c.name != "doc")
    assert set(SNAPSHOT_COLUMNS) <= {c.name for c in SnapshotRow.__table__.c}


@pytest.mark.parametrize("q", QUERIES, ids=["material", "all", "laws", "half-year", "japan"])
def test_the_reader_reads_the_changes_the_store_reads(history, q):
    with _reader(history) as reader, Session(history) as s:
        assert list(reader.change_documents(q)) == change_documents(s, q)
        mine = [({c: getattr(row, c) for c in CHANGE_COLUMNS}, at) for row, at in reader.changes(q)]
        theirs = [({c: getattr(row, c) for c in CHANGE_COLUMNS}, at) for row, at in query_changes(s, q)]
        assert mine == theirs
    assert theirs or q.categories


def test_the_reader_lists_and_shows_the_snapshots_the_store_does(history):
    with _reader(history) as reader, Session(history) as s:
        listed = [tuple(getattr(r, c) for c in SNAPSHOT_COLUMNS) for r in reader.snapshots()]
        assert listed == [tuple(getattr(r, c) for c in SNAPSHOT_COLUMNS) for r in list_snapshots(s)]
        as_of = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        mine, theirs = reader.newest("Japan", as_of=as_of), find_snapshot(s, "Japan", as_of=as_of)
        assert (mine.id, mine.data) == (theirs.id, theirs.data)


def test_a_name_the_reader_cannot_find_by_its_key_is_left_to_the_store(history):
    with _reader(history) as reader:
        with pytest.raises(Unusual):
            list(reader.snapshots("Nippon Zone"))
        with pytest.raises(Unusual):
            reader.newest("Japan", as_of=dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc))


def test_a_database_at_an_older_schema_is_not_read_by_the_reader(tmp_path):
    from tracker.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    assert open_reader(f"sqlite:///{tmp_path / 'old.db'}", connect_timeout=5, timeout=5) is None
    assert open_reader(f"sqlite:///{tmp_path / 'none.db'}", connect_timeout=5, timeout=5) is None
    engine.dispose()


@pytest.mark.parametrize("args", [("--help",), ("list",), ("show", "Japan"), ("diff", "--since", "2000-01-01"),
                                  ("diff", "--since", "2000-01-01", "--format", "json")], ids=" ".join)
def test_the_read_commands_start_without_sqlalchemy_deepdiff_or_the_parser(history, args, command_env, tmp_path):
    url = history.url.render_as_string(hide_password=False)
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "tracker", *args], env=command_env(url),
                       capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-500:]
    modules = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert not {m for m in modules if m.split(".")[0] in ("sqlalchemy", "deepdiff", "scipy", "rich", "jinja2")
                or m in ("tracker.parse", "tracker.compare", "tracker.db")}


def test_the_reader_reads_review_decisions_and_filters_by_them_as_the_store_does(history):
    from tracker import review

    with Session(history) as s, s.begin():
        ids = [row.id for row, _ in query_changes(s, ChangeQuery())][:4]
        review.decide(s, ids[:2], "confirmed", by="ana", reason="checked")
        review.decide(s, ids[1:3], "dismissed", by="bo", reason="wrong")  # the latest decision counts
    for state in (None, "pending", "confirmed", "dismissed"):
        q = ChangeQuery(review=state, include_immaterial=True)
        with _reader(history) as reader, Session(history) as s:
            assert list(reader.change_documents(q)) == change_documents(s, q)
            columns = (*CHANGE_COLUMNS, "review_state", "review_by", "review_at", "review_reason")
            mine = [({c: getattr(row, c) for c in columns}, at) for row, at in reader.changes(q)]
            theirs = [({c: getattr(row, c) for c in columns}, at) for row, at in query_changes(s, q)]
            assert mine == theirs
            assert mine or state == "pending"
