"""One entity's timeline: when it was first seen, every change, the names it went by."""
from __future__ import annotations

from dataclasses import dataclass, field

from tracker.compare import compare
from tracker.model import Snapshot
from tracker.resolve import acronym_map, fold, names_of, similarity


@dataclass
class History:
    """What the reports said of one regulator or law over time."""

    category: str
    name: str
    first_seen: str | None = None
    last_seen: str | None = None
    names: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    current: dict | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"category": self.category, "entity": self.name, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "names": self.names, "events": self.events, "current": self.current}


def _find(snap: Snapshot, query: str) -> tuple[str, object] | None:
    """The regulator or law of a snapshot that the query names (by name, alias or acronym)."""
    q = fold(query)
    acronyms = acronym_map([snap.summary])
    qn = names_of(query, query if query.isupper() else None, (), frozenset(fold(snap.jurisdiction).split()), acronyms)
    best: tuple[float, str, object] | None = None
    for cat, items in (("regulator", snap.regulators), ("law", snap.laws)):
        for it in items:
            if q in {fold(n) for n in (it.name, *(it.aliases or ()), it.acronym or "") if n}:
                return cat, it
            n = names_of(it.name, it.acronym, tuple(it.aliases), frozenset(fold(snap.jurisdiction).split()), acronyms)
            s = similarity(qn, n)
            if s >= 0.82 and (best is None or s > best[0]):
                best = (s, cat, it)
    return (best[1], best[2]) if best else None


def entity_history(snapshots: list[Snapshot], query: str) -> History | None:
    """Follow the entity the query names through consecutive snapshots, renames included."""
    start = next(((i, hit) for i, s in enumerate(snapshots) if (hit := _find(s, query))), None)
    if start is None:
        return None
    i, (category, item) = start
    h = History(category=category, name=item.name, first_seen=snapshots[i].generated_at)
    h.names.append(item.name)
    current_name = item.name
    present = True
    h.last_seen = snapshots[i].generated_at
    h.current = _facts(category, item)
    for k in range(i + 1, len(snapshots)):
        older, newer = snapshots[k - 1], snapshots[k]
        mine = [c for c in compare(older, newer) if c.category == category
                and fold(c.entity) in {fold(n) for n in h.names}]
        for c in mine:
            h.events.append({"at": newer.generated_at, "kind": c.kind, "field": c.field, "old": c.old,
                             "new": c.new, "material": c.material, "confirmed": c.confirmed})
            if c.kind == "removed":
                present = False
            if c.field == "name" and c.new:
                current_name = str(c.new)
                h.names.append(current_name)
        hit = _find(newer, current_name)
        if hit and hit[0] == category:
            if not present and not any(c.kind == "added" for c in mine):
                h.events.append({"at": newer.generated_at, "kind": "added", "field": None, "old": None,
                                 "new": _facts(category, hit[1]), "material": True, "confirmed": None})
            present = True
            h.last_seen = newer.generated_at
            h.current = _facts(category, hit[1])
            if hit[1].name not in h.names:
                h.names.append(hit[1].name)
        else:
            present = False
    if not present:
        h.current = None
    return h


def _facts(category: str, item) -> dict:
    if category == "regulator":
        return {"name": item.name, "acronym": item.acronym, "role": item.role}
    return {"name": item.name, "effective_date": item.effective_date, "status": item.status}
