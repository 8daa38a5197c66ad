"""Reparse: every stored report parsed again, a timeline per transaction, the changelog recomputed
to what ingesting the reports anew would store."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.db import SnapshotRow
from tracker.pipeline import ingest_file
from tracker.reparse import reparse_all
from tracker.store import ChangeQuery, change_documents, list_snapshots

EVERYTHING = ChangeQuery(include_immaterial=True)


def _state(engine) -> tuple[list, list]:
    with Session(engine) as s:
        snaps = [(r.id, r.jurisdiction, r.topic, r.generated_at, r.facts_sha256, r.parser_version)
                 for r in list_snapshots(s)]
        return snaps, [doc.split(",", 1)[1] for doc in change_documents(s, EVERYTHING)]  # but change_id


def test_reparse_rewrites_what_an_older_parser_left_and_moves_snapshots_back_to_their_timeline(engine, corpus):
    files = sorted(corpus.glob("japan_*.txt")) + sorted(corpus.glob("kazakhstan_*.txt"))
    for f in files:
        assert ingest_file(engine, f).outcome == "new"
    fresh = _state(engine)
    snapshots = SnapshotRow.__table__
    with Session(engine) as s, s.begin():  # as an older parser would have left them
        (first, one), (second, two) = s.execute(select(SnapshotRow.id, SnapshotRow.data).order_by(SnapshotRow.id)
                                                .limit(2)).all()
        s.execute(update(snapshots).where(snapshots.c.id == first).values(
            jurisdiction="Old Japan", jurisdiction_key="old japan", data={**one, "jurisdiction": "Old Japan"},
            parser_version=0))
        s.execute(update(snapshots).where(snapshots.c.id == second).values(
            data={**two, "summary": "worded by an older parser"}, facts_sha256="0" * 64, parser_version=0))
    assert _state(engine) != fresh

    done = reparse_all(engine)

    assert (done.total, done.changed) == (len(files), 2)
    assert done.timelines == 2  # the moved snapshot's old timeline and its own
    assert _state(engine) == fresh


def test_reparse_of_an_unchanged_history_rewrites_nothing(engine, corpus):
    for f in sorted(corpus.glob("japan_*.txt")):
        assert ingest_file(engine, f).outcome == "new"
    before = _state(engine)
    done = reparse_all(engine)
    assert (done.changed, done.timelines) == (0, 0)
    assert _state(engine) == before
