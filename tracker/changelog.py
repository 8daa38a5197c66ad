"""The changelog stage: compute the changes of a timeline's pairs and store them.

A timeline's snapshots are resolved in date order by one registry (tracker.registry), and each
pair is compared as soon as the snapshot after it is resolved, so a pair's changes depend only on
the snapshots up to the one after it. Appending a report therefore recomputes the last two pairs
(the older one learns whether its unexplained removals were confirmed); a report slotted in
between recomputes every pair from there on. Functions take the caller's session and never commit.

Recomputing a pair deletes its changes and writes them anew; what each recipient was already sent
moves to the recomputed equal of each change (`Deliveries`), so nothing is mailed twice. A change
keeps its id, its review decisions and its suppression rules by its fingerprint (tracker.review):
the rules in force are applied to every pair recomputed, and each change gets its evidence
(tracker.evidence) and its pair's provenance (tracker.provenance).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from tracker import provenance, review
from tracker.compare import Change, Side, compare_pair
from tracker.db import ChangeRow, DeliveryRow, SnapshotRow
from tracker.instants import iso
from tracker.evidence import ReportText, evidence
from tracker.model import Snapshot
from tracker.registry import Registry


@dataclass
class Resolution:
    """A timeline resolved as far as some snapshot: the registry as it stood after it, and each
    snapshot so far with its keys. Resolving the next snapshot extends it; nothing else changes it,
    since a snapshot's keys depend only on the snapshots before it."""

    registry: Registry = field(default_factory=Registry)
    sides: list[Side] = field(default_factory=list)


def timeline_changes(snaps: Sequence[Snapshot], positions: Iterable[int],
                     resolution: Resolution | None = None) -> dict[int, list[Change]]:
    """The changes of the pairs ending at `positions` of a timeline (oldest first). Pure but for
    `resolution`: the timeline's first snapshots already resolved (it must hold exactly those of
    `snaps`), resumed and extended instead of resolving them again. When it reaches past what the
    first wanted pair needs, it is emptied and the timeline resolved from the start.

    Pair p is compared once the snapshot after it is resolved (the last pair, once it is), with
    the registry as it stands then."""
    wanted = sorted({p for p in positions if 1 <= p < len(snaps)})
    out: dict[int, list[Change]] = {}
    if not wanted:
        return out
    end = len(snaps) - 1
    due: dict[int, list[int]] = {}  # the resolved snapshot after which each pair is compared
    for p in wanted:
        due.setdefault(min(p + 1, end), []).append(p)
    res = resolution if resolution is not None else Resolution()
    if len(res.sides) - 1 > min(due):
        res.registry, res.sides = Registry(), []
    sides = res.sides

    def compare(p: int) -> None:
        out[p] = compare_pair(sides[p - 1], sides[p], res.registry, before=sides[p - 2] if p >= 2 else None,
                              after=sides[p + 1] if p < end else None) \
            + provenance.citation_losses(sides[p - 1], sides[p])

    for p in due.get(len(sides) - 1, ()):
        compare(p)
    for k in range(len(sides), max(due) + 1):
        sides.append(Side(snaps[k], res.registry.resolve(snaps[k])))
        for p in due.get(k, ()):
            compare(p)
    return out


# --- what recipients were sent ---------------------------------------------------------------

def _fingerprint(category, kind, entity_key, fld, old, new) -> tuple:
    return (category, kind, entity_key, fld, json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True))


@dataclass
class Deliveries:
    """What recipients were sent, by the fingerprint of the change that carried it, kept while a
    recomputation drops and rewrites changes."""

    sent: dict[tuple, dict[str, tuple[str, dt.datetime]]] = field(default_factory=dict)

    def drop(self, session: Session, condition) -> None:
        """Delete the changes `condition` selects, remembering what was sent of them."""
        rows = session.execute(select(ChangeRow.category, ChangeRow.kind, ChangeRow.entity_key, ChangeRow.field,
                                      ChangeRow.old, ChangeRow.new, DeliveryRow.address, DeliveryRow.message_id,
                                      DeliveryRow.sent_at)
                               .join(DeliveryRow, DeliveryRow.change_id == ChangeRow.id).where(condition))
        for r in rows:
            self.sent.setdefault(_fingerprint(r.category, r.kind, r.entity_key, r.field, r.old, r.new), {})[
                r.address] = (r.message_id, r.sent_at)
        session.execute(delete(ChangeRow).where(condition))

    def store(self, session: Session, rows: list[dict]) -> None:
        """Insert change rows (with their stable ids); those equal to a dropped change get what was
        sent of it."""
        session.execute(insert(ChangeRow.__table__), rows)  # Core: no ORM bookkeeping
        if not self.sent:
            return
        out = [dict(change_id=row["id"], address=address, message_id=message_id, sent_at=sent_at)
               for row in rows
               for address, (message_id, sent_at) in self.sent.get(_fingerprint(
                   row["category"], row["kind"], row["entity_key"], row["field"], row["old"], row["new"]), {}).items()]
        if out:
            session.execute(insert(DeliveryRow), out)


# --- the stored timeline ---------------------------------------------------------------------

# The timelines resolved lately, by database and timeline, each with the stored rows it was
# resolved from: a bulk ingest appends to the same timelines again and again, and resuming their
# resolution resolves each snapshot once instead of once per later report.
_RESOLVED: OrderedDict[tuple[str, str, str], tuple[list[tuple], Resolution]] = OrderedDict()
_TIMELINES_KEPT = 16  # about 1.4 MiB each for a timeline of 34 reports


def _timeline(session: Session, jkey: str, tkey: str) -> list[tuple[int, dt.datetime, str, str]]:
    """(id, instant, facts hash, bytes hash) of a timeline's snapshots, oldest first."""
    return [tuple(r) for r in session.execute(
        select(SnapshotRow.id, SnapshotRow.generated_at, SnapshotRow.facts_sha256, SnapshotRow.sha256)
        .where(SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey)
        .order_by(SnapshotRow.generated_at, SnapshotRow.id))]


def _resolution(session: Session, jkey: str, tkey: str, line: list[tuple], first_due: int) -> Resolution:
    """The remembered resolution of this timeline when it was resolved from the same first rows
    (same ids, instants and hashes) and stops short of `first_due`; else an empty one."""
    key = (str(session.get_bind().engine.url), jkey, tkey)
    kept = _RESOLVED.pop(key, None)
    res = Resolution()
    if kept is not None:
        rows, resolution = kept
        marks = rows[:len(resolution.sides)]
        if len(marks) - 1 <= first_due and line[:len(marks)] == marks:
            res = resolution
    _RESOLVED[key] = (line, res)  # resolved from line[:len(res.sides)], however far the caller takes it
    while len(_RESOLVED) > _TIMELINES_KEPT:
        _RESOLVED.popitem(last=False)
    return res


def _load(session: Session, line: list[tuple], start: int, fresh: dict[int, Snapshot]) -> list[Snapshot]:
    """The snapshots of line[start:], those just parsed taken as they are, the others read."""
    missing = [row[0] for row in line[start:] if row[0] not in fresh]
    found = dict(fresh)
    if missing:
        for i, data in session.execute(select(SnapshotRow.id, SnapshotRow.data).where(SnapshotRow.id.in_(missing))):
            found[i] = Snapshot.from_dict(data)
    return [found[row[0]] for row in line[start:]]


# Report texts by (id, raw hash), indexed for quoting: a recomputation quotes the last few reports.
_TEXTS: OrderedDict[tuple[int, str], ReportText] = OrderedDict()
_TEXTS_SIZE = 64


def _texts(session: Session, line: list[tuple], positions: set[int],
           snaps: list[Snapshot]) -> dict[int, ReportText]:
    """The indexed report text of the snapshots at these positions of a timeline (its rows as
    _timeline reads them, which carry each report's bytes hash)."""
    ids = {line[p][0]: p for p in positions}
    shas = {line[p][0]: line[p][3] for p in positions}
    missing = [i for i in ids if (i, shas.get(i)) not in _TEXTS]
    if missing:
        for i, raw in session.execute(select(SnapshotRow.id, SnapshotRow.raw_text).where(SnapshotRow.id.in_(missing))):
            _TEXTS[(i, shas[i])] = ReportText(raw, snaps[ids[i]].sources)
            if len(_TEXTS) > _TEXTS_SIZE:
                _TEXTS.popitem(last=False)
    out = {}
    for i in ids:
        _TEXTS.move_to_end((i, shas[i]))
        out[i] = _TEXTS[(i, shas[i])]
    return out


@dataclass(frozen=True)
class _Pair:
    """The two reports of a pair as its rows need them."""

    older: tuple[int, dt.datetime]
    newer: tuple[int, dt.datetime]
    old_text: ReportText
    new_text: ReportText
    methodology: dict | None


def _names(c: Change, value: object) -> tuple[str, ...]:
    """The names a change's entity goes by on one side (to find its line in that report)."""
    if c.category not in ("regulator", "law"):
        return ()
    if isinstance(value, dict):
        return tuple(str(v) for v in (value.get("name"), value.get("acronym"), c.entity) if v)
    if c.field in ("name", "acronym") and value:
        return (str(value), c.entity)
    return (c.entity,)


def _rows(changes: list[Change], pair: _Pair, jkey: str, tkey: str, jurisdiction: str, topic: str,
          rules: list) -> list[dict]:
    rows = []
    seen: dict[str, int] = {}
    older, newer = pair.older, pair.newer
    for n, c in enumerate(changes):
        c = provenance.weigh(c, pair.methodology)
        row = dict(from_id=older[0], to_id=newer[0], to_generated_at=newer[1], jurisdiction=jurisdiction, topic=topic,
                   category=c.category, kind=c.kind, entity=c.entity, entity_key=c.entity_key[:300], field=c.field,
                   old=c.old, new=c.new, material=c.material, confirmed=c.confirmed, omission=c.omission,
                   refinement=c.refinement, suspect=c.suspect, evidence=c.evidence, citations=list(c.citations),
                   position=n, methodology=pair.methodology, citation_lost=c.citation_lost, suppressed_by=None,
                   quotes=evidence(pair.old_text.quote(c.old_said, c.old_cited, _names(c, c.old)) if c.kind != "added"
                                   else None,
                                   pair.new_text.quote(c.new_said, c.new_cited, _names(c, c.new)) if c.kind != "removed"
                                   else None))
        fp = review.fingerprint(jkey, tkey, older[1], newer[1], row)
        seen[fp] = seen.get(fp, 0) + 1
        row["fingerprint"] = fp if seen[fp] == 1 else review.fingerprint_again(fp, seen[fp])
        rule = next((r for r in rules if review.rule_matches(r, row)), None)
        if rule is not None and row["material"]:
            row["material"], row["suppressed_by"] = False, rule.id
        rows.append(row)
    return rows


def recompute(session: Session, jkey: str, tkey: str, positions: Iterable[int] | None = None,
              deliveries: Deliveries | None = None, *, line: list[tuple] | None = None,
              fresh: dict[int, Snapshot] | None = None) -> list[dict]:
    """Replace the stored changes of the pairs ending at `positions` (all pairs when None), and
    return the rows stored. `line` is the timeline as _timeline read it, when the caller has it;
    `fresh` the snapshots just parsed, by id, so they need not be read back."""
    line = _timeline(session, jkey, tkey) if line is None else line
    wanted = sorted({p for p in (range(1, len(line)) if positions is None else positions) if 1 <= p < len(line)})
    if not wanted:
        return []
    deliveries = deliveries or Deliveries()
    deliveries.drop(session, ChangeRow.to_id.in_([line[p][0] for p in wanted]))
    res = _resolution(session, jkey, tkey, line, min(wanted[0] + 1, len(line) - 1))
    snaps = [side.snap for side in res.sides] + _load(session, line, len(res.sides), fresh or {})
    rows: list[dict] = []
    computed = {p: cs for p, cs in timeline_changes(snaps, wanted, res).items()
                if line[p - 1][2] != line[p][2] and cs}  # the same facts: nothing to compare
    texts = _texts(session, line, {q for p in computed for q in (p - 1, p)}, snaps) if computed else {}
    rules = review.active_rules(session, jkey, tkey) if computed else []
    for p, changes in sorted(computed.items()):
        pair = _Pair(line[p - 1][:2], line[p][:2], texts[line[p - 1][0]], texts[line[p][0]],
                     provenance.methodology(snaps[p - 1], snaps[p]))
        rows.extend(_rows(changes, pair, jkey, tkey, snaps[p].jurisdiction, snaps[p].topic, rules))
    if rows:
        review.assign_ids(session, rows)
        at = {row[0]: row[1] for row in line}
        for row in rows:
            row["doc"] = json.dumps(change_document(row, at[row["from_id"]]), ensure_ascii=False,
                                    separators=(",", ":"))
        deliveries.store(session, rows)
    return rows


def after_insert(session: Session, jkey: str, tkey: str, at: dt.datetime, deliveries: Deliveries | None = None,
                 *, fresh: dict[int, Snapshot] | None = None) -> list[dict]:
    """Recompute what a snapshot stored at `at` touches: the pair before it (its removals now have
    a next report to confirm them), its own pair, and, when it was slotted in before others, every
    later pair (their resolution depends on everything before them). The rows stored."""
    line = _timeline(session, jkey, tkey)
    pos = next((i for i, row in enumerate(line) if row[1] >= at), len(line))
    return recompute(session, jkey, tkey, range(max(1, pos - 1), len(line)) if pos < len(line) - 1 else [pos - 1, pos],
                     deliveries, line=line, fresh=fresh)


def drop_pairs_of(session: Session, snapshot_id: int, deliveries: Deliveries) -> None:
    """Delete every change into or out of a snapshot (before it is replaced)."""
    deliveries.drop(session, or_(ChangeRow.to_id == snapshot_id, ChangeRow.from_id == snapshot_id))


def _field_getter(c):
    """Read a change's columns alike from a row or from a dict of the changes table's columns."""
    return c.get if isinstance(c, dict) else lambda k: getattr(c, k, None)


def change_document(c, from_at: dt.datetime) -> dict:
    """The CONTRACT's JSON object for one change (a row or a dict of the changes table's columns),
    with the tracker's extra fields."""
    get = _field_getter(c)
    return {
        "id": get("id"), "jurisdiction": get("jurisdiction"), "topic": get("topic"),
        "from": {"id": get("from_id"), "generated_at": iso(from_at)},
        "to": {"id": get("to_id"), "generated_at": iso(get("to_generated_at"))},
        "category": get("category"), "kind": get("kind"), "entity": get("entity"), "field": get("field"),
        "old": get("old"), "new": get("new"), "material": get("material"),
        "confirmed": get("confirmed"), "omission": get("omission"), "refinement": get("refinement"),
        "suspect": bool(get("suspect")), "evidence": get("quotes") or {"old": None, "new": None},
        "explanation": get("evidence"), "citations": get("citations") or [], "suppressed_by": get("suppressed_by"),
        "methodology": get("methodology"), "citation_lost": bool(get("citation_lost")),
    }
