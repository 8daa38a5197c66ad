"""One entity's timeline: when it was first and last seen, the names it went by, and its changes
as the stored changelog holds them (omissions, confirmations and all), never recomputed."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.model import Snapshot
from tracker.names import is_acronym
from tracker.registry import Registry, Resolved, fold, name_similarity, profile


@dataclass
class History:
    """What the reports said of one regulator or law over time."""

    category: str
    key: str
    name: str
    first_seen: str | None = None
    last_seen: str | None = None
    names: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    current: dict | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"category": self.category, "entity": self.name, "entity_key": self.key, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "names": self.names, "events": self.events, "current": self.current}


def _facts(category: str, item) -> dict:
    if category == "regulator":
        return {"name": item.name, "acronym": item.acronym, "role": item.role}
    return {"name": item.name, "effective_date": item.effective_date, "status": item.status}


def find_entity(snapshots: Sequence[Snapshot], query: str) -> tuple[str, str] | None:
    """(category, key) of the regulator or law of a timeline that the query names, by any name,
    alias or acronym it went by, the closest name otherwise."""
    reg = Registry()
    resolved = [reg.resolve(s) for s in snapshots]
    q = fold(query)
    best: tuple[float, str, str] | None = None
    for s, keys in zip(snapshots, resolved):
        for category, items, ks in (("regulator", s.regulators, keys.regulators), ("law", s.laws, keys.laws)):
            asked = profile(category, query, query if is_acronym(query) else None, (), "", frozenset())
            for item, key in zip(items, ks):
                names = {fold(n) for n in (item.name, *(item.aliases or ()), item.acronym or "") if n}
                if q in names:
                    return category, key
                score = name_similarity(asked, profile(category, item.name, item.acronym, item.aliases, "",
                                                       frozenset()))
                if score >= 0.82 and (best is None or score > best[0]):
                    best = (score, category, key)
    return (best[1], best[2]) if best else None


def entity_history(snapshots: Sequence[Snapshot], category: str, key: str, changes: Sequence[dict]) -> History:
    """The history of the entity with this key: presence from the snapshots (resolved as the
    changelog resolves them), events from the stored changes of that key."""
    reg = Registry()
    resolved: list[Resolved] = [reg.resolve(s) for s in snapshots]
    h = History(category=category, key=key, name="")
    for s, keys in zip(snapshots, resolved):
        items = s.regulators if category == "regulator" else s.laws
        ks = keys.regulators if category == "regulator" else keys.laws
        hit = next((it for it, k in zip(items, ks) if k == key), None)
        if hit is None:
            continue
        h.first_seen = h.first_seen or s.generated_at
        h.last_seen = s.generated_at
        h.name = hit.name
        if hit.name not in h.names:
            h.names.append(hit.name)
        h.current = _facts(category, hit)
    if snapshots and h.last_seen != snapshots[-1].generated_at:
        h.current = None
    h.events = [{"at": c["to"]["generated_at"], "kind": c["kind"], "field": c["field"], "old": c["old"],
                 "new": c["new"], "material": c["material"], "confirmed": c.get("confirmed"),
                 "omission": c.get("omission", False)} for c in changes]
    return h
