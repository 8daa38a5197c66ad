"""Store snapshots and read them and their changelog back. Functions take the caller's session
and never commit; the changelog itself is computed and written by tracker.changelog."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import and_, insert, or_, select, text, true
from sqlalchemy.orm import Session, aliased, undefer

from tracker import changelog, review
from tracker.changelog import change_document  # noqa: F401  (re-exported for readers)
from tracker.db import ChangeRow, SnapshotRow, utcnow
from tracker.errors import DuplicateSnapshot, NotFound
from tracker.instants import iso, parse_instant, topic_key  # noqa: F401  (re-exported)
from tracker.jurisdictions import canonical_jurisdiction, closest, jurisdiction_key
from tracker.model import Snapshot
from tracker.reader import ChangeQuery  # noqa: F401  (re-exported)


def lock_timeline(session: Session, jkey: str, tkey: str) -> None:
    """Serialise work on one timeline across processes (PostgreSQL; SQLite's write lock already
    serialises every writer)."""
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"{jkey}\x00{tkey}".encode()).digest()
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int.from_bytes(digest[:8], "big", signed=True)})


def find_by_sha(session: Session, sha256: str) -> SnapshotRow | None:
    """The snapshot stored from exactly these bytes, if any."""
    return session.scalars(select(SnapshotRow).where(SnapshotRow.sha256 == sha256)).first()


@dataclass(frozen=True)
class Stored:
    """What storing one report did: `new`, `unchanged` or `replaced`, and the row's id."""

    outcome: str
    snapshot_id: int
    jurisdiction: str
    topic: str
    generated_at: str
    suspect: tuple[str, ...] = ()  # the categories in which the pairs into and out of it hold suspect changes


def store_snapshot(session: Session, snap: Snapshot, *, raw_text: str, sha256: str, source_name: str,
                   replace: bool = False, label: str | None = None) -> Stored:
    """Store one parsed report and recompute the changes of the pairs it touches."""
    from tracker.parse import PARSER_VERSION

    jkey, tkey = jurisdiction_key(snap.jurisdiction), topic_key(snap.topic)
    lock_timeline(session, jkey, tkey)
    at = parse_instant(snap.generated_at)
    # one lookup for both: the snapshot of these very bytes, and the one stored at this instant
    found = session.scalars(select(SnapshotRow).where(or_(
        SnapshotRow.sha256 == sha256,
        and_(SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey, SnapshotRow.generated_at == at)))).all()
    existing = next((r for r in found if r.sha256 == sha256), None)
    if existing is not None:
        return Stored("unchanged", existing.id, existing.jurisdiction, existing.topic, iso(existing.generated_at))
    clash = found[0] if found else None
    outcome = "new"
    deliveries = changelog.Deliveries()
    if clash is not None and same_report(clash, snap, raw_text):
        return Stored("unchanged", clash.id, clash.jurisdiction, clash.topic, iso(clash.generated_at))
    if clash is not None:
        if not replace:
            raise DuplicateSnapshot(
                f"{label or source_name}: a different report for {snap.jurisdiction} / {snap.topic} at {snap.generated_at} "
                f"is already stored (snapshot {clash.id}, from {clash.source_name}); use --replace to replace it")
        changelog.drop_pairs_of(session, clash.id, deliveries)
        session.delete(clash)
        session.flush()
        outcome = "replaced"
    new_id = session.execute(insert(SnapshotRow.__table__).returning(SnapshotRow.id).values(
        jurisdiction=snap.jurisdiction, jurisdiction_key=jkey, topic=snap.topic, topic_key=tkey, generated_at=at,
        sha256=sha256, facts_sha256=snap.sha256(), parser_version=PARSER_VERSION, source_name=source_name[:500],
        data=snap.to_dict(), raw_text=raw_text, ingested_at=utcnow(), **provenance_of(snap))).scalar_one()
    rows = changelog.after_insert(session, jkey, tkey, at, deliveries, fresh={new_id: snap})
    suspect = sorted({r["category"] for r in rows if r["suspect"] and new_id in (r["from_id"], r["to_id"])})
    return Stored(outcome, new_id, snap.jurisdiction, snap.topic, snap.generated_at, tuple(suspect))


def provenance_of(snap: Snapshot) -> dict:
    """A snapshot's provenance columns: lab, generator, model, facts awaiting verification."""
    cut = lambda v: v[:200] if isinstance(v, str) else None
    return {"lab": cut(snap.generator), "generator": cut(snap.source), "model": cut(snap.model),
            "unverified_facts": snap.unverified_facts}


def _normalised(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def same_report(row: SnapshotRow, snap: Snapshot, raw_text: str) -> bool:
    """Whether a stored snapshot is this report saved again: the same text once the byte-order mark
    and line ends are set aside (the encoding is gone once decoded), or the same parsed snapshot."""
    return _normalised(row.raw_text) == _normalised(raw_text) or row.data == snap.to_dict()


def recompute_timeline(session: Session, jkey: str, tkey: str) -> None:
    """Recompute every pair of one timeline (after a reparse)."""
    lock_timeline(session, jkey, tkey)
    changelog.recompute(session, jkey, tkey)


def suspect_categories(session: Session, snapshot_id: int) -> list[str]:
    """The categories in which the pairs into and out of a snapshot hold suspect changes."""
    from sqlalchemy import or_

    rows = session.scalars(select(ChangeRow.category).where(
        or_(ChangeRow.to_id == snapshot_id, ChangeRow.from_id == snapshot_id), ChangeRow.suspect.is_(True)).distinct())
    return sorted(rows)


def resolve_jurisdiction(session: Session, name: str) -> tuple[str, str]:
    """(key, display name) of a stored jurisdiction, found by any name or code it goes by; NotFound
    names the nearest stored one when the name looks mistyped."""
    key = jurisdiction_key(name)
    row = session.execute(select(SnapshotRow.jurisdiction_key, SnapshotRow.jurisdiction)
                          .where(SnapshotRow.jurisdiction_key == key).limit(1)).first()
    if row is not None:
        return row[0], row[1]
    known = dict(session.execute(select(SnapshotRow.jurisdiction_key, SnapshotRow.jurisdiction).distinct()).all())
    for stored_key, display in known.items():  # stored before this version knew the name
        if jurisdiction_key(display) == key:
            return stored_key, display
    canonical = canonical_jurisdiction(name)
    said = f"{name!r}" + (f" ({canonical})" if canonical != name.strip() else "")
    hint = closest(canonical, sorted(set(known.values())))
    raise NotFound(f"no snapshots for jurisdiction {said}; "
                   + (f"did you mean {hint!r}?" if hint else "`tracker list` shows what is stored"))


def find_snapshot(session: Session, jurisdiction: str, *, topic: str | None = None,
                  as_of: dt.datetime | None = None) -> SnapshotRow:
    """The newest snapshot of a jurisdiction (and topic), at or before `as_of` when given."""
    jkey, display = resolve_jurisdiction(session, jurisdiction)
    q = select(SnapshotRow).options(undefer(SnapshotRow.data)).where(SnapshotRow.jurisdiction_key == jkey)
    if topic:
        q = q.where(SnapshotRow.topic_key == topic_key(topic))
    if as_of is not None:
        q = q.where(SnapshotRow.generated_at <= as_of)
    row = session.scalars(q.order_by(SnapshotRow.generated_at.desc(), SnapshotRow.id.desc()).limit(1)).first()
    if row is None:
        what = f"{display}" + (f" / {topic}" if topic else "")
        when = f" at or before {iso(as_of)}" if as_of else ""
        raise NotFound(f"no snapshot of {what}{when}")
    return row


def list_snapshots(session: Session, jurisdiction: str | None = None) -> list[SnapshotRow]:
    """Every snapshot (of one jurisdiction, when given), by jurisdiction, topic and date."""
    q = select(SnapshotRow)
    if jurisdiction:
        q = q.where(SnapshotRow.jurisdiction_key == resolve_jurisdiction(session, jurisdiction)[0])
    return list(session.scalars(q.order_by(SnapshotRow.jurisdiction, SnapshotRow.topic, SnapshotRow.generated_at)))


def _change_filter(session: Session, q: ChangeQuery, stmt):
    from sqlalchemy.orm import aliased

    if q.jurisdictions or q.topic:
        newer = aliased(SnapshotRow)
        stmt = stmt.join(newer, ChangeRow.to_id == newer.id)
        if q.jurisdictions:
            keys = {resolve_jurisdiction(session, j)[0] for j in q.jurisdictions}
            stmt = stmt.where(newer.jurisdiction_key.in_(sorted(keys)))
        if q.topic:
            stmt = stmt.where(newer.topic_key == topic_key(q.topic))
    if q.since is not None:
        stmt = stmt.where(ChangeRow.to_generated_at >= q.since)
    if q.until is not None:
        stmt = stmt.where(ChangeRow.to_generated_at <= q.until)
    if q.categories:
        stmt = stmt.where(ChangeRow.category.in_(q.categories))
    if not q.include_immaterial:
        stmt = stmt.where(ChangeRow.material == true())  # = true, not IS TRUE: an index serves it
    stmt = review.with_state(stmt, q.review)
    return stmt.order_by(ChangeRow.jurisdiction, ChangeRow.topic, ChangeRow.to_generated_at, ChangeRow.position)


# The changes table's columns as renderers read them: all but the stored JSON document.
CHANGE_FIELDS = tuple(c for c in ChangeRow.__table__.c if c.name != "doc")


def query_changes(session: Session, q: ChangeQuery) -> list[tuple]:
    """Stored changes (as light rows with the changes' columns), each with its older snapshot's
    instant, by jurisdiction, topic and date."""
    from sqlalchemy.orm import aliased

    older = aliased(SnapshotRow)
    stmt = (select(*CHANGE_FIELDS, older.generated_at.label("from_at"))
            .join(older, ChangeRow.from_id == older.id))
    return [(row, row.from_at) for row in session.execute(_change_filter(session, q, stmt))]


def entity_changes(session: Session, jkey: str, tkey: str, entity_key: str) -> list[dict]:
    """The stored changes of one entity of one timeline, oldest first, without rewordings."""
    import json

    newer = aliased(SnapshotRow)
    stmt = (select(ChangeRow.doc).join(newer, ChangeRow.to_id == newer.id)
            .where(newer.jurisdiction_key == jkey, newer.topic_key == tkey, ChangeRow.entity_key == entity_key,
                   ChangeRow.field.is_(None) | ChangeRow.field.not_in(("role", "summary", "text")))
            .order_by(ChangeRow.to_generated_at, ChangeRow.position))
    return [json.loads(doc) for doc in session.scalars(stmt)]


def change_documents(session: Session, q: ChangeQuery) -> list[str]:
    """The stored JSON object of each change the query selects, with its change_id and its latest
    review decision, in order."""
    import json

    stmt = _change_filter(session, q, select(ChangeRow.id, ChangeRow.doc))
    return ['{"change_id":%d,%s,"review":%s}' % (row.id, row.doc[1:-1], json.dumps(
        review.decision_of(row).to_dict(), ensure_ascii=False, separators=(",", ":"))) for row in session.execute(stmt)]


def sources_of(session: Session, ids: set[int]) -> dict[int, list[str]]:
    """The numbered source URLs each of these snapshots listed."""
    if not ids:
        return {}
    rows = session.execute(select(SnapshotRow.id, SnapshotRow.data).where(SnapshotRow.id.in_(sorted(ids))))
    return {i: list((data or {}).get("sources") or []) for i, data in rows}
