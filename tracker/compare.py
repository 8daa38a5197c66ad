"""Compare two consecutive snapshots of a timeline: resolved entities in, material changes out.

Entities are resolved across name variants first (tracker.resolve), then both snapshots become
keyed dicts and deepdiff finds what differs; every difference becomes a `Change` in the
CONTRACT's vocabulary. No deepdiff type leaves this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from tracker import dates
from tracker.model import Snapshot
from tracker.requirements import Facet, amounts_contradict, facets, loose_similarity, stated_elsewhere
from tracker.resolve import Names, acronym_map, fold, identifiers, match, names_of, sentences, similarity, slug, stem

_REMOVAL_WORDS = re.compile(
    r"repeal\w*|supersed\w*|replac\w*|merg\w*|abolish\w*|dissolv\w*|no longer|ceas\w*|laps\w*|revok\w*|"
    r"expir\w*|withdr[ae]w\w*|transferr\w*|wound down|wind down|dropped|removed|rescind\w*|renam\w*|absorb\w*|"
    r"folded into|struck down|annull\w*|scrapped|discontinu\w*|terminat\w*|defunct|closed", re.I)
_RENAME = re.compile(r"renam\w*|known until|formerly|previously (?:known|called|named)|now (?:called|known|named|"
                     r"operat\w*) as|began operating as|rebrand\w*|changed its name|new name", re.I)


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots, in the CONTRACT's vocabulary."""

    category: str
    kind: str
    entity: str
    entity_key: str
    field: str | None = None
    old: object = None
    new: object = None
    material: bool = True
    confirmed: bool | None = None
    omission: bool = False
    refinement: bool = False
    evidence: str | None = None
    citations: tuple[int, ...] = ()


@dataclass
class _Entity:
    names: Names
    raw_names: tuple[str, ...]
    fields: dict
    citations: tuple[int, ...]
    key: str = ""
    renamed: bool = False


@dataclass
class _Side:
    snap: Snapshot
    text: str
    regulators: list[_Entity] = field(default_factory=list)
    laws: list[_Entity] = field(default_factory=list)
    facets: dict[str, Facet] = field(default_factory=dict)


def full_text(s: Snapshot) -> str:
    """Everything the report says, as one text (for evidence and acronyms)."""
    parts = [s.summary, s.stance.summary, s.licensing.summary, *s.licensing.requirements]
    parts += [f"{r.name} ({r.acronym or ''}): {r.role}" for r in s.regulators]
    parts += [f"{x.name}: {x.summary}" for x in s.laws]
    for sec in s.sections:
        parts += [sec.text, *sec.items]
    return "\n".join(p for p in parts if p)


def _jurisdiction_words(s: Snapshot) -> frozenset[str]:
    words = fold(s.jurisdiction).split()
    initials = "".join(w[0] for w in words if w not in ("of", "the", "and"))
    return frozenset([*words, initials] if len(words) > 1 else words)


def _side(s: Snapshot, acronyms: dict[str, str], jw: frozenset[str]) -> _Side:
    side = _Side(snap=s, text=full_text(s))
    for r in s.regulators:
        side.regulators.append(_Entity(
            names=names_of(r.name, r.acronym, r.aliases, jw, acronyms), raw_names=(r.name, *r.aliases),
            fields={"name": r.name, "acronym": r.acronym, "role": r.role}, citations=r.citations))
    for x in s.laws:
        side.laws.append(_Entity(
            names=names_of(x.name, x.acronym, x.aliases, jw, acronyms), raw_names=(x.name, *x.aliases),
            fields={"name": x.name, "effective_date": x.effective_date, "status": x.status,
                    "date_text": x.date_text, "summary": x.summary}, citations=x.citations))
    side.facets = facets(s.licensing.requirements, s.licensing.summary)
    return side


@lru_cache(maxsize=512)
def _sentence_tokens(text: str) -> tuple[tuple[str, frozenset[str], set[frozenset[str]]], ...]:
    """Each sentence of a text with its stemmed words and the instrument numbers it gives."""
    return tuple((s, frozenset(stem(w) for w in fold(s).split()), identifiers(s))
                 for s in sentences(text, marks=".;!?:"))


def _mentioned(text: str, ent: _Entity) -> list[str]:
    """Sentences of text that name the entity: by acronym, by its instrument number, or by every
    word of one of its names."""
    wanted = [ws for raw in ent.raw_names
              if len(ws := {stem(w) for w in fold(raw).split() if w not in ("the", "of", "on", "and", "no", "for")}) >= 2]
    acronym = re.compile(rf"\b{re.escape(ent.names.acronym)}\b") if ent.names.acronym else None
    out = []
    for sentence, tokens, idents in _sentence_tokens(text):
        if (acronym and acronym.search(sentence)) or (ent.names.ident and ent.names.ident in idents) \
                or any(ws <= tokens for ws in wanted):
            out.append(sentence)
    return out


def _removal_evidence(text: str, ent: _Entity) -> str | None:
    for sentence in _mentioned(text, ent):
        if _REMOVAL_WORDS.search(sentence):
            return sentence.strip()
    return None


def _assign(old: list[_Entity], new: list[_Entity], new_text: str) -> None:
    """Give matched entities one key (the older name's), then pair renames the report explains."""
    pairs = match([e.names for e in old], [e.names for e in new])
    used: set[str] = set()

    def key_for(name: str) -> str:
        k = base = slug(name)
        n = 2
        while k in used:
            k, n = f"{base}-{n}", n + 1
        used.add(k)
        return k

    matched_old = {i for i, _, _ in pairs}
    matched_new = {j for _, j, _ in pairs}
    for i, j, _ in pairs:
        old[i].key = new[j].key = key_for(old[i].names.display)
        if old[i].fields["name"] != new[j].fields["name"]:
            own = " ".join(str(v) for v in new[j].fields.values() if v)
            new[j].renamed = any(_RENAME.search(s) for s in _mentioned(own, old[i]))
    for j, e in enumerate(new):
        if j in matched_new:
            continue
        own = " ".join(str(v) for v in e.fields.values() if v)
        for i, o in enumerate(old):
            if i in matched_old:
                continue
            said = [s for s in _mentioned(own, o) if _RENAME.search(s)]
            if said:
                o.key = e.key = key_for(o.names.display)
                e.renamed = True
                matched_old.add(i)
                matched_new.add(j)
                break
    for i, o in enumerate(old):
        if i not in matched_old:
            o.key = key_for(o.names.display)
    for j, e in enumerate(new):
        if j not in matched_new:
            e.key = key_for(e.names.display)


def _match_facets(old: dict[str, Facet], new: dict[str, Facet]) -> dict[str, Facet]:
    """Re-key the newer facets so an unlabelled item reworded keeps the older item's key."""
    loose_old = [k for k, f in old.items() if not f.known and k not in new]
    loose_new = [k for k, f in new.items() if not f.known and k not in old]
    scored = sorted(((loose_similarity(old[a], new[b]), a, b) for a in loose_old for b in loose_new), reverse=True)
    rename: dict[str, str] = {}
    for score, a, b in scored:
        if score >= 0.6 and a not in rename.values() and b not in rename:
            rename[b] = a
    return {rename.get(k, k): f for k, f in new.items()}


# Wording: what a report may rephrase freely. It is compared apart from the facts (below), so
# deepdiff spends its time on what can be material.
_WORDING = {"regulator": "role", "law": "summary", "licensing": "text", "other": "text"}


def _state(side: _Side, facet_map: dict[str, Facet]) -> dict:
    """The facts of one side, keyed by resolved entity: what deepdiff compares."""
    s = side.snap
    return {
        "regulator": {e.key: {k: e.fields[k] for k in ("name", "acronym")} for e in side.regulators},
        "law": {e.key: {k: e.fields[k] for k in ("name", "effective_date", "status")} for e in side.laws},
        "stance": {"trading": {"value": s.stance.trading}},
        "licensing": {
            "required": {"value": s.licensing.required},
            **{k: {"amounts": "; ".join(sorted(f"{a.currency} {a.value:g}" for a in f.amounts))}
               for k, f in facet_map.items() if f.present},
        },
        "other": {slug(sec.heading): {"heading": sec.heading} for sec in s.sections if sec.kind == "other"},
    }


def _differing(old: dict, new: dict) -> tuple[dict, dict]:
    """Both states cut down to the entities that differ: equal entities need no deepdiff at all."""
    a: dict = {}
    b: dict = {}
    for category in old:
        o, n = old[category], new[category]
        keys = [k for k in o.keys() | n.keys() if o.get(k) != n.get(k)]
        a[category] = {k: o[k] for k in keys if k in o}
        b[category] = {k: n[k] for k in keys if k in n}
    return a, b


def _wording(side: _Side, facet_map: dict[str, Facet]) -> dict[str, dict[str, str]]:
    """The free text of one side by category and key: descriptions, roles, section texts."""
    s = side.snap
    return {
        "regulator": {e.key: e.fields["role"] or "" for e in side.regulators},
        "law": {e.key: e.fields["summary"] or "" for e in side.laws},
        "licensing": {k: f.text for k, f in facet_map.items() if f.present},
        "other": {slug(sec.heading): " ".join([sec.text, *sec.items]).strip() for sec in s.sections
                  if sec.kind == "other"},
    }


def _reworded(old: dict, new: dict, a: _Side, old_facets: dict[str, Facet]) -> list[Change]:
    """A non-material change for every entity both sides hold whose description was rephrased."""
    names = {e.key: e.names.display for e in a.regulators + a.laws}
    out = []
    for category, texts in old.items():
        for key, before in texts.items():
            after = new[category].get(key)
            if after is not None and after != before:
                entity = names.get(key) or (old_facets[key].label if category == "licensing" else key)
                out.append(Change(category, "changed", entity, key, _WORDING[category], before, after,
                                  material=False))
    return out


class _Around:
    """The neighbours of a pair, prepared only if a removal or an addition asks about them."""

    def __init__(self, before, after, acronyms, jw) -> None:
        self._snaps = {"before": before, "after": after}
        self._sides: dict[str, _Side | None] = {}
        self._args = (acronyms, jw)

    def side(self, which: str) -> _Side | None:
        if which not in self._sides:
            snap = self._snaps[which]
            self._sides[which] = _side(snap, *self._args) if snap is not None else None
        return self._sides[which]


def _found_in(ent: _Entity, side: _Side | None, category: str) -> bool:
    if side is None:
        return False
    pool = side.regulators if category == "regulator" else side.laws
    return any(similarity(ent.names, other.names) >= 0.82 for other in pool)


def _facet_found(f: Facet, pool: dict[str, Facet] | None) -> bool:
    if not pool:
        return False
    if f.known:
        return f.label in pool and pool[f.label].present
    return any(not g.known and g.present and loose_similarity(f, g) >= 0.6 for g in pool.values())


def compare(older: Snapshot, newer: Snapshot, *, before: Snapshot | None = None,
            after: Snapshot | None = None) -> list[Change]:
    """Every difference between two consecutive snapshots, each marked material or not. `before`
    and `after` (the neighbours in the timeline) tell an omission from a removal."""
    if older.sha256() == newer.sha256():
        return []
    from deepdiff import DeepDiff

    texts = [full_text(x) for x in (older, newer, before, after) if x is not None]
    acronyms = acronym_map(texts)
    jw = _jurisdiction_words(newer)
    a, b = _side(older, acronyms, jw), _side(newer, acronyms, jw)
    _assign(a.regulators, b.regulators, b.text)
    _assign(a.laws, b.laws, b.text)
    new_facets = _match_facets(a.facets, b.facets)
    around = _Around(before, after, acronyms, jw)
    old_state, new_state = _differing(_state(a, a.facets), _state(b, new_facets))
    diff = DeepDiff(old_state, new_state, threshold_to_diff_deeper=0, view="tree")

    ents = {("regulator", "old"): {e.key: e for e in a.regulators}, ("regulator", "new"): {e.key: e for e in b.regulators},
            ("law", "old"): {e.key: e for e in a.laws}, ("law", "new"): {e.key: e for e in b.laws}}
    old_text, new_text = _wording(a, a.facets), _wording(b, new_facets)
    changes = _reworded(old_text, new_text, a, a.facets)
    for report, levels in diff.items():
        for level in levels:
            path = level.path(output_format="list")
            category, key = path[0], path[1]
            if category == "other" and len(path) == 2 and report in ("dictionary_item_added", "dictionary_item_removed"):
                added = report == "dictionary_item_added"
                text = (new_text if added else old_text)["other"].get(key)
                changes.append(Change("other", "added" if added else "removed", (level.t2 if added else level.t1)["heading"],
                                      key, old=None if added else text, new=text if added else None, material=False))
            elif report == "dictionary_item_added" and len(path) == 2:
                changes.append(_added(category, key, level.t2, ents, new_facets, a, around.side("before")))
            elif report == "dictionary_item_removed" and len(path) == 2:
                changes.append(_removed(category, key, level.t1, ents, a.facets, new_facets, b, around.side("after")))
            elif report in ("values_changed", "type_changes") and len(path) == 3:
                change = _changed(category, key, path[2], level.t1, level.t2, ents, a.facets, new_facets, newer)
                if change is not None:
                    changes.append(change)
    order = {"stance": 0, "regulator": 1, "law": 2, "licensing": 3, "other": 4}
    return sorted(changes, key=lambda c: (order[c.category], not c.material, c.entity_key, c.field or ""))


def _added(category, key, value, ents, new_facets, older: _Side, before: _Side | None) -> Change:
    if category in ("regulator", "law"):
        e = ents[(category, "new")][key]
        back = _found_in(e, before, category) and not _found_in(e, older, category)
        if back:
            back = _removal_evidence(older.text, e) is None
        return Change(category, "added", e.names.display, key, material=not back, omission=back,
                      new=_public(category, e.fields), citations=e.citations)
    if category == "licensing":
        f = new_facets[key]
        back = before is not None and _facet_found(f, before.facets) and not _facet_found(f, older.facets)
        already = stated_elsewhere(f.label, older.text) if f.known else None
        return Change(category, "added", _facet_name(f), key, new=f.value() or f.text,
                      material=not back and already is None, omission=back, evidence=already)
    raise AssertionError(f"no addition of {category}")


def _removed(category, key, value, ents, old_facets, new_facets, newer: _Side, after: _Side | None) -> Change:
    if category in ("regulator", "law"):
        e = ents[(category, "old")][key]
        evidence = _removal_evidence(newer.text, e)
        omitted = evidence is None and _found_in(e, after, category)
        return Change(category, "removed", e.names.display, key, old=_public(category, e.fields),
                      material=not omitted, confirmed=evidence is not None, omission=omitted,
                      evidence=evidence, citations=e.citations)
    if category == "licensing":
        f = old_facets[key]
        gone = new_facets.get(key)
        evidence = gone.text if gone is not None and not gone.present else None
        omitted = evidence is None and after is not None and _facet_found(f, after.facets)
        still = stated_elsewhere(f.label, newer.text) if f.known and evidence is None else None
        return Change(category, "removed", _facet_name(f), key, old=f.value() or f.text,
                      material=not omitted and still is None, confirmed=evidence is not None, omission=omitted,
                      evidence=evidence or still)
    raise AssertionError(f"no removal of {category}")


def _changed(category, key, fld, old, new, ents, old_facets, new_facets, newer: Snapshot) -> Change | None:
    if category == "stance":
        material = "unclear" not in (old, new)
        return Change("stance", "changed", "trading", "trading", "trading", old, new, material=material,
                      evidence=newer.stance.summary or None)
    if category == "licensing":
        if key == "required":
            return Change("licensing", "changed", "licence required", "required", "required", old, new,
                          material=old is not None and new is not None)
        fo, fn = old_facets[key], new_facets[key]
        if fld == "amounts":
            return Change("licensing", "changed", fo.label, key, fo.label, fo.value(), fn.value(),
                          material=amounts_contradict(fo.amounts, fn.amounts), evidence=fn.text)
        return None
    if category == "other":
        return Change("other", "changed", key, key, fld, old, new, material=False)
    eo, en = ents[(category, "old")][key], ents[(category, "new")][key]
    citations = en.citations
    if category == "law":
        if fld == "effective_date":
            refinement = dates.refines(old, new)
            return Change("law", "changed", eo.names.display, key, fld, old, new,
                          material=new is not None and not refinement, refinement=refinement,
                          evidence=en.fields.get("date_text"), citations=citations)
        if fld == "status":
            return Change("law", "changed", eo.names.display, key, fld, old, new,
                          material="unknown" not in (old, new), evidence=en.fields.get("summary"),
                          citations=citations)
        return Change("law", "changed", eo.names.display, key, fld, old, new, material=False, citations=citations)
    if fld == "name":
        return Change("regulator", "changed", eo.names.display, key, fld, old, new, material=en.renamed,
                      evidence=en.fields.get("role") if en.renamed else None, citations=citations)
    if fld == "acronym":
        material = en.renamed or (old is not None and new is not None)
        return Change("regulator", "changed", eo.names.display, key, fld, old, new, material=material,
                      citations=citations)
    return Change("regulator", "changed", eo.names.display, key, fld, old, new, material=False, citations=citations)


def _facet_name(f: Facet) -> str:
    """A requirement as a reader knows it: its kind and the report's own words for it."""
    words = f.text if len(f.text) <= 160 else f.text[:157].rsplit(" ", 1)[0] + "…"
    return f"{f.label}: {words}" if f.known else words


def _public(category: str, fields: dict) -> dict:
    keep = ("name", "acronym", "role") if category == "regulator" else ("name", "effective_date", "status")
    return {k: fields.get(k) for k in keep}
