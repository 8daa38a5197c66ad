"""Re-derive every snapshot from its stored raw text when the parser improves."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, undefer

from tracker.db import ChangeRow, SnapshotRow
from tracker.errors import TrackerError
from tracker.jurisdictions import jurisdiction_key
from tracker.parse import PARSER_VERSION, parse_report
from tracker.store import parse_instant, provenance_of, recompute_timeline, topic_key


@dataclass(frozen=True)
class Reparsed:
    """How many snapshots there were, how many came out different, how many timelines moved."""

    total: int
    changed: int
    timelines: int


def reparse_all(engine: Engine) -> Reparsed:
    """Parse every raw report again; rewrite what differs and recompute the touched timelines (and
    those whose changes were stored without evidence), all in one transaction so a failure leaves
    the old history whole."""
    touched: set[tuple[str, str]] = set()
    total = changed = 0
    with Session(engine) as session, session.begin():
        rows = session.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data), undefer(SnapshotRow.raw_text)))
        for row in rows:
            total += 1
            try:
                snap = parse_report(row.raw_text, name=row.source_name)
            except TrackerError:
                continue  # a report this parser refuses keeps its old snapshot
            row.parser_version = PARSER_VERSION
            for k, v in provenance_of(snap).items():
                setattr(row, k, v)
            if snap.to_dict() == row.data:
                continue
            changed += 1
            touched.add((row.jurisdiction_key, row.topic_key))
            row.jurisdiction, row.topic = snap.jurisdiction, snap.topic
            row.jurisdiction_key, row.topic_key = jurisdiction_key(snap.jurisdiction), topic_key(snap.topic)
            row.data, row.facts_sha256 = snap.to_dict(), snap.sha256()
            row.generated_at = parse_instant(snap.generated_at)
            touched.add((row.jurisdiction_key, row.topic_key))
        session.flush()
        # changes stored before evidence was kept get it now
        touched |= set(session.execute(select(SnapshotRow.jurisdiction_key, SnapshotRow.topic_key)
                                       .join(ChangeRow, ChangeRow.to_id == SnapshotRow.id)
                                       .where(ChangeRow.quotes.is_(None)).distinct()).all())
        for jkey, tkey in sorted(touched):
            recompute_timeline(session, jkey, tkey)
    return Reparsed(total, changed, len(touched))
