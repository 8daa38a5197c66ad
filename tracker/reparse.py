"""Re-derive every snapshot from its stored raw text when the parser improves.

A timeline at a time, each in its own transaction: memory holds one timeline's snapshots (read a
few at a time), never the whole history, and a failure leaves every timeline either as it was
or wholly re-derived.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tracker.db import ChangeRow, SnapshotRow
from tracker.errors import TrackerError
from tracker.jurisdictions import jurisdiction_key
from tracker.parse import PARSER_VERSION, parse_report
from tracker.store import lock_timeline, parse_instant, provenance_of, recompute_timeline, topic_key

# How many stored reports are read at once.
_BATCH = 64


@dataclass(frozen=True)
class Reparsed:
    """How many snapshots there were, how many came out different, how many timelines moved."""

    total: int
    changed: int
    timelines: int


def reparse_all(engine: Engine) -> Reparsed:
    """Parse every raw report again; rewrite what differs and recompute the touched timelines (and
    those whose changes were stored without evidence), one timeline per transaction (a snapshot
    moved to another timeline recomputes that one too)."""
    with Session(engine) as session:
        timelines = session.execute(select(SnapshotRow.jurisdiction_key, SnapshotRow.topic_key).distinct()
                                    .order_by(SnapshotRow.jurisdiction_key, SnapshotRow.topic_key)).all()
    touched: set[tuple[str, str]] = set()
    total = changed = 0
    for jkey, tkey in timelines:
        with Session(engine) as session, session.begin():
            seen, rewritten, moved = reparse_timeline(session, jkey, tkey)
            total += seen
            changed += rewritten
            for line in sorted(moved):
                recompute_timeline(session, *line)
            touched |= moved
    return Reparsed(total, changed, len(touched))


def reparse_timeline(session: Session, jkey: str, tkey: str) -> tuple[int, int, set[tuple[str, str]]]:
    """Parse one timeline's raw reports again and rewrite the snapshots that come out different:
    (how many there were, how many were rewritten, the timelines those left and joined). The
    caller recomputes those timelines and owns the transaction."""
    snapshots = SnapshotRow.__table__
    lock_timeline(session, jkey, tkey)
    ids = session.scalars(select(SnapshotRow.id).where(SnapshotRow.jurisdiction_key == jkey,
                                                       SnapshotRow.topic_key == tkey)
                          .order_by(SnapshotRow.generated_at, SnapshotRow.id)).all()
    touched: set[tuple[str, str]] = set()
    changed = 0
    for start in range(0, len(ids), _BATCH):
        rows = session.execute(select(SnapshotRow.id, SnapshotRow.raw_text, SnapshotRow.source_name, SnapshotRow.data,
                                      SnapshotRow.parser_version, SnapshotRow.lab, SnapshotRow.generator,
                                      SnapshotRow.model, SnapshotRow.unverified_facts)
                               .where(SnapshotRow.id.in_(ids[start:start + _BATCH]))).all()
        stale = []
        for row in rows:
            try:
                snap = parse_report(row.raw_text, name=row.source_name)
            except TrackerError:
                continue  # a report this parser refuses keeps its old snapshot
            provenance = provenance_of(snap)
            if snap.to_dict() == row.data:
                if row.parser_version != PARSER_VERSION or any(getattr(row, k) != v for k, v in provenance.items()):
                    stale.append((row.id, provenance))
                continue
            changed += 1
            new_j, new_t = jurisdiction_key(snap.jurisdiction), topic_key(snap.topic)
            touched |= {(jkey, tkey), (new_j, new_t)}
            session.execute(update(snapshots).where(snapshots.c.id == row.id).values(
                jurisdiction=snap.jurisdiction, topic=snap.topic, jurisdiction_key=new_j, topic_key=new_t,
                data=snap.to_dict(), facts_sha256=snap.sha256(), generated_at=parse_instant(snap.generated_at),
                parser_version=PARSER_VERSION, **provenance))
        for i, provenance in stale:  # the same facts: only the parser's version and the provenance
            session.execute(update(snapshots).where(snapshots.c.id == i).values(parser_version=PARSER_VERSION,
                                                                                 **provenance))
    # changes stored before evidence was kept get it now
    if session.execute(select(ChangeRow.id).join(SnapshotRow, ChangeRow.to_id == SnapshotRow.id)
                       .where(SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey,
                              ChangeRow.quotes.is_(None)).limit(1)).first() is not None:
        touched.add((jkey, tkey))
    return len(ids), changed, touched
