"""Store snapshots and their changelog. Functions take the caller's session and never commit."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.orm import Session, undefer

from tracker.db import ChangeRow, DeliveryRow, SnapshotRow
from tracker.errors import DuplicateSnapshot, NotFound
from tracker.jurisdictions import canonical_jurisdiction, closest, jurisdiction_key
from tracker.model import Snapshot


def topic_key(topic: str) -> str:
    """How a topic is looked up: case and spacing folded."""
    return re.sub(r"\s+", " ", topic).strip().casefold()


def parse_instant(value: str, *, end_of_day: bool = False) -> dt.datetime:
    """An ISO timestamp or bare date as an aware UTC datetime; a bare date is its start, or with
    end_of_day its last instant."""
    v = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", v):
            day = dt.date.fromisoformat(v)
            t = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        else:
            t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        from tracker.errors import BadValue
        raise BadValue(f"{value!r} is not an ISO date or timestamp (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)")
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc)


def iso(t: dt.datetime) -> str:
    """A stored instant as the tracker prints it: UTC, milliseconds, 'Z'."""
    t = t.astimezone(dt.timezone.utc) if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


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


def store_snapshot(session: Session, snap: Snapshot, *, raw_text: str, sha256: str, source_name: str,
                   replace: bool = False, label: str | None = None) -> Stored:
    """Store one parsed report and recompute the changes of the pairs it touches."""
    from tracker.parse import PARSER_VERSION

    jkey, tkey = jurisdiction_key(snap.jurisdiction), topic_key(snap.topic)
    lock_timeline(session, jkey, tkey)
    existing = find_by_sha(session, sha256)
    if existing is not None:
        return Stored("unchanged", existing.id, existing.jurisdiction, existing.topic, iso(existing.generated_at))
    at = parse_instant(snap.generated_at)
    clash = session.scalars(select(SnapshotRow).where(
        SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey, SnapshotRow.generated_at == at)).first()
    outcome = "new"
    carried: Carried = {}
    if clash is not None and same_report(clash, snap, raw_text):
        return Stored("unchanged", clash.id, clash.jurisdiction, clash.topic, iso(clash.generated_at))
    if clash is not None:
        if not replace:
            raise DuplicateSnapshot(
                f"{label or source_name}: a different report for {snap.jurisdiction} / {snap.topic} at {snap.generated_at} "
                f"is already stored (snapshot {clash.id}, from {clash.source_name}); use --replace to replace it")
        _drop_changes(session, or_(ChangeRow.to_id == clash.id, ChangeRow.from_id == clash.id), carried)
        session.delete(clash)
        session.flush()
        outcome = "replaced"
    row = SnapshotRow(jurisdiction=snap.jurisdiction, jurisdiction_key=jkey, topic=snap.topic, topic_key=tkey,
                      generated_at=at, sha256=sha256, facts_sha256=snap.sha256(), parser_version=PARSER_VERSION,
                      source_name=source_name[:500], data=snap.to_dict(), raw_text=raw_text)
    session.add(row)
    session.flush()
    recompute_around(session, jkey, tkey, at, carried)
    return Stored(outcome, row.id, snap.jurisdiction, snap.topic, snap.generated_at)


def _normalised(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def same_report(row: SnapshotRow, snap: Snapshot, raw_text: str) -> bool:
    """Whether a stored snapshot is this report saved again: the same text once the byte-order mark
    and line ends are set aside (the encoding is gone once decoded), or the same parsed snapshot."""
    return _normalised(row.raw_text) == _normalised(raw_text) or row.data == snap.to_dict()


def _timeline(session: Session, jkey: str, tkey: str) -> list[tuple[int, dt.datetime]]:
    return list(session.execute(
        select(SnapshotRow.id, SnapshotRow.generated_at)
        .where(SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey)
        .order_by(SnapshotRow.generated_at, SnapshotRow.id)))


def recompute_around(session: Session, jkey: str, tkey: str, at: dt.datetime, carried: Carried | None = None) -> None:
    """Recompute exactly the pairs whose changes depend on the snapshot at `at`: the pair into it,
    the pair out of it, and, where they hold an unexplained removal or an addition (whose
    omission marks it decides), the pairs on either side."""
    line = _timeline(session, jkey, tkey)
    pos = next((i for i, (_, t) in enumerate(line) if t >= at), len(line))
    positions = [pos, pos + 1]
    if pos - 1 >= 1 and _has(session, line[pos - 1][0], ChangeRow.kind == "removed", ChangeRow.confirmed.is_(False)):
        positions.append(pos - 1)
    if pos + 2 < len(line) and _has(session, line[pos + 2][0], ChangeRow.kind == "added"):
        positions.append(pos + 2)
    recompute_pairs(session, line, sorted(positions), carried=carried)


def _has(session: Session, to_id: int, *conditions) -> bool:
    return session.scalar(select(ChangeRow.id).where(ChangeRow.to_id == to_id, *conditions).limit(1)) is not None


def recompute_timeline(session: Session, jkey: str, tkey: str) -> None:
    """Recompute every pair of one timeline (after a reparse)."""
    lock_timeline(session, jkey, tkey)
    line = _timeline(session, jkey, tkey)
    ids = [i for i, _ in line]
    carried: Carried = {}
    _drop_changes(session, or_(ChangeRow.to_id.in_(ids), ChangeRow.from_id.in_(ids)), carried)
    recompute_pairs(session, line, range(1, len(line)), delete_first=False, carried=carried)


# What recipients were sent, by the fingerprint of the change that carried it: a recomputation
# deletes a pair's changes and writes them anew, and each recomputed equal inherits this state, so
# a reparse, a replaced report or a report slotted in between never sends a change twice.
Carried = dict[tuple, dict[str, tuple[str, dt.datetime]]]


def _field_getter(c):
    """Read a change's columns alike from a row or from a dict of the changes table's columns."""
    return c.get if isinstance(c, dict) else lambda k: getattr(c, k)


def _fingerprint(c) -> tuple:
    get = _field_getter(c)
    return (get("category"), get("kind"), get("entity_key"), get("field"),
            json.dumps(get("old"), sort_keys=True), json.dumps(get("new"), sort_keys=True))


def _drop_changes(session: Session, condition, carried: Carried) -> None:
    """Delete the changes `condition` selects, keeping their delivery state in `carried`."""
    sent = session.execute(select(ChangeRow.category, ChangeRow.kind, ChangeRow.entity_key, ChangeRow.field,
                                  ChangeRow.old, ChangeRow.new, DeliveryRow.address, DeliveryRow.message_id,
                                  DeliveryRow.sent_at)
                           .join(DeliveryRow, DeliveryRow.change_id == ChangeRow.id).where(condition))
    for row in sent:
        carried.setdefault(_fingerprint(row), {})[row.address] = (row.message_id, row.sent_at)
    session.execute(delete(ChangeRow).where(condition))


def _store_changes(session: Session, rows: list[dict], carried: Carried) -> None:
    """Insert new change rows; those equal to a dropped change get its delivery state."""
    if not carried:
        session.execute(insert(ChangeRow.__table__), rows)  # Core: no ORM bulk bookkeeping
        return
    ids = session.scalars(insert(ChangeRow.__table__).returning(ChangeRow.id, sort_by_parameter_order=True), rows).all()
    deliveries = [dict(change_id=i, address=address, message_id=message_id, sent_at=sent_at)
                  for i, row in zip(ids, rows)
                  for address, (message_id, sent_at) in carried.get(_fingerprint(row), {}).items()]
    if deliveries:
        session.execute(insert(DeliveryRow), deliveries)


# Parsed snapshots by (id, facts hash): a bulk ingest reads the same neighbours again and again.
_CACHE: OrderedDict[tuple[int, str], Snapshot] = OrderedDict()
_CACHE_SIZE = 256


def _snapshots(session: Session, ids: list[int]) -> dict[int, tuple[SnapshotRow, Snapshot]]:
    """Rows (without their raw text) and parsed snapshots for these ids, from the cache where it can."""
    rows = {r.id: r for r in session.scalars(select(SnapshotRow).where(SnapshotRow.id.in_(ids)))}
    missing = [i for i, r in rows.items() if (i, r.facts_sha256) not in _CACHE]
    if missing:
        for i, data in session.execute(select(SnapshotRow.id, SnapshotRow.data).where(SnapshotRow.id.in_(missing))):
            _CACHE[(i, rows[i].facts_sha256)] = Snapshot.from_dict(data)
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    out = {}
    for i, r in rows.items():
        key = (i, r.facts_sha256)
        _CACHE.move_to_end(key)
        out[i] = (r, _CACHE[key])
    return out


def recompute_pairs(session: Session, line: Sequence[tuple[int, dt.datetime]], to_positions: Iterable[int],
                    *, delete_first: bool = True, carried: Carried | None = None) -> None:
    """Replace the stored changes of the pairs ending at `to_positions` of the timeline `line`."""
    from tracker.compare import compare

    positions = [p for p in to_positions if 1 <= p < len(line)]
    if not positions:
        return
    ids = [line[p][0] for p in positions]
    carried = {} if carried is None else carried
    if delete_first:
        _drop_changes(session, ChangeRow.to_id.in_(ids), carried)
    need = sorted({line[k][0] for p in positions for k in range(p - 2, p + 2) if 0 <= k < len(line)})
    loaded = _snapshots(session, need)
    snap = lambda k: loaded[line[k][0]][1] if 0 <= k < len(line) else None
    rows: list[dict] = []
    for p in positions:
        older, newer = loaded[line[p - 1][0]][0], loaded[line[p][0]][0]
        if older.facts_sha256 == newer.facts_sha256:
            continue
        changes = compare(snap(p - 1), snap(p), before=snap(p - 2) if p >= 2 else None, after=snap(p + 1))
        rows.extend(_rows(changes, older, newer))
    if rows:
        _store_changes(session, rows, carried)


def _rows(changes: list, older: SnapshotRow, newer: SnapshotRow) -> list[dict]:
    rows = []
    for n, c in enumerate(changes):
        row = dict(from_id=older.id, to_id=newer.id, to_generated_at=newer.generated_at,
                   jurisdiction=newer.jurisdiction, topic=newer.topic, category=c.category, kind=c.kind,
                   entity=c.entity, entity_key=c.entity_key[:300], field=c.field, old=c.old, new=c.new,
                   material=c.material, confirmed=c.confirmed, omission=c.omission, refinement=c.refinement,
                   evidence=c.evidence, citations=list(c.citations), position=n)
        row["doc"] = json.dumps(change_document(row, older.generated_at), ensure_ascii=False, separators=(",", ":"))
        rows.append(row)
    return rows


def change_document(c, from_at: dt.datetime) -> dict:
    """The CONTRACT's JSON object for one change (a row or a dict of the changes table's columns),
    with the tracker's extra fields."""
    get = _field_getter(c)
    return {
        "jurisdiction": get("jurisdiction"), "topic": get("topic"),
        "from": {"id": get("from_id"), "generated_at": iso(from_at)},
        "to": {"id": get("to_id"), "generated_at": iso(get("to_generated_at"))},
        "category": get("category"), "kind": get("kind"), "entity": get("entity"), "field": get("field"),
        "old": get("old"), "new": get("new"), "material": get("material"),
        "confirmed": get("confirmed"), "omission": get("omission"), "refinement": get("refinement"),
        "evidence": get("evidence"), "citations": get("citations") or [],
    }


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


@dataclass(frozen=True)
class ChangeQuery:
    """Which stored changes to read."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    jurisdictions: tuple[str, ...] = ()  # any name each goes by
    topic: str | None = None
    categories: tuple[str, ...] = ()
    include_immaterial: bool = False


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
        stmt = stmt.where(ChangeRow.material.is_(True))
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


def change_documents(session: Session, q: ChangeQuery) -> list[str]:
    """The stored JSON object of each change the query selects, with its change_id, in order."""
    stmt = _change_filter(session, q, select(ChangeRow.id, ChangeRow.doc))
    return ['{"change_id":%d,%s' % (i, doc[1:]) for i, doc in session.execute(stmt)]


def sources_of(session: Session, ids: set[int]) -> dict[int, list[str]]:
    """The numbered source URLs each of these snapshots listed."""
    if not ids:
        return {}
    rows = session.execute(select(SnapshotRow.id, SnapshotRow.data).where(SnapshotRow.id.in_(sorted(ids))))
    return {i: list((data or {}).get("sources") or []) for i, data in rows}
