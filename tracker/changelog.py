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
from tracker.evidence import ReportText, evidence
from tracker.model import Snapshot
from tracker.registry import Registry


def timeline_changes(snaps: Sequence[Snapshot], positions: Iterable[int]) -> dict[int, list[Change]]:
    """The changes of the pairs ending at `positions` of a timeline (oldest first). Pure."""
    wanted = sorted({p for p in positions if 1 <= p < len(snaps)})
    out: dict[int, list[Change]] = {}
    if not wanted:
        return out
    reg = Registry()
    sides: list[Side] = []
    last = min(len(snaps) - 1, wanted[-1] + 1)
    for k in range(last + 1):
        sides.append(Side(snaps[k], reg.resolve(snaps[k])))
        p = k - 1  # the pair whose `after` just arrived
        if p in wanted:
            out[p] = compare_pair(sides[p - 1], sides[p], reg, before=sides[p - 2] if p >= 2 else None,
                                  after=sides[k]) + provenance.citation_losses(sides[p - 1], sides[p])
    if wanted[-1] == len(snaps) - 1:
        p = wanted[-1]
        out[p] = compare_pair(sides[p - 1], sides[p], reg, before=sides[p - 2] if p >= 2 else None) \
            + provenance.citation_losses(sides[p - 1], sides[p])
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

# Parsed snapshots by (id, facts hash): a bulk ingest reads the same timeline again and again.
_CACHE: OrderedDict[tuple[int, str], Snapshot] = OrderedDict()
_CACHE_SIZE = 4096


def _timeline(session: Session, jkey: str, tkey: str) -> list[tuple[int, dt.datetime, str]]:
    return list(session.execute(
        select(SnapshotRow.id, SnapshotRow.generated_at, SnapshotRow.facts_sha256)
        .where(SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey)
        .order_by(SnapshotRow.generated_at, SnapshotRow.id)))


def _load(session: Session, line: list[tuple[int, dt.datetime, str]]) -> list[Snapshot]:
    missing = [i for i, _, sha in line if (i, sha) not in _CACHE]
    if missing:
        shas = {i: sha for i, _, sha in line}
        for i, data in session.execute(select(SnapshotRow.id, SnapshotRow.data).where(SnapshotRow.id.in_(missing))):
            _CACHE[(i, shas[i])] = Snapshot.from_dict(data)
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    out = []
    for i, _, sha in line:
        _CACHE.move_to_end((i, sha))
        out.append(_CACHE[(i, sha)])
    return out


# Report texts by (id, raw hash), indexed for quoting: a recomputation quotes the last few reports.
_TEXTS: OrderedDict[tuple[int, str], ReportText] = OrderedDict()
_TEXTS_SIZE = 64


def _texts(session: Session, line: list[tuple[int, dt.datetime, str]], positions: set[int],
           snaps: list[Snapshot]) -> dict[int, ReportText]:
    """The indexed report text of the snapshots at these positions of a timeline."""
    ids = {line[p][0]: p for p in positions}
    shas = dict(session.execute(select(SnapshotRow.id, SnapshotRow.sha256).where(SnapshotRow.id.in_(sorted(ids)))).all())
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
              deliveries: Deliveries | None = None) -> None:
    """Replace the stored changes of the pairs ending at `positions` (all pairs when None)."""
    line = _timeline(session, jkey, tkey)
    wanted = sorted({p for p in (range(1, len(line)) if positions is None else positions) if 1 <= p < len(line)})
    if not wanted:
        return
    deliveries = deliveries or Deliveries()
    deliveries.drop(session, ChangeRow.to_id.in_([line[p][0] for p in wanted]))
    snaps = _load(session, line)
    rows: list[dict] = []
    computed = {p: cs for p, cs in timeline_changes(snaps, wanted).items()
                if line[p - 1][2] != line[p][2] and cs}  # the same facts: nothing to compare
    texts = _texts(session, line, {q for p in computed for q in (p - 1, p)}, snaps) if computed else {}
    rules = review.active_rules(session, jkey, tkey) if computed else []
    for p, changes in sorted(computed.items()):
        pair = _Pair(line[p - 1][:2], line[p][:2], texts[line[p - 1][0]], texts[line[p][0]],
                     provenance.methodology(snaps[p - 1], snaps[p]))
        rows.extend(_rows(changes, pair, jkey, tkey, snaps[p].jurisdiction, snaps[p].topic, rules))
    if rows:
        review.assign_ids(session, rows)
        at = {i: t for i, t, _ in line}
        for row in rows:
            row["doc"] = json.dumps(change_document(row, at[row["from_id"]]), ensure_ascii=False,
                                    separators=(",", ":"))
        deliveries.store(session, rows)


def after_insert(session: Session, jkey: str, tkey: str, at: dt.datetime, deliveries: Deliveries | None = None) -> None:
    """Recompute what a snapshot stored at `at` touches: the pair before it (its removals now have
    a next report to confirm them), its own pair, and, when it was slotted in before others, every
    later pair (their resolution depends on everything before them)."""
    line = _timeline(session, jkey, tkey)
    pos = next((i for i, (_, t, _) in enumerate(line) if t >= at), len(line))
    recompute(session, jkey, tkey, range(max(1, pos - 1), len(line)) if pos < len(line) - 1 else [pos - 1, pos],
              deliveries)


def drop_pairs_of(session: Session, snapshot_id: int, deliveries: Deliveries) -> None:
    """Delete every change into or out of a snapshot (before it is replaced)."""
    deliveries.drop(session, or_(ChangeRow.to_id == snapshot_id, ChangeRow.from_id == snapshot_id))


def iso(t: dt.datetime) -> str:
    """A stored instant as the tracker prints it: UTC, milliseconds, 'Z'."""
    t = t.astimezone(dt.timezone.utc) if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


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
